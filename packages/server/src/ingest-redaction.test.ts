// Secrets sent in a batch never reach storage: every sample of the core's secret corpus goes in
// through every free-text field, then the database's own bytes are searched for it (the SQLite
// files, WAL included; a pg_dump of the PostgreSQL database).

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_CORPUS } from '../../core/src/secret-corpus.fixture.js';
import { openTestStorages, type TestStorageBackend } from './storage/test-databases.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

/** Shows that the search finds what was stored: this text goes in beside every secret. */
const VISIBLE = 'visible-canary-7f3a';

/** The forms a leaked secret could take in the bytes: as is, JSON-escaped, and line by line. */
function leakForms(secret: string): string[] {
  const lines = secret.split('\n').filter((line) => line.trim().length >= 12);
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), ...lines])];
}

async function databaseText(backend: TestStorageBackend): Promise<string> {
  if (backend.name === 'sqlite') {
    const folder = dirname(backend.location());
    return readdirSync(folder)
      .map((name) => readFileSync(join(folder, name)).toString('latin1'))
      .join('\n');
  }
  const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', '--dbname', backend.location()], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

describe.each(openTestStorages())('secrets never reach storage ($name)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('redacts the whole secret corpus from messages, stacks, inputs, outputs and tags', async () => {
    const key = await server.key(['ingest']);
    const events = SECRET_CORPUS.flatMap(({ context }, i) => [
      {
        kind: 'failure',
        function: `tool${i % 5}`,
        error: {
          type: 'ToolError',
          message: `${VISIBLE} ${context}`,
          stack: `ToolError: failed\n  ${context}`,
        },
        input: { prompt: context, nested: [{ note: context }], [VISIBLE]: VISIBLE },
        output: context,
        tags: { note: context, visible: VISIBLE },
      },
      { kind: 'success', function: `tool${i % 5}`, input: { prompt: context }, output: { text: context } },
    ]);
    const response = await server.request('POST', '/v1/events', { key, body: { events } });
    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(events.length);

    const text = await databaseText(backend);
    expect(text).toContain(VISIBLE);
    const leaks = SECRET_CORPUS.flatMap(({ label, secret }) =>
      leakForms(secret)
        .filter((form) => text.includes(form))
        .map((form) => `${label}: ${form.slice(0, 40)}`),
    );
    expect(leaks).toEqual([]);
  });
});
