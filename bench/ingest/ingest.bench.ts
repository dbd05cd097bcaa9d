// Ingest throughput through real HTTP into a real `arc serve` child process, on SQLite and on
// PostgreSQL, in batches of 100 and 500. The baseline is JSON.parse of the very same payloads in
// the same run; the ratio (HTTP ingest time / parse time) is the figure that travels between machines.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startArcServer } from '../../packages/server/src/cli/serve-process.fixture.js';
import { benchCallBatches } from './bench-calls.js';

const TOTAL_EVENTS = Number(process.env.ARC_BENCH_EVENTS ?? 100_000);
const CONCURRENCY = Number(process.env.ARC_BENCH_CONCURRENCY ?? 8);
const BATCH_SIZES = [100, 500];

function makeBatches(batchSize: number): string[] {
  return benchCallBatches(TOTAL_EVENTS, batchSize).map((events) => JSON.stringify({ events }));
}

function parseBaseline(batches: string[]): number {
  const start = process.hrtime.bigint();
  let count = 0;
  for (const body of batches) count += (JSON.parse(body) as { events: unknown[] }).events.length;
  if (count < TOTAL_EVENTS) throw new Error('baseline parsed too few events');
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function ingestAll(url: string, key: string, batches: string[]) {
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const body = batches[next++]!;
        const t0 = process.hrtime.bigint();
        const response = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body,
        });
        const answer = (await response.json()) as { accepted?: number };
        if (response.status !== 202)
          throw new Error(`ingest answered ${response.status}: ${JSON.stringify(answer)}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        accepted += answer.accepted ?? 0;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  return { seconds, accepted, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function postgresDatabase(): Promise<{ db: string; drop: () => Promise<void> } | undefined> {
  const admin = process.env.ARC_TEST_PG_URL;
  if (!admin) return undefined;
  const name = `arc_bench_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const db = new URL(admin);
  db.pathname = `/${name}`;
  return {
    db: db.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function run(): Promise<void> {
  console.log(`events per run ${TOTAL_EVENTS}, ${CONCURRENCY} requests in flight, loopback HTTP`);
  console.log('backend     batch   events/s   parse-only events/s   ratio   p50 ms   p99 ms');
  const dir = await mkdtemp(join(tmpdir(), 'arc-bench-ingest-'));
  try {
    const backends: {
      name: string;
      db: () => Promise<{ db: string; drop: () => Promise<void> } | undefined>;
    }[] = [
      { name: 'sqlite', db: async () => ({ db: join(dir, `bench-${Date.now()}.db`), drop: async () => {} }) },
      { name: 'postgres', db: postgresDatabase },
    ];
    for (const backend of backends) {
      for (const batchSize of BATCH_SIZES) {
        const target = await backend.db();
        if (!target) {
          console.log(
            `${backend.name.padEnd(10)}  skipped: set ARC_TEST_PG_URL (scripts/ensure-postgres.sh does)`,
          );
          break;
        }
        const batches = makeBatches(batchSize);
        const parseSeconds = parseBaseline(batches);
        // The bench measures ingest, not the per-key rate limit (a policy, 100 requests/s by default),
        // nor retention (its events are dated 2025, past the default 30 days).
        const server = await startArcServer({
          db: target.db,
          built: true,
          extraArgs: ['--rate-limit', '1000000', '--rate-burst', '1000000', '--retention-days', '0'],
        });
        try {
          const result = await ingestAll(server.url, server.adminKey, batches);
          if (result.accepted !== TOTAL_EVENTS)
            throw new Error(`accepted ${result.accepted} of ${TOTAL_EVENTS}`);
          const rate = TOTAL_EVENTS / result.seconds;
          const parseRate = TOTAL_EVENTS / parseSeconds;
          console.log(
            `${backend.name.padEnd(10)}  ${String(batchSize).padStart(5)}  ${rate.toFixed(0).padStart(9)}  ${parseRate.toFixed(0).padStart(20)}  ${(parseRate / rate).toFixed(1).padStart(5)}x  ${result.p50.toFixed(1).padStart(7)}  ${result.p99.toFixed(1).padStart(7)}`,
          );
        } finally {
          await server.stop();
          await target.drop();
        }
      }
    }
    console.log('ratio = parse-only events/s divided by HTTP ingest events/s (lower is better)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
