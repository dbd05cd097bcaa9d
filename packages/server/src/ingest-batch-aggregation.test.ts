// A batch is aggregated before it is stored (one upsert per pattern and function, fingerprints of
// repeated failures memoised): what it stores must be what storing its events one at a time stores.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestService } from './ingest-service.js';
import type { EventInput } from './schemas/event-schemas.js';
import type { Storage } from './storage/storage.js';
import { openTestStorages } from './storage/test-databases.js';

const CREDENTIAL = 'arc_test-credential-0123456789';

const event: fc.Arbitrary<EventInput> = fc.record({
  // Fewer ids than events, so that batches repeat some (idempotent retries inside one batch).
  id: fc.integer({ min: 0, max: 59 }).map((n) => `event-${n}`),
  kind: fc.constantFrom('failure' as const, 'success' as const),
  function: fc.constantFrom('search', 'book'),
  timestamp: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }),
  error: fc.record({
    type: fc.constantFrom('TypeError', 'APICallError'),
    message: fc.constantFrom(
      'Rate limit reached, retry in 3s',
      'Rate limit reached, retry in 7s',
      'x is undefined',
    ),
    status: fc.constantFrom(429, 500),
  }),
});

describe.each(openTestStorages())('a batch stores what its events one at a time store ($name)', (backend) => {
  let storage: Storage;
  let run = 0;
  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());

  const stored = async (projectId: string) => ({
    patterns: (await storage.listPatterns(projectId, { sort: 'occurrences', limit: 100 })).patterns
      .map((p) => ({
        id: p.id,
        category: p.category,
        occurrences: p.occurrences,
        firstSeen: p.firstSeen,
        lastSeen: p.lastSeen,
      }))
      .sort((x, y) => x.id.localeCompare(y.id)),
    functions: (await storage.listFunctionStats(projectId)).sort((x, y) =>
      x.function.localeCompare(y.function),
    ),
    events: await storage.listEventIds(projectId),
  });

  it('counts every pattern and function the same, duplicates included', async () => {
    const ingest = createIngestService({
      storage,
      failureReservoirSize: 3,
      successReservoirSize: 3,
      random: () => 0.5,
      now: () => 1_700_000_000_000,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 80, size: 'max' }), async (events) => {
        run += 1;
        const batched = await storage.ensureProject(`batched-${run}`);
        const single = await storage.ensureProject(`single-${run}`);
        const whole = await ingest.ingest(batched.id, events, CREDENTIAL);
        let accepted = 0;
        for (const e of events) accepted += (await ingest.ingest(single.id, [e], CREDENTIAL)).accepted;
        expect(whole.accepted).toBe(accepted);
        expect(whole.accepted + whole.duplicates).toBe(events.length);
        expect(await stored(batched.id)).toEqual(await stored(single.id));
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});
