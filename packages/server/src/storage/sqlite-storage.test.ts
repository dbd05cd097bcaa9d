// What only the SQLite backend promises (the shared behaviour is in storage.test.ts): an
// acknowledged batch survives the process being killed, and the file's folder is created, both
// readable by their owner only.

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStorage } from './sqlite-storage.js';

const folder = mkdtempSync(join(tmpdir(), 'arc-sqlite-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const storageModule = fileURLToPath(new URL('./sqlite-storage.ts', import.meta.url));

// Ingests batches of 200 successes forever, printing the last event id of each batch once
// ingest() has resolved, that is once the batch is acknowledged.
const writer = (file: string) => `
  import { createSqliteStorage } from ${JSON.stringify(storageModule)};
  const storage = createSqliteStorage({ file: ${JSON.stringify(file)} });
  await storage.migrate();
  const project = await storage.ensureProject('killed');
  const options = { failureReservoirSize: 5, successReservoirSize: 5, random: Math.random };
  for (let batch = 0; ; batch++) {
    const events = Array.from({ length: 200 }, (_, i) => ({
      id: 'e-' + batch + '-' + i, kind: 'success', function: 'f', agentId: null, timestamp: batch,
      durationMs: null, error: null, input: { batch, i }, output: 'x'.repeat(200), fixIds: [], attempt: null,
      tags: {}, traceId: null, fingerprint: null,
    }));
    await storage.ingest(project.id, events, options);
    process.stdout.write('ack ' + batch + '\\n');
  }
`;

// Opens the file under umask 000 and prints, while it is open (WAL and shared memory present), the
// modes of the paths asked for; `umask-probe` beside it is written with Node's default mode.
const modeReporter = (file: string, reported: string[]) => `
  import { statSync, writeFileSync } from 'node:fs';
  import { createSqliteStorage } from ${JSON.stringify(storageModule)};
  const storage = createSqliteStorage({ file: ${JSON.stringify(file)} });
  await storage.migrate();
  await storage.ensureProject('private');
  writeFileSync(${JSON.stringify(file)} + '.umask-probe', '');
  const modes = {};
  for (const path of ${JSON.stringify(reported)}) modes[path] = (statSync(path).mode & 0o777).toString(8);
  await storage.close();
  process.stdout.write(JSON.stringify(modes));
`;

function reportModesUnderUmask000(file: string, reported: string[]): Promise<Record<string, string>> {
  const script = modeReporter(file, reported);
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      'umask 000 && exec "$0" "$@"',
      process.execPath,
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as Record<string, string>);
      else reject(new Error(`mode reporter exited with ${code}`));
    });
  });
}

describe('sqlite storage', () => {
  it('creates its folders 0700 and its database, WAL and shared-memory files 0600 under umask 000', async () => {
    const root = join(folder, 'private');
    const file = join(root, 'deeper', 'arc.db');
    const modes = await reportModesUnderUmask000(file, [
      root,
      join(root, 'deeper'),
      file,
      `${file}-wal`,
      `${file}-shm`,
      `${file}.umask-probe`,
    ]);
    expect(modes).toEqual({
      [root]: '700',
      [join(root, 'deeper')]: '700',
      [file]: '600',
      [`${file}-wal`]: '600',
      [`${file}-shm`]: '600',
      [`${file}.umask-probe`]: '666',
    });
  });

  it('leaves a folder the user made as it is, and makes an existing database and its WAL 0600', async () => {
    const chosen = join(folder, 'chosen');
    mkdirSync(chosen);
    chmodSync(chosen, 0o755);
    const file = join(chosen, 'arc.db');
    for (const path of [file, `${file}-wal`]) {
      writeFileSync(path, '');
      chmodSync(path, 0o644);
    }
    const modes = await reportModesUnderUmask000(file, [file, `${file}-wal`, `${file}-shm`]);
    expect(modes).toEqual({ [file]: '600', [`${file}-wal`]: '600', [`${file}-shm`]: '600' });
    expect((statSync(chosen).mode & 0o777).toString(8)).toBe('755');
  });

  it('creates the folder of its file', async () => {
    const file = join(folder, 'nested', 'deeper', 'arc.db');
    const storage = createSqliteStorage({ file });
    await storage.migrate();
    await storage.close();
    expect(existsSync(file)).toBe(true);
  });

  it('keeps every acknowledged batch when the process is killed with SIGKILL', async () => {
    const file = join(folder, 'killed.db');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer(file)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged = await new Promise<number>((resolve, reject) => {
      let last = -1;
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        for (const match of chunk.matchAll(/ack (\d+)/g)) last = Number(match[1]);
        // Kill it mid-stream, while it is busy writing the next batch.
        if (last >= 30) {
          child.kill('SIGKILL');
          resolve(last);
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited early (code ${code})`));
      });
    });
    await new Promise((resolve) => child.once('close', resolve));

    const storage = createSqliteStorage({ file });
    try {
      await storage.migrate();
      const project = await storage.ensureProject('killed');
      const ids = new Set(await storage.listEventIds(project.id));
      for (let batch = 0; batch <= acknowledged; batch++) {
        expect(ids.has(`e-${batch}-0`) && ids.has(`e-${batch}-199`), `batch ${batch}`).toBe(true);
      }
      // Whole batches only: a batch is there entirely or not at all.
      expect(ids.size % 200).toBe(0);
    } finally {
      await storage.close();
    }
  });
});
