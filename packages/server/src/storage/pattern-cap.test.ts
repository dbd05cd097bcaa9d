// The cap on patterns per function, on both backends: new patterns past it send their failures to
// the function's one overflow pattern (counted, flagged, with examples), patterns already there keep
// theirs, other functions have their own room, and two replicas ingesting at once never exceed it.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineKysely } from './offline-kysely.fixture.js';
import {
  capNewPatterns,
  FullFunctions,
  isOverflowPattern,
  OVERFLOW_ERROR_TYPE,
  overflowPatternId,
  PATTERN_CAP_LOCK_CLASS,
  patternCountsQuery,
  type StoredPatterns,
} from './pattern-cap.js';
import { failure } from './prepared-event.fixture.js';
import { queryPlan } from './query-plan.fixture.js';
import type { IngestOptions, PreparedEvent, Storage } from './storage.js';
import { openTestStorages } from './test-databases.js';

const CAP = 3;
const capped: IngestOptions = {
  failureReservoirSize: 5,
  successReservoirSize: 5,
  random: () => 0.5,
  maxPatternsPerFunction: CAP,
};

// A flood of new patterns past the cap (issue 16): a function seen full is not counted again, and
// without a lock (SQLite, writers serialised) the reads are not repeated.
const NONE_KNOWN: StoredPatterns = { has: () => false };

it('counts no function remembered full, and reads once without a lock', () => {
  const db = offlineKysely();
  const full = new FullFunctions();
  const none = { rows: [], affected: 0 };
  const first = capNewPatterns(
    db,
    'p',
    [failure('f-new', { fn: 'f' }), failure('g-new', { fn: 'g' })],
    2,
    full,
    NONE_KNOWN,
  );
  first.next(); // the stored patterns among the batch's: none
  const counts = first.next(none);
  expect(counts.done).toBe(false);
  expect(counts.value).toMatchObject({ parameters: expect.arrayContaining(['f', 'g']) });
  const admitted = first.next({
    rows: [
      { key: 'f', n: 2 },
      { key: 'g', n: 1 },
    ],
    affected: 0,
  });
  expect(admitted.done).toBe(true);
  expect((admitted.value as PreparedEvent[]).map((e) => e.fingerprint?.patternId)).toEqual([
    overflowPatternId('f'),
    'g-new',
  ]);

  // f is full for good: only g is counted, and a batch of f's alone asks for no count.
  const second = capNewPatterns(
    db,
    'p',
    [failure('f-2', { fn: 'f' }), failure('g-2', { fn: 'g' })],
    2,
    full,
    NONE_KNOWN,
  );
  second.next();
  expect(second.next(none).value).not.toMatchObject({ parameters: expect.arrayContaining(['f']) });
  const third = capNewPatterns(db, 'p', [failure('f-3', { fn: 'f' })], 2, full, NONE_KNOWN);
  third.next();
  const done = third.next(none);
  expect(done.done).toBe(true);
  expect((done.value as PreparedEvent[])[0]?.fingerprint?.patternId).toBe(overflowPatternId('f'));
  // Another project's function of the same name is counted.
  const other = capNewPatterns(db, 'q', [failure('f-4', { fn: 'f' })], 2, full, NONE_KNOWN);
  other.next();
  expect(other.next(none).done).toBe(false);
});

// Issue 16: a steady stream's batches repeat patterns already stored, and each asked which of them
// were stored (an IN list of some 70 ids per batch of 500).
it('asks nothing about patterns known committed, and only about the others', () => {
  const db = offlineKysely();
  const known: StoredPatterns = { has: (project, id) => project === 'p' && id.startsWith('old') };
  const events = [
    failure('old-1', { fn: 'f' }),
    failure('old-2', { fn: 'g' }),
    failure('old-1', { fn: 'f' }),
  ];
  const steady = capNewPatterns(db, 'p', events, 2, new FullFunctions(), known);
  const done = steady.next();
  expect(done.done).toBe(true);
  expect(done.value).toEqual(events);

  const mixed = capNewPatterns(
    db,
    'p',
    [...events, failure('new-1', { fn: 'f' })],
    2,
    new FullFunctions(),
    known,
  );
  const asked = mixed.next();
  expect(asked.done).toBe(false);
  expect(asked.value).toMatchObject({ parameters: ['p', 'new-1'] });
  // Another project's rows are its own.
  const other = capNewPatterns(db, 'q', events, 2, new FullFunctions(), known);
  expect(other.next().value).toMatchObject({ parameters: ['q', 'old-1', 'old-2'] });
});

