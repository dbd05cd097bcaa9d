// Checkpoints in a thread of their own: the thread copies what the writing connection committed into
// the database file, asked once enough was written, one checkpoint at a time; a storage that leaves
// its checkpoints to it ingests and closes as before.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, success } from './prepared-event.fixture.js';
import { SqliteCheckpointThread } from './sqlite-checkpoint-thread.js';
import { createSqliteStorage } from './sqlite-storage.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'arc-checkpoint-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** A WAL database whose writer never checkpoints, with `rows` rows committed. */
function walDatabase(rows: number): { file: string; writer: BetterSqlite3.Database } {
  const file = join(folder, 'arc.db');
  const writer = new BetterSqlite3(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('wal_autocheckpoint = 0');
  writer.exec('CREATE TABLE t (x TEXT)');
  const insert = writer.prepare('INSERT INTO t (x) VALUES (?)');
  writer.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(500));
  })();
  return { file, writer };
}

describe('SqliteCheckpointThread', () => {
  it('checkpoints the whole WAL once enough was written, and asks nothing before', async () => {
    const { file, writer } = walDatabase(200);
    const errors: unknown[] = [];
    const thread = new SqliteCheckpointThread({
      file,
      onError: (e) => errors.push(e),
      checkpointBytes: 1000,
    });
    try {
      thread.wrote(999);
      expect(await thread.idle()).toBeUndefined();
      thread.wrote(1);
      const result = await thread.idle();
      expect(result?.log).toBeGreaterThan(20);
      expect(result).toEqual({ busy: 0, log: result?.log, checkpointed: result?.log });
      // Asked again only after another threshold's worth.
      thread.wrote(10);
      expect(await thread.idle()).toBeUndefined();
    } finally {
      await thread.close();
      writer.close();
    }
    expect(errors).toEqual([]);
  });

  it('closes with nothing asked, and reports no error', async () => {
    const { file, writer } = walDatabase(1);
    const errors: unknown[] = [];
    const thread = new SqliteCheckpointThread({ file, onError: (e) => errors.push(e) });
    await thread.close();
    await thread.close();
    writer.close();
    expect(errors).toEqual([]);
  });
  it('keeps the process alive until it has closed, when closing is all that is left to wait for', async () => {
    const { file, writer } = walDatabase(1);
    writer.close();
    const module = fileURLToPath(new URL('./sqlite-checkpoint-thread.ts', import.meta.url));
    // A process whose last pending work is the close: as `arc serve` that cannot start shuts down.
    const script = `
      const { SqliteCheckpointThread } = await import(${JSON.stringify(module)});
      const thread = new SqliteCheckpointThread({ file: ${JSON.stringify(file)}, onError: () => {} });
      await thread.close();
      process.stdout.write('closed');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'closed' });
  });
});

it('a storage that checkpoints in a thread ingests, closes, and reads back what it committed', async () => {
  const file = join(folder, 'arc.db');
  const events = [failure('p-1'), success('search'), failure('p-2')];
  const first = createSqliteStorage({ file, checkpointThread: true });
  await first.migrate();
  const project = await first.ensureProject('checkpoints');
  const options = { failureReservoirSize: 5, successReservoirSize: 5, random: () => 0.5 };
  expect((await first.ingest(project.id, events, options)).accepted).toBe(3);
  await first.close();

  const again = createSqliteStorage({ file });
  await again.migrate();
  expect((await again.ingest(project.id, events, options)).duplicates).toBe(3);
  expect(await again.countFailures(project.id)).toBe(2);
  await again.close();
});
