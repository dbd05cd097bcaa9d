// The overview's counts on both backends: failures bucketed by event timestamp (half-open buckets,
// successes and other projects left out), and the pattern count.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureTimelineQuery } from './overview-queries.js';
import { queryPlan } from './query-plan.fixture.js';
import type { PreparedEvent, Storage } from './storage.js';
import { openTestStorages } from './test-databases.js';

const INGEST = { failureReservoirSize: 4, successReservoirSize: 4, random: () => 0.5 };
let seq = 0;

function event(kind: 'failure' | 'success', timestamp: number, patternId = 'p1'): PreparedEvent {
  seq += 1;
  return {
    id: `e${seq}`,
    kind,
    function: 'search',
    agentId: null,
    timestamp,
    durationMs: null,
    error: kind === 'failure' ? { type: 'Error', message: 'boom' } : null,
    input: {},
    output: null,
    fixIds: [],
    attempt: null,
    tags: {},
    traceId: null,
    fingerprint:
      kind === 'failure'
        ? { patternId, category: 'unknown', normalizedMessage: 'boom', errorType: 'Error', signature: {} }
        : null,
  };
}

describe.each(openTestStorages())('overview queries on $name', (backend) => {
  let storage: Storage;
  let projectId: string;
  let otherId: string;

  beforeAll(async () => {
    storage = await backend.open();
    projectId = (await storage.ensureProject('overview')).id;
    otherId = (await storage.ensureProject('other')).id;
    await storage.ingest(
      projectId,
      [
        event('failure', 999), // before the window
        event('failure', 1_000),
        event('failure', 1_099, 'p2'),
        event('success', 1_050),
        event('failure', 1_100),
        event('failure', 1_250, 'p3'),
        event('failure', 1_299),
        event('failure', 1_300), // at the window's end: outside
      ],
      INGEST,
    );
    await storage.ingest(otherId, [event('failure', 1_000), event('failure', 1_000, 'p9')], INGEST);
  });
  afterAll(() => backend.cleanup());

  it('counts failures per half-open bucket', async () => {
    expect(await storage.failureTimeline(projectId, { from: 1_000, bucketMs: 100, buckets: 3 })).toEqual([
      2, 1, 2,
    ]);
    expect(await storage.failureTimeline(projectId, { from: 0, bucketMs: 2_000, buckets: 1 })).toEqual([7]);
    expect(await storage.failureTimeline(projectId, { from: 5_000, bucketMs: 60, buckets: 4 })).toEqual([
      0, 0, 0, 0,
    ]);
    expect(await storage.failureTimeline(otherId, { from: 1_000, bucketMs: 100, buckets: 1 })).toEqual([2]);
  });

  it("reads the timeline from its window's range of one index, without the table", async () => {
    // The plan, not a timing (migration 0009): the window's entries of events_failure_timeline, which
    // holds the pattern id, so no event row is read. PostgreSQL reads the visibility map as well, and
    // on a freshly written test table it may still choose to visit rows; the index is what is asked.
    const plan = await queryPlan(backend, (db) =>
      failureTimelineQuery(db, projectId, { from: 1_000, bucketMs: 100, buckets: 3 }),
    );
    expect(plan).toContain(
      backend.name === 'sqlite' ? 'USING COVERING INDEX events_failure_timeline' : 'events_failure_timeline',
    );
  });

  it('counts patterns per project', async () => {
    expect(await storage.countPatterns(projectId)).toBe(3);
    expect(await storage.countPatterns(otherId)).toBe(2);
    expect(await storage.countPatterns((await storage.ensureProject('empty')).id)).toBe(0);
  });
});