describe.each(openTestStorages())('patterns per function on $name', (backend) => {
  let storage: Storage;
  let projectSeq = 0;
  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());
  const newProject = async () => (await storage.ensureProject(`cap-${++projectSeq}`)).id;
  const patternsOf = async (project: string, fn: string) =>
    (await storage.listPatterns(project, { sort: 'occurrences', limit: 200, function: fn })).patterns;

  it("counts a function's patterns from an index of its own, not by walking the project's patterns", async () => {
    // The plan, not a timing: the count every batch with a new pattern runs must find the function's
    // entries in patterns_by_function (migration 0008).
    expect(await queryPlan(backend, (db) => patternCountsQuery(db, 'p', ['f', 'g']))).toContain(
      'patterns_by_function',
    );
  });

  it('sends the failures of new patterns past the cap to the overflow pattern, counted and flagged', async () => {
    const project = await newProject();
    const first = await storage.ingest(
      project,
      [
        failure('p-1', { fn: 'f' }),
        failure('p-2', { fn: 'f' }),
        failure('p-1', { fn: 'f' }),
        failure('p-3', { fn: 'f' }),
        failure('p-4', { fn: 'f', id: 'ev-p4' }),
        failure('p-5', { fn: 'f' }),
        failure('g-1', { fn: 'g' }),
      ],
      capped,
    );
    const overflow = overflowPatternId('f');
    expect(first.patterns.map((p) => [p.id, p.occurrences, p.created])).toEqual([
      ['p-1', 2, true],
      ['p-2', 1, true],
      ['p-3', 1, true],
      [overflow, 2, true],
      ['g-1', 1, true],
    ]);
    const stored = await patternsOf(project, 'f');
    expect(stored.map((p) => [p.id, p.occurrences, p.overflow]).sort()).toEqual(
      [
        ['p-1', 2, false],
        ['p-2', 1, false],
        ['p-3', 1, false],
        [overflow, 2, true],
      ].sort(),
    );
    expect(await storage.getPattern(project, overflow)).toMatchObject({
      function: 'f',
      category: 'unknown',
      errorType: OVERFLOW_ERROR_TYPE,
      overflow: true,
    });
    // Its examples are the redirected failures themselves.
    const examples = await storage.listFailureExamples(project, overflow);
    expect(examples.map((e) => e.eventId)).toContain('ev-p4');
    expect(examples.map((e) => e.error?.message).sort()).toEqual(['cannot read p-4', 'cannot read p-5']);
    // Stored under it, column and fingerprint alike: what the export and the replays read.
    const underOverflow = await storage.scanEvents(project, {
      limit: 100,
      only: { patternIds: [overflow], functions: [] },
    });
    expect(underOverflow.map((e) => [e.error?.message, e.fingerprint?.patternId]).sort()).toEqual([
      ['cannot read p-4', overflow],
      ['cannot read p-5', overflow],
    ]);

    // Later: known patterns keep their failures, any new one overflows; another function has room.
    const second = await storage.ingest(
      project,
      [failure('p-2', { fn: 'f' }), failure('p-6', { fn: 'f' }), failure('g-2', { fn: 'g' })],
      capped,
    );
    expect(second.patterns.map((p) => [p.id, p.occurrences, p.created])).toEqual([
      ['p-2', 2, false],
      [overflow, 3, false],
      ['g-2', 1, true],
    ]);
    expect(await storage.getPattern(project, 'p-6')).toBeUndefined();
    expect(await storage.listFunctionStats(project)).toEqual([
      expect.objectContaining({ function: 'f', failures: 8 }),
      expect.objectContaining({ function: 'g', failures: 2 }),
    ]);
    expect(isOverflowPattern({ id: overflow, function: 'f' })).toBe(true);
    expect(isOverflowPattern({ id: overflow, function: 'g' })).toBe(false);
  });

  it('never exceeds the cap when two replicas create patterns of one function at once', async () => {
    const project = await newProject();
    const other = await backend.open();
    const batches = (replica: string) =>
      Array.from({ length: 6 }, (_, n) =>
        Array.from({ length: 4 }, (_, i) => failure(`${replica}-${n}-${i}`, { fn: 'race' })),
      );
    await Promise.all(
      [storage, other].map((instance, r) =>
        Promise.all(batches(`r${r}`).map((events) => instance.ingest(project, events, capped))),
      ),
    );
    const patterns = await patternsOf(project, 'race');
    expect(patterns.filter((p) => !p.overflow)).toHaveLength(CAP);
    const overflowed = patterns.find((p) => p.overflow);
    expect(overflowed?.occurrences).toBe(2 * 6 * 4 - CAP);
  });

  // Before, every batch with a new pattern of a full function took the function's lock and held it
  // to commit, so a flood past the cap made all ingest of that function queue: this batch would
  // wait for the lock held below for as long as it is held.
  it.runIf(backend.name === 'postgres')(
    "takes no lock for a full function's new patterns, which overflow whatever other batches do",
    async () => {
      const project = await newProject();
      await storage.ingest(
        project,
        Array.from({ length: CAP }, (_, i) => failure(`full-${i}`, { fn: 'full' })),
        capped,
      );
      const holder = new pg.Client({ connectionString: backend.location() });
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [
          PATTERN_CAP_LOCK_CLASS,
          `${project}/full`,
        ]);
        const result = await storage.ingest(project, [failure('full-new', { fn: 'full' })], capped);
        expect(result.patterns.map((p) => [p.id, p.occurrences])).toEqual([[overflowPatternId('full'), 1]]);
      } finally {
        await holder.end();
      }
    },
  );
});
