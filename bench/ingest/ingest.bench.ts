// Ingest throughput through real HTTP into a real `arc serve` child process, on SQLite and on
// PostgreSQL: POST /v1/events in batches of 100 and 500, and POST /v1/traces (OTLP/HTTP, binary
// protobuf) with the same calls as OpenTelemetry spans, 500 a request (near the OpenTelemetry batch
// span processor's 512). The baseline is JSON.parse of the calls' /v1/events payloads in the same
// run; the ratio (HTTP ingest time / parse time) is the figure that travels between machines.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startArcServer } from '../../packages/server/src/cli/serve-process.fixture.js';
import { decodeTraceResponse } from '../../packages/server/src/otlp/otlp-request.fixture.js';
import { benchCallBatches } from './bench-calls.js';
import { OTLP_PROTOBUF, otlpBatches } from './otlp-batches.js';

const TOTAL_EVENTS = Number(process.env.ARC_BENCH_EVENTS ?? 100_000);
const CONCURRENCY = Number(process.env.ARC_BENCH_CONCURRENCY ?? 8);
const BATCH_SIZES = [100, 500];
const OTLP_BATCH_SIZE = 500;

/** One way in: where the batches go, and what a full acknowledgement of one looks like. */
interface IngestRoute {
  name: string;
  path: string;
  contentType: string;
  /** Throws unless the answer acknowledges the whole batch. */
  check(response: Response): Promise<void>;
}

const EVENTS_ROUTE: IngestRoute = {
  name: 'events',
  path: '/v1/events',
  contentType: 'application/json',
  async check(response) {
    const answer = await response.text();
    if (response.status !== 202) throw new Error(`/v1/events answered ${response.status}: ${answer}`);
  },
};

const OTLP_ROUTE: IngestRoute = {
  name: 'otlp',
  path: '/v1/traces',
  contentType: OTLP_PROTOBUF,
  async check(response) {
    const answer = new Uint8Array(await response.arrayBuffer());
    if (response.status !== 200) {
      throw new Error(`/v1/traces answered ${response.status}: ${Buffer.from(answer).toString()}`);
    }
    const { partialSuccess } = decodeTraceResponse(answer);
    if (partialSuccess) throw new Error(`/v1/traces refused spans: ${partialSuccess.errorMessage}`);
  },
};

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

async function ingestAll(url: string, key: string, route: IngestRoute, batches: (string | Uint8Array)[]) {
  const latencies: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const body = batches[next++]!;
        const t0 = process.hrtime.bigint();
        const response = await fetch(`${url}${route.path}`, {
          method: 'POST',
          headers: { 'content-type': route.contentType, authorization: `Bearer ${key}` },
          body,
        });
        await route.check(response);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  return { seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Calls the server committed, by its own per-function counts: an acknowledged batch must be stored whole. */
async function storedCalls(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/v1/functions`, { headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) throw new Error(`/v1/functions answered ${response.status}`);
  const { functions } = (await response.json()) as { functions: { successes: number; failures: number }[] };
  return functions.reduce((sum, f) => sum + f.successes + f.failures, 0);
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

interface Backend {
  name: string;
  db: () => Promise<{ db: string; drop: () => Promise<void> } | undefined>;
}

/** One row: the batches into a fresh server and database, timed, against the parse-only baseline. */
async function measureRow(
  backend: Backend,
  route: IngestRoute,
  batchSize: number,
  parseSeconds: number,
  bodies: (string | Uint8Array)[],
): Promise<'skipped' | undefined> {
  const target = await backend.db();
  if (!target) return 'skipped';
  // The bench measures ingest, not the per-key rate limit (a policy, 100 requests/s by default),
  // nor retention (its events are dated 2025, past the default 30 days).
  const server = await startArcServer({
    db: target.db,
    built: true,
    extraArgs: ['--rate-limit', '1000000', '--rate-burst', '1000000', '--retention-days', '0'],
  });
  try {
    const result = await ingestAll(server.url, server.adminKey, route, bodies);
    const stored = await storedCalls(server.url, server.adminKey);
    if (stored !== TOTAL_EVENTS) throw new Error(`${route.name}: stored ${stored} of ${TOTAL_EVENTS}`);
    const rate = TOTAL_EVENTS / result.seconds;
    const parseRate = TOTAL_EVENTS / parseSeconds;
    console.log(
      `${backend.name.padEnd(10)}  ${route.name.padEnd(6)}  ${String(batchSize).padStart(5)}  ${rate.toFixed(0).padStart(9)}  ${parseRate.toFixed(0).padStart(20)}  ${(parseRate / rate).toFixed(1).padStart(5)}x  ${result.p50.toFixed(1).padStart(7)}  ${result.p99.toFixed(1).padStart(7)}`,
    );
  } finally {
    await server.stop();
    await target.drop();
  }
  return undefined;
}

export async function run(): Promise<void> {
  console.log(`events per run ${TOTAL_EVENTS}, ${CONCURRENCY} requests in flight, loopback HTTP`);
  console.log('backend     route   batch   events/s   parse-only events/s   ratio   p50 ms   p99 ms');
  const dir = await mkdtemp(join(tmpdir(), 'arc-bench-ingest-'));
  try {
    const backends: Backend[] = [
      { name: 'sqlite', db: async () => ({ db: join(dir, `bench-${Date.now()}.db`), drop: async () => {} }) },
      { name: 'postgres', db: postgresDatabase },
    ];
    // Encoded once: the same bodies go to both backends.
    const inputs = [];
    for (const batchSize of BATCH_SIZES) {
      const calls = benchCallBatches(TOTAL_EVENTS, batchSize);
      const eventsJson = calls.map((events) => JSON.stringify({ events }));
      const rows: [IngestRoute, (string | Uint8Array)[]][] = [[EVENTS_ROUTE, eventsJson]];
      if (batchSize === OTLP_BATCH_SIZE) rows.push([OTLP_ROUTE, await otlpBatches(calls)]);
      inputs.push({ batchSize, eventsJson, rows });
    }
    for (const backend of backends) {
      backendRows: for (const { batchSize, eventsJson, rows } of inputs) {
        // One baseline for the batch size's rows, so that their ratios compare as their rates do.
        const parseSeconds = parseBaseline(eventsJson);
        for (const [route, bodies] of rows) {
          if ((await measureRow(backend, route, batchSize, parseSeconds, bodies)) === 'skipped') {
            console.log(
              `${backend.name.padEnd(10)}  skipped: set ARC_TEST_PG_URL (scripts/ensure-postgres.sh does)`,
            );
            break backendRows;
          }
        }
      }
    }
    console.log(
      'otlp = the same calls as OpenTelemetry execute_tool spans, binary protobuf to POST /v1/traces (a span is an event)',
    );
    console.log(
      'ratio = parse-only events/s (JSON.parse of the calls as /v1/events bodies) divided by HTTP ingest events/s (lower is better)',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
