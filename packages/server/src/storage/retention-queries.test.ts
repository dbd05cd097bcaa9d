// Retention's storage method on both backends: a batch of the oldest events goes, with the example
// slots that point at them; the reservoirs left with holes are compacted and sample anew from their
// survivors; lifetime counts stay; other projects and newer events are untouched.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, success } from './prepared-event.fixture.js';
import type { IngestOptions, Storage } from './storage.js';
import { openTestStorages } from './test-databases.js';

// random() near 1: once a reservoir counts more items than its size, a new one lands nowhere.
const OPTIONS: IngestOptions = { failureReservoirSize: 5, successReservoirSize: 3, random: () => 0.99 };

describe.each(openTestStorages())('deleteEventsBefore on $name', (backend) => {
  let storage: Storage;
  let projectSeq = 0;
  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());
  const newProject = async () => (await storage.ensureProject(`retention-${++projectSeq}`)).id;
  const exampleIds = async (project: string, patternId: string) =>
    (await storage.listFailureExamples(project, patternId)).map((e) => e.eventId);

  it('deletes the oldest events in batches, with their examples, and keeps the counts', async () => {
    const project = await newProject();
    const elsewhere = await newProject();
    const events = [1, 2, 3, 4, 5].map((t) => failure('p-old', { id: `f${t}`, timestamp: t }));
    await storage.ingest(project, [...events, success('search', { id: 's1', timestamp: 2 })], OPTIONS);
    await storage.ingest(elsewhere, [failure('p-old', { id: 'x1', timestamp: 1 })], OPTIONS);
    expect(await exampleIds(project, 'p-old')).toEqual(['f1', 'f2', 'f3', 'f4', 'f5']);

    // Before 3: f1, f2 and s1, oldest first (ties by id), at most two per call.
    expect(await storage.deleteEventsBefore(project, 3, 2)).toBe(2);
    expect(await storage.deleteEventsBefore(project, 3, 2)).toBe(1);
    expect(await storage.deleteEventsBefore(project, 3, 2)).toBe(0);
    expect(await storage.listEventIds(project)).toEqual(['f3', 'f4', 'f5']);
    expect(await exampleIds(project, 'p-old')).toEqual(['f3', 'f4', 'f5']);
    expect(await storage.listSuccessExamples(project, 'search')).toEqual([]);
    // Counts are lifetime totals.
    expect((await storage.getPattern(project, 'p-old'))?.occurrences).toBe(5);
    expect(await storage.listFunctionStats(project)).toEqual([
      { function: 'search', successes: 1, failures: 5, lastSeen: 5 },
    ]);
    expect(await storage.listEventIds(elsewhere)).toEqual(['x1']);
  });

  it('restarts a reservoir from its survivors, so new failures fill the emptied slots at once', async () => {
    const project = await newProject();
    await storage.ingest(
      project,
      [1, 2, 3, 4, 5, 6, 7].map((t) => failure('p-full', { id: `f${t}`, timestamp: t })),
      OPTIONS,
    );
    // Seven seen, five slots: the last two landed nowhere (random() near 1).
    expect(await exampleIds(project, 'p-full')).toEqual(['f1', 'f2', 'f3', 'f4', 'f5']);
    expect(await storage.deleteEventsBefore(project, 4, 100)).toBe(3);
    expect(await exampleIds(project, 'p-full')).toEqual(['f4', 'f5']);

    // The reservoir counts two now: the next three fill slots 2, 3 and 4, the one after is sampled.
    await storage.ingest(
      project,
      [10, 11, 12, 13].map((t) => failure('p-full', { id: `n${t}`, timestamp: t })),
      OPTIONS,
    );
    expect(await exampleIds(project, 'p-full')).toEqual(['f4', 'f5', 'n10', 'n11', 'n12']);
    expect((await storage.getPattern(project, 'p-full'))?.occurrences).toBe(11);

    await storage.ingest(
      project,
      [1, 2, 3].map((t) => success('lookup', { id: `s${t}`, timestamp: t })),
      OPTIONS,
    );
    expect(await storage.deleteEventsBefore(project, 3, 100)).toBe(2);
    await storage.ingest(project, [success('lookup', { id: 's9', timestamp: 9 })], OPTIONS);
    expect((await storage.listSuccessExamples(project, 'lookup')).map((e) => e.eventId)).toEqual([
      's3',
      's9',
    ]);
  });

  it('runs beside another instance ingesting the same patterns: no deadlock, no hole left in a reservoir', async () => {
    const project = await newProject();
    const other = await backend.open();
    const patterns = ['r-a', 'r-b', 'r-c', 'r-d'];
    const pattern = (i: number) => patterns[i % patterns.length]!;
    await storage.ingest(
      project,
      Array.from({ length: 80 }, (_, i) => failure(pattern(i), { id: `old${i}`, timestamp: i })),
      OPTIONS,
    );
    const ingesting = Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        other.ingest(
          project,
          Array.from({ length: 20 }, (_, i) =>
            failure(pattern(i + n), { id: `new${n}-${i}`, timestamp: 1000 + n }),
          ),
          OPTIONS,
        ),
      ),
    );
    let deleted = 0;
    for (let batch = -1; batch !== 0; deleted += batch)
      batch = await storage.deleteEventsBefore(project, 1000, 7);
    await ingesting;
    expect(deleted).toBe(80);
    expect(await storage.countEvents(project)).toBe(200);
    // Five more per pattern fill any reservoir whose counter matches its slots; a hole would stay.
    await storage.ingest(
      project,
      Array.from({ length: 20 }, (_, i) => failure(pattern(i), { id: `last${i}`, timestamp: 2000 })),
      OPTIONS,
    );
    const stored = new Set(await storage.listEventIds(project));
    for (const id of patterns) {
      const examples = await exampleIds(project, id);
      expect(examples).toHaveLength(5);
      for (const eventId of examples) expect(stored.has(eventId)).toBe(true);
    }
  });
});
