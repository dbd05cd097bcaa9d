// Retention in the background on both backends, with a clock the test controls: each project's
// events older than the age go, in batches of the given size (several transactions, not one),
// newer ones stay; a periodic sweep picks up what ages later.

import { afterEach, describe, expect, it } from 'vitest';
import { daysToMs, EventRetention } from './event-retention.js';
import { failure } from './storage/prepared-event.fixture.js';
import type { IngestOptions, Storage } from './storage/storage.js';
import { openTestStorages } from './storage/test-databases.js';
import { waitUntil } from './test-server.fixture.js';

const OPTIONS: IngestOptions = { failureReservoirSize: 10, successReservoirSize: 10, random: () => 0.5 };
const DAY = daysToMs(1);
const T0 = Date.parse('2026-06-01T00:00:00Z');

describe.each(openTestStorages())('event retention ($name)', (backend) => {
  let retention: EventRetention | undefined;
  afterEach(async () => {
    await retention?.stop();
    await backend.cleanup();
  });

  /** The storage, with each deleteEventsBefore call recorded (what it deleted). */
  async function recording(): Promise<{ storage: Storage; batches: number[] }> {
    const real = await backend.open();
    const batches: number[] = [];
    const storage = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'deleteEventsBefore') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<Storage['deleteEventsBefore']>) => {
          const deleted = await target.deleteEventsBefore(...args);
          batches.push(deleted);
          return deleted;
        };
      },
    });
    return { storage, batches };
  }

  it('deletes each project’s events older than the age, in batches, and keeps the newer ones', async () => {
    const { storage, batches } = await recording();
    const a = (await storage.ensureProject('a')).id;
    const b = (await storage.ensureProject('b')).id;
    const ages = [40, 35, 31, 30.5, 29, 1];
    await storage.ingest(
      a,
      ages.map((d, i) => failure('p', { id: `a${i}`, timestamp: T0 - d * DAY })),
      OPTIONS,
    );
    await storage.ingest(b, [failure('p', { id: 'b0', timestamp: T0 - 31 * DAY })], OPTIONS);

    const swept: { projectId: string; deleted: number }[] = [];
    retention = new EventRetention({
      storage,
      maxAgeMs: 30 * DAY,
      batchSize: 2,
      now: () => T0,
      onSwept: (report) => swept.push(report),
    });
    expect(await retention.sweep()).toBe(5);
    expect(await storage.listEventIds(a)).toEqual(['a4', 'a5']);
    expect(await storage.listEventIds(b)).toEqual([]);
    // Project a: 2 + 2 + 0 (a full batch asks again); project b: 1.
    expect(batches.sort()).toEqual([0, 1, 2, 2]);
    expect(swept.sort((x, y) => x.deleted - y.deleted)).toEqual([
      { projectId: b, deleted: 1 },
      { projectId: a, deleted: 4 },
    ]);
    expect((await storage.getPattern(a, 'p'))?.occurrences).toBe(6);
  });

  it('sweeps at start and then periodically, as events age', async () => {
    const { storage } = await recording();
    const project = (await storage.ensureProject('periodic')).id;
    await storage.ingest(
      project,
      [failure('p', { id: 'old', timestamp: T0 - 2 * DAY }), failure('p', { id: 'young', timestamp: T0 })],
      OPTIONS,
    );
    let clock = T0;
    retention = new EventRetention({ storage, maxAgeMs: DAY, intervalMs: 20, now: () => clock });
    retention.start();
    await waitUntil(async () => (await storage.listEventIds(project)).length === 1, 'the old event to go');
    expect(await storage.listEventIds(project)).toEqual(['young']);
    clock += 2 * DAY;
    await waitUntil(async () => (await storage.countEvents(project)) === 0, 'the young one to age and go');
  });
});
