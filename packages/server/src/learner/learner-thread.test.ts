import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage, StreamEvent } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { waitUntil } from '../test-server.fixture.js';
import { LearnerThread, type LearnerThreadStep } from './learner-thread.js';
import { ingestFailures, QUICK_LEARNING_CONFIG, startLookupWorker } from './learning-agent.fixture.js';

/** Breaks the database under the thread, through a connection of the test's own. */
async function dropTable(dialect: Storage['dialect'], location: string, table: string): Promise<void> {
  if (dialect === 'sqlite') {
    const sqlite = new BetterSqlite3(location);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.exec(`DROP TABLE ${table}`);
    sqlite.close();
    return;
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  await client.query(`DROP TABLE ${table} CASCADE`);
  await client.end();
}

describe.each(openTestStorages())('learner thread ($name)', (backend) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());

  it('learns on its own connection, hands its stream events over in order, reports errors, and exits on stop', async () => {
    const { id } = await storage.ensureProject('threaded');
    await storage.saveLearningConfig(id, QUICK_LEARNING_CONFIG, Date.now());
    const worker = startLookupWorker(storage, id);
    const heard: StreamEvent[] = [];
    const unsubscribe = storage.subscribe((event) => heard.push(event));
    const steps: LearnerThreadStep[] = [];
    const errors: Error[] = [];
    const thread = await LearnerThread.start({
      db: backend.location(),
      tickMs: 20,
      onError: (error) => errors.push(error as Error),
      onStep: (step) => steps.push(step),
      onStreamCommitted: () => void storage.catchUpStream(),
    });
    try {
      await ingestFailures(storage, id, { lookup: 5 });
      await waitUntil(() => steps.length > 0, 'a step in the thread');
      expect(steps[0]).toMatchObject({ step: 1 });
      expect(steps[0]!.rollouts).toBeGreaterThan(0);
      // The step's stream events, committed by the thread, reach this thread's subscribers after
      // those of the ingest before it, ids rising.
      await waitUntil(() => heard.some((e) => e.type === 'learner.step'), 'the step on the stream');
      expect(heard.map((e) => e.type)).toContain('pattern.created');
      const ids = heard.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      expect(errors).toEqual([]);

      // A failing query inside the thread is reported here, and the thread carries on.
      await dropTable(backend.name, backend.location(), 'learner_state');
      await ingestFailures(storage, id, { lookup: 5 });
      await waitUntil(() => errors.length > 0, 'the thread to report an error');
      expect(errors[0]!.message).toMatch(/learner_state/);
      expect(thread.running).toBe(true);
    } finally {
      unsubscribe();
      await thread.stop();
      await worker.stop();
    }
    expect(thread.running).toBe(false);
  });
});

describe('learner thread start', () => {
  const folder = mkdtempSync(join(tmpdir(), 'arc-learner-thread-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('rejects with the thread’s error when it cannot open the database', async () => {
    // A file where the database's folder should be: SQLite cannot create it.
    writeFileSync(join(folder, 'not-a-folder'), '');
    const errors: unknown[] = [];
    await expect(
      LearnerThread.start({
        db: join(folder, 'not-a-folder', 'arc.db'),
        onError: (error) => errors.push(error),
        onStep: () => {},
        onStreamCommitted: () => {},
      }),
    ).rejects.toThrow(/not-a-folder/);
    expect(errors).toEqual([]);
  });
});
