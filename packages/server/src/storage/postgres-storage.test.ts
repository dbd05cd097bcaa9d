// PostgreSQL ingest's locked statement goes out with its COMMIT in one message, prepared on first
// use per connection: a batch cancelled there commits nothing, and the instance keeps ingesting.

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { failure } from './prepared-event.fixture.js';
import type { IngestOptions } from './storage.js';
import { openTestStorages, testPostgresAdminUrl } from './test-databases.js';

const OPTIONS: IngestOptions = { failureReservoirSize: 5, successReservoirSize: 5, random: () => 0.5 };

describe('postgres ingest', () => {
  const backend = openTestStorages().find((b) => b.name === 'postgres')!;
  afterAll(() => backend.cleanup());

  it('commits nothing of a batch cancelled in its locked statement, and the next batches go through', async () => {
    const first = await backend.open();
    const project = (await first.ensureProject('locked')).id;
    await first.ingest(project, [failure('p-hot')], OPTIONS);
    const holder = new pg.Client({ connectionString: backend.location() });
    const admin = new pg.Client({ connectionString: testPostgresAdminUrl() });
    await holder.connect();
    await admin.connect();
    try {
      // Holds the pattern's row, so the batch waits inside its locked statement.
      await holder.query('BEGIN');
      await holder.query("SELECT 1 FROM patterns WHERE project_id = $1 AND id = 'p-hot' FOR UPDATE", [
        project,
      ]);
      // A new instance: its connections have prepared nothing yet.
      const fresh = await backend.open();
      const cancelled = fresh.ingest(project, [failure('p-hot', { id: 'ev-cancelled' })], OPTIONS);
      const database = new URL(backend.location()).pathname.slice(1);
      let waiting: number | undefined;
      const deadline = Date.now() + 30_000;
      while (waiting === undefined && Date.now() < deadline) {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
           WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE 'PREPARE arc_ingest_locked%'`,
          [database],
        );
        waiting = rows[0]?.pid;
      }
      expect(waiting).toBeDefined();
      await admin.query('SELECT pg_cancel_backend($1)', [waiting]);
      await expect(cancelled).rejects.toThrow(/cancel/);
      await holder.query('ROLLBACK');

      expect(await fresh.countEvents(project)).toBe(1);
      expect((await fresh.getPattern(project, 'p-hot'))?.occurrences).toBe(1);
      // Enough batches at once to use every connection of the pool, the one that failed included.
      const results = await Promise.all(
        ['ev-cancelled', ...Array.from({ length: 15 }, (_, i) => `ev-${i}`)].map((id) =>
          fresh.ingest(project, [failure('p-hot', { id })], OPTIONS),
        ),
      );
      expect(results.map((r) => r.accepted)).toEqual(new Array(16).fill(1));
      expect((await first.getPattern(project, 'p-hot'))?.occurrences).toBe(17);
      expect(await first.countEvents(project)).toBe(17);
    } finally {
      await holder.end();
      await admin.end();
    }
  });
});
