// Two `arc serve` replicas over one PostgreSQL: the same failures ingested through both at once
// give one row per pattern with the exact total, and replica A's live stream carries what was
// ingested through replica B (LISTEN/NOTIFY), with no coordination beyond the database.
import { createParser } from 'eventsource-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestStorages } from '../storage/test-databases.js';
import { startArcServer } from './serve-process.fixture.js';

const postgres = openTestStorages().find((backend) => backend.name === 'postgres')!;
const PATTERNS = 6;
const BATCHES_PER_REPLICA = 12;
const BATCH = 60;

function batch(replica: string, n: number) {
  return {
    events: Array.from({ length: BATCH }, (_, i) => ({
      id: `${replica}-${n}-${i}`,
      kind: 'failure',
      function: `tool_${i % PATTERNS}`,
      error: { type: 'ToolError', message: `lookup of record ${n * BATCH + i} failed with status 502` },
    })),
  };
}

describe('scale-out on PostgreSQL', () => {
  afterAll(() => postgres.cleanup());

  it('counts exactly across replicas and fans the stream out', async () => {
    await (await postgres.open()).close();
    const db = postgres.location();
    const adminKey = `arc_scaleout${Date.now()}`;
    const a = await startArcServer({ db, adminKey });
    const b = await startArcServer({ db, adminKey });
    const auth = { authorization: `Bearer ${adminKey}` };
    try {
      const seenOnA: { type: string; data: { eventIds?: string[] } & Record<string, unknown> }[] = [];
      const streamAbort = new AbortController();
      const stream = await fetch(`${a.url}/v1/stream`, { headers: auth, signal: streamAbort.signal });
      expect(stream.status).toBe(200);
      const parser = createParser({
        onEvent: (event) => seenOnA.push({ type: event.event ?? 'message', data: JSON.parse(event.data) }),
      });
      const reading = (async () => {
        const decoder = new TextDecoder();
        try {
          for await (const chunk of stream.body!) parser.feed(decoder.decode(chunk, { stream: true }));
        } catch {
          // aborted at the end of the test
        }
      })();

      const post = async (url: string, body: unknown) => {
        const response = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(202);
      };
      await Promise.all(
        ['a', 'b'].flatMap((replica) =>
          Array.from({ length: BATCHES_PER_REPLICA }, (_, n) =>
            post(replica === 'a' ? a.url : b.url, batch(replica, n)),
          ),
        ),
      );

      const total = 2 * BATCHES_PER_REPLICA * BATCH;
      const response = await fetch(`${b.url}/v1/patterns?limit=100`, { headers: auth });
      const { patterns } = (await response.json()) as {
        patterns: { id: string; function: string; occurrences: number }[];
      };
      expect(patterns).toHaveLength(PATTERNS);
      expect(new Set(patterns.map((p) => p.function)).size).toBe(PATTERNS);
      expect(patterns.reduce((sum, p) => sum + p.occurrences, 0)).toBe(total);
      for (const pattern of patterns) expect(pattern.occurrences).toBe(total / PATTERNS);

      // Every ingest through B shows up on A's stream.
      const deadline = Date.now() + 10_000;
      const ingestedOnA = () => seenOnA.filter((e) => e.type === 'failures.ingested');
      while (ingestedOnA().length < 2 * BATCHES_PER_REPLICA && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(ingestedOnA()).toHaveLength(2 * BATCHES_PER_REPLICA);
      expect(seenOnA.filter((e) => e.type === 'pattern.created')).toHaveLength(PATTERNS);
      streamAbort.abort();
      await reading;
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);
});
