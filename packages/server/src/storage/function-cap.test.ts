// The cap on functions per project, on both backends: the events of new functions past it are stored
// under the project's overflow function (counted, kept, their failures grouped), functions already
// there keep theirs, the batch's other events are stored as usual, and two replicas ingesting at
// once never exceed it.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  capNewFunctions,
  FUNCTION_CAP_LOCK_CLASS,
  KnownFunctions,
  OVERFLOW_FUNCTION,
} from './function-cap.js';
import { offlineKysely } from './offline-kysely.fixture.js';
import { failure, success } from './prepared-event.fixture.js';
import type { IngestOptions, Storage } from './storage.js';
import { openTestStorages } from './test-databases.js';

const CAP = 3;
const capped: IngestOptions = {
  failureReservoirSize: 5,
  successReservoirSize: 5,
  random: () => 0.5,
  maxFunctionsPerProject: CAP,
  maxPatternsPerFunction: 10,
};

// Ingest's common path (issue 16): a batch of functions seen committed costs the cap no statement.
it('asks the database nothing for a batch whose functions are all known', () => {
  const offline = offlineKysely();
  const known = new KnownFunctions();
  known.remember('p', ['a', 'b']);
  const events = [success('a'), failure('b-1', { fn: 'b' }), success(OVERFLOW_FUNCTION)];
  expect(capNewFunctions(offline, 'p', events, 1, known).next()).toEqual({ done: true, value: events });
  // Another project's function, or one not remembered, is looked up.
  expect(capNewFunctions(offline, 'q', [success('a')], 1, known).next().done).toBe(false);
  expect(capNewFunctions(offline, 'p', [success('c')], 1, known).next().done).toBe(false);
});

describe.each(openTestStorages())('functions per project on $name', (backend) => {
  let storage: Storage;
  let projectSeq = 0;
  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());
  const newProject = async () => (await storage.ensureProject(`fn-cap-${++projectSeq}`)).id;
  const functionsOf = async (project: string) =>
    (await storage.listFunctionStats(project)).map((f) => [f.function, f.successes, f.failures]);

  it('stores the events of new functions past the cap under the overflow function, the others as usual', async () => {
    const project = await newProject();
    const first = await storage.ingest(
      project,
      [
        success('a'),
        success('b'),
        success('a'),
        failure('c-1', { fn: 'c' }),
        success('d', { id: 'ev-d' }),
        failure('e-1', { fn: 'e' }),
        success('b'),
      ],
      capped,
    );
    expect(first.accepted).toBe(7);
    expect(await functionsOf(project)).toEqual([
      ['a', 2, 0],
      [OVERFLOW_FUNCTION, 1, 1],
      ['b', 2, 0],
      ['c', 0, 1],
    ]);
    // The failure past the cap is grouped under the overflow function, its fingerprint kept.
    expect(await storage.getPattern(project, 'e-1')).toMatchObject({ function: OVERFLOW_FUNCTION });
    const stored = await storage.scanEvents(project, { limit: 100 });
    expect(stored.find((e) => e.id === 'ev-d')?.function).toBe(OVERFLOW_FUNCTION);

    // Later: known functions keep their events, any new one overflows.
    await storage.ingest(project, [success('c'), success('f'), success(OVERFLOW_FUNCTION)], capped);
    expect(await functionsOf(project)).toEqual([
      ['a', 2, 0],
      [OVERFLOW_FUNCTION, 3, 1],
      ['b', 2, 0],
      ['c', 1, 1],
    ]);
  });

  it('never exceeds the cap when two replicas create functions at once', async () => {
    const project = await newProject();
    const other = await backend.open();
    const batches = (replica: string) =>
      Array.from({ length: 6 }, (_, n) =>
        Array.from({ length: 4 }, (_, i) => success(`${replica}-${n}-${i}`)),
      );
    await Promise.all(
      [storage, other].map((instance, r) =>
        Promise.all(batches(`r${r}`).map((events) => instance.ingest(project, events, capped))),
      ),
    );
    const functions = await storage.listFunctionStats(project);
    expect(functions.filter((f) => f.function !== OVERFLOW_FUNCTION)).toHaveLength(CAP);
    expect(functions.find((f) => f.function === OVERFLOW_FUNCTION)?.successes).toBe(2 * 6 * 4 - CAP);
  });

  // A full project's new functions overflow whatever other batches do: waiting for the project's
  // lock there would make a flood past the cap queue every batch with a new function.
  it.runIf(backend.name === 'postgres')(
    "takes no lock for a full project's new functions, nor for a batch of known ones",
    async () => {
      const project = await newProject();
      await storage.ingest(
        project,
        Array.from({ length: CAP }, (_, i) => success(`full-${i}`)),
        capped,
      );
      const holder = new pg.Client({ connectionString: backend.location() });
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [FUNCTION_CAP_LOCK_CLASS, project]);
        await storage.ingest(project, [success('full-new'), success('full-0')], capped);
        expect(await functionsOf(project)).toEqual([
          [OVERFLOW_FUNCTION, 1, 0],
          ['full-0', 2, 0],
          ['full-1', 1, 0],
          ['full-2', 1, 0],
        ]);
      } finally {
        await holder.end();
      }
    },
  );
});
