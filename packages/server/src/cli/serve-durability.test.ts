// Acknowledged means committed: a real `arc serve` child ingesting batches is killed with SIGKILL
// at random (seeded) moments, restarted on the same database, and every event it answered 202
// for must be there afterwards, on both backends.
import { SeededRandom } from '@arc-agent/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage } from '../storage/open-storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startArcServer } from './serve-process.fixture.js';

const ROUNDS = 4;
const BATCH = 40;
const IN_FLIGHT = 4;

describe.each(openTestStorages())('SIGKILL durability on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('finds every acknowledged event after kills at random points', async () => {
    await (await backend.open()).close();
    const db = backend.location();
    const random = new SeededRandom(`durability-${backend.name}`);
    const acknowledged = new Set<string>();
    let sequence = 0;
    let killedWithRequestsInFlight = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const server = await startArcServer({ db });
      let killed = false;
      let inFlightAtKill = 0;
      let inFlight = 0;
      const send = async () => {
        while (!killed) {
          const ids = Array.from({ length: BATCH }, () => `r${round}-e${sequence++}`);
          const events = ids.map((id, i) => ({
            id,
            kind: i % 4 === 0 ? 'success' : 'failure',
            function: `tool_${i % 3}`,
            error: { type: 'ToolError', message: `upstream answered ${500 + (i % 4)} for order ${id}` },
            input: { order: id },
          }));
          inFlight++;
          try {
            const response = await fetch(`${server.url}/v1/events`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
              body: JSON.stringify({ events }),
            });
            if (response.status === 202) {
              const body = (await response.json()) as { accepted: number };
              expect(body.accepted).toBe(BATCH);
              for (const id of ids) acknowledged.add(id);
            }
          } catch {
            // The process died under this request: it was never acknowledged.
          } finally {
            inFlight--;
          }
        }
      };
      const senders = Array.from({ length: IN_FLIGHT }, send);
      await new Promise((resolve) => setTimeout(resolve, 150 + random.nextInt(900)));
      inFlightAtKill = inFlight;
      await server.stop('SIGKILL');
      killed = true;
      await Promise.all(senders);
      if (inFlightAtKill > 0) killedWithRequestsInFlight++;
    }

    expect(acknowledged.size).toBeGreaterThan(ROUNDS * BATCH);
    expect(killedWithRequestsInFlight).toBeGreaterThan(0);

    const storage = await openStorage(db);
    try {
      const project = await storage.ensureProject('default');
      const stored = new Set(await storage.listEventIds(project.id));
      const missing = [...acknowledged].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      // Unacknowledged batches may or may not have committed, but only whole batches.
      expect(stored.size % BATCH).toBe(0);
      expect(await storage.countEvents(project.id)).toBe(stored.size);
      const { patterns } = await storage.listPatterns(project.id, { sort: 'occurrences', limit: 200 });
      const failuresStored = [...stored].filter((id) => Number(id.split('-e')[1]) % 4 !== 0).length;
      expect(failuresStored).toBeGreaterThan(0);
      expect(patterns.reduce((sum, p) => sum + p.occurrences, 0)).toBe(failuresStored);
    } finally {
      await storage.close();
    }
  }, 120_000);
});
