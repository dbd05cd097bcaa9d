// What only the SQLite backend promises (the shared behaviour is in storage.test.ts): an
// acknowledged batch survives the process being killed, and the file's folder is created.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

describe('sqlite storage', () => {
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
