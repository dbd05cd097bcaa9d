// `arc export` streams GET /v1/export to a file or stdout; the route's formats and filters are
// tested on both backends in export-routes.test.ts.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { runCli } from './run-cli.fixture.js';

const sqlite = openTestStorages().find((b) => b.name === 'sqlite')!;

describe('arc export', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let dir: string;
  let pattern: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arc-export-'));
    server = await startTestServer(await sqlite.open());
    env = { ARC_URL: server.url, ARC_ADMIN_KEY: await server.key(['read']) };
    const events = [
      { id: 'a', kind: 'failure', function: 'answer', error: { type: 'E', message: 'bad' }, input: ['two?'] },
      { id: 'b', kind: 'failure', function: 'other', error: { type: 'F', message: 'worse' }, input: ['x'] },
      { id: 'c', kind: 'success', function: 'answer', input: ['three?'], output: '3' },
    ];
    const ingested = await server.request('POST', '/v1/events', { key: server.adminKey, body: { events } });
    pattern = ingested.body.patterns[0].id;
  });
  afterAll(async () => {
    await server?.close();
    await sqlite.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes JSON lines to stdout by default', async () => {
    const out = await runCli(['export'], env);
    expect(out.code, out.stderr).toBe(0);
    const records = out.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => [r.id, r.kind])).toEqual([
      ['a', 'failure'],
      ['b', 'failure'],
      ['c', 'success'],
    ]);
  });

  it('writes a VERL Parquet file with --out, filtered by --patterns and --since', async () => {
    const file = join(dir, 'train.parquet');
    const out = await runCli(['export', '--format', 'verl', '--patterns', pattern, '--out', file], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('');
    const bytes = await readFile(file);
    const rows = await parquetReadObjects({ file: new Uint8Array(bytes).buffer });
    expect(rows.map((r) => [(r.extra_info as { event_id: string }).event_id, r.prompt])).toEqual([
      ['a', [{ role: 'user', content: 'two?' }]],
      ['c', [{ role: 'user', content: 'three?' }]],
    ]);

    const later = await runCli(['export', '--format', 'trl', '--since', '2999-01-01T00:00:00Z'], env);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).toBe('');
  });

  it('reports the server’s refusal with the field it names, and a missing key', async () => {
    const bad = await runCli(['export', '--since', 'yesterday'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^arc export: Invalid query string \(\/since must match format "date-time"\)\n$/,
    );
    const unknown = await runCli(['export', '--patterns', 'p-nowhere'], env);
    expect(unknown.stderr).toBe(
      'arc export: Invalid query string (/patterns no pattern p-nowhere in this project)\n',
    );
    const noKey = await runCli(['export'], { ARC_URL: server.url, ARC_ADMIN_KEY: undefined });
    expect(noKey.stderr).toBe('arc export: no key: pass --key or set ARC_ADMIN_KEY\n');
    const badFormat = await runCli(['export', '--format', 'csv'], env);
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toMatch(
      /argument 'csv' is invalid\. Allowed choices are jsonl, parquet, verl, trl/,
    );
  });
});
