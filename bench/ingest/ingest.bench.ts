// Ingest throughput through real HTTP into a real `arc serve` child process, on SQLite and on
// PostgreSQL: POST /v1/events in batches of 100 and 500, and POST /v1/traces (OTLP/HTTP, binary
// protobuf) with the same calls as OpenTelemetry spans, 500 a request (near the OpenTelemetry batch
// span processor's 512). The baseline is JSON.parse of the calls' /v1/events payloads in the same
// run; the ratio (HTTP ingest time / parse time) is the figure that travels between machines, and
// so does events per CPU-second of the servers, which a busy machine distorts far less than wall
// time. Every row measures its servers after a warm-up of other calls sent the same way (a fresh
// server's first seconds run code V8 has not optimised yet, and the learner's first step goes over
// every pattern so far), and prints the warm-up's rate beside. Besides, SQLite in batches of 500 sent
// open loop at half its closed-loop rate (its p99 then), and PostgreSQL with two `arc serve`
// replicas on one database; a summary holds the issue's targets.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type ArcServerProcess,
  startArcServer,
} from '../../packages/server/src/cli/serve-process.fixture.js';
import { decodeTraceResponse } from '../../packages/server/src/otlp/otlp-request.fixture.js';
import { type BenchCall, benchCallBatches } from './bench-calls.js';
import { OTLP_PROTOBUF, otlpBatches } from './otlp-batches.js';
import { mainThreadCpuSeconds, processCpuSeconds } from './process-cpu.js';

const TOTAL_EVENTS = Number(process.env.ARC_BENCH_EVENTS ?? 100_000);
const CONCURRENCY = Number(process.env.ARC_BENCH_CONCURRENCY ?? 8);
const BATCH_SIZES = [100, 500];
const OTLP_BATCH_SIZE = 500;
/** Where each server writes a V8 CPU profile when it stops (`node --cpu-prof`); none when unset. */
const PROFILE_DIR = process.env.ARC_BENCH_CPU_PROF_DIR || undefined;

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

/** Seconds JSON.parse takes over the payloads, the best of three passes (a busy machine only adds time). */
function parseBaseline(batches: string[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 3; pass++) {
    const start = process.hrtime.bigint();
    let count = 0;
    for (const body of batches) count += (JSON.parse(body) as { events: unknown[] }).events.length;
    if (count < TOTAL_EVENTS) throw new Error('baseline parsed too few events');
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Sends every batch, round robin over `servers`. Closed loop (CONCURRENCY requests in flight) when
 * `eventsPerSecond` is absent; otherwise open loop: batch k leaves at k / (eventsPerSecond / batch
 * size) seconds, however many are still in flight, and its latency counts from then.
 */
async function ingestAll(
  servers: readonly ArcServerProcess[],
  route: IngestRoute,
  batches: (string | Uint8Array)[],
  batchSize: number,
  eventsPerSecond?: number,
) {
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;
  const send = async (index: number, sentAtMs: number) => {
    const server = servers[index % servers.length]!;
    const response = await fetch(`${server.url}${route.path}`, {
      method: 'POST',
      headers: { 'content-type': route.contentType, authorization: `Bearer ${server.adminKey}` },
      body: batches[index]!,
    });
    await route.check(response);
    latencies.push(elapsedMs() - sentAtMs);
  };
  if (eventsPerSecond === undefined) {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batches.length) await send(next++, elapsedMs());
      }),
    );
  } else {
    const intervalMs = (1000 * batchSize) / eventsPerSecond;
    const sends: Promise<void>[] = [];
    for (let k = 0; k < batches.length; k++) {
      const waitMs = k * intervalMs - elapsedMs();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      sends.push(send(k, k * intervalMs));
    }
    await Promise.all(sends);
  }
  const seconds = elapsedMs() / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * CPU seconds the servers have used so far, all together: all their threads, and their main
 * threads (HTTP and ingest; the learners have a thread of their own); undefined without /proc.
 */
function serversCpuSeconds(servers: readonly ArcServerProcess[]): { all: number; main: number } | undefined {
  const total = { all: 0, main: 0 };
  for (const server of servers) {
    const pid = server.child.pid;
    const all = pid === undefined ? undefined : processCpuSeconds(pid);
    const main = pid === undefined ? undefined : mainThreadCpuSeconds(pid);
    if (all === undefined || main === undefined) return undefined;
    total.all += all;
    total.main += main;
  }
  return total;
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

interface Row {
  backend: Backend;
  route: IngestRoute;
  batchSize: number;
  /** `arc serve` processes on the one database, the batches sent round robin. */
  servers: number;
  /** Events per second the batches are sent at (open loop); closed loop when absent. */
  pacedAt?: number;
  /**
   * Batches sent the same way before the measured ones, and left out of their figures: a fresh
   * server's first seconds (code not yet optimised by the JIT, the learner's first step over every
   * pattern the warm-up brought) are not what it sustains after.
   */
  warmUp: Batches;
}

interface Batches {
  bodies: (string | Uint8Array)[];
  events: number;
}

/** A route's measured batches and the warm-up sent before them. */
interface RouteBodies {
  route: IngestRoute;
  bodies: (string | Uint8Array)[];
  warmUp: Batches;
}

interface RowResult {
  rate: number;
  parseRate: number;
  p50: number;
  p99: number;
  /** Events per CPU-second the servers used; undefined without /proc. */
  perCpuSecond: number | undefined;
  /** Events per CPU-second of the servers' main threads; undefined without /proc. */
  perMainThreadSecond: number | undefined;
  /** The warm-up batches' own figures: a fresh server's first seconds. */
  warmUp: { rate: number; p50: number; p99: number };
}

/** One row: the batches into fresh servers and database, timed, against the parse-only baseline. */
async function measureRow(
  row: Row,
  parseSeconds: number,
  bodies: (string | Uint8Array)[],
): Promise<RowResult | 'skipped'> {
  const target = await row.backend.db();
  if (!target) return 'skipped';
  const servers: ArcServerProcess[] = [];
  try {
    for (let i = 0; i < row.servers; i++) {
      servers.push(
        await startArcServer({
          db: target.db,
          built: true,
          nodeArgs: PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR],
          // The bench measures ingest, not the per-key rate limit (a policy, 100 requests/s by
          // default), nor retention (its events are dated 2025, past the default 30 days).
          extraArgs: ['--rate-limit', '1000000', '--rate-burst', '1000000', '--retention-days', '0'],
          // Replicas share the database, so the first one's admin key is everyone's.
          ...(servers[0] === undefined ? {} : { adminKey: servers[0].adminKey }),
        }),
      );
    }
    const warmUp = await ingestAll(servers, row.route, row.warmUp.bodies, row.batchSize, row.pacedAt);
    const warmUpRate = row.warmUp.events / warmUp.seconds;
    const cpuBefore = serversCpuSeconds(servers);
    const clientBefore = process.cpuUsage();
    const result = await ingestAll(servers, row.route, bodies, row.batchSize, row.pacedAt);
    const client = process.cpuUsage(clientBefore);
    const cpuAfter = serversCpuSeconds(servers);
    const perClientCpuSecond = TOTAL_EVENTS / ((client.user + client.system) / 1e6);
    const stored = await storedCalls(servers[0]!.url, servers[0]!.adminKey);
    const sent = TOTAL_EVENTS + row.warmUp.events;
    if (stored !== sent) throw new Error(`${row.route.name}: stored ${stored} of ${sent}`);
    const rate = TOTAL_EVENTS / result.seconds;
    const parseRate = TOTAL_EVENTS / parseSeconds;
    const perCpuSecond =
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : TOTAL_EVENTS / (cpuAfter.all - cpuBefore.all);
    const perMainThreadSecond =
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : TOTAL_EVENTS / (cpuAfter.main - cpuBefore.main);
    const label = `${row.backend.name}${row.servers > 1 ? ` x${row.servers}` : ''}`;
    const sending = row.pacedAt === undefined ? 'closed' : `paced ${row.pacedAt.toFixed(0)}/s`;
    console.log(
      `${label.padEnd(11)}  ${row.route.name.padEnd(6)}  ${String(row.batchSize).padStart(5)}  ${sending.padEnd(15)}  ${rate.toFixed(0).padStart(8)}  ${warmUpRate.toFixed(0).padStart(12)}  ${parseRate.toFixed(0).padStart(10)}  ${(parseRate / rate).toFixed(1).padStart(6)}x  ${result.p50.toFixed(1).padStart(7)}  ${result.p99.toFixed(1).padStart(7)}  ${perCpuSecond === undefined ? '-' : perCpuSecond.toFixed(0).padStart(15)}  ${perMainThreadSecond === undefined ? '-' : perMainThreadSecond.toFixed(0).padStart(15)}  ${perClientCpuSecond.toFixed(0).padStart(15)}`,
    );
    return {
      rate,
      parseRate,
      p50: result.p50,
      p99: result.p99,
      perCpuSecond,
      perMainThreadSecond,
      warmUp: { rate: warmUpRate, p50: warmUp.p50, p99: warmUp.p99 },
    };
  } finally {
    for (const server of servers) await server.stop();
    await target.drop();
  }
}

/** A row's figures for the summary: events/s, with the parse-only ratio and the CPU figure. */
function figures(r: RowResult): string {
  const cpu =
    r.perCpuSecond === undefined || r.perMainThreadSecond === undefined
      ? 'no /proc'
      : `${r.perCpuSecond.toFixed(0)} per server CPU-second, ${r.perMainThreadSecond.toFixed(0)} per main-thread CPU-second`;
  return `${r.rate.toFixed(0)} events/s after the warm-up (${r.warmUp.rate.toFixed(0)} in it; parse-only ${r.parseRate.toFixed(0)}, ratio ${(r.parseRate / r.rate).toFixed(1)}x; ${cpu})`;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export async function run(): Promise<void> {
  console.log(
    `events per run ${TOTAL_EVENTS}, ${CONCURRENCY} requests in flight (closed loop), loopback HTTP`,
  );
  console.log(`load average at the start: ${load()}`);
  console.log(
    'backend      route   batch  sending          events/s  warm-up ev/s  parse ev/s   ratio   p50 ms   p99 ms  ev/server-CPU-s  ev/main-thread-s  ev/client-CPU-s',
  );
  const dir = await mkdtemp(join(tmpdir(), 'arc-bench-ingest-'));
  try {
    const backends: Backend[] = [
      { name: 'sqlite', db: async () => ({ db: join(dir, `bench-${Date.now()}.db`), drop: async () => {} }) },
      { name: 'postgres', db: postgresDatabase },
    ];
    // Encoded once: the same bodies go to both backends. Each row's warm-up calls are numbered after
    // the measured ones, so their ids and their new patterns are their own.
    const warmUpEvents = Math.ceil(TOTAL_EVENTS / 2);
    const inputs = [];
    for (const batchSize of BATCH_SIZES) {
      const calls = benchCallBatches(TOTAL_EVENTS, batchSize);
      const warmUpCalls = benchCallBatches(warmUpEvents, batchSize, TOTAL_EVENTS);
      const asEvents = (batches: BenchCall[][]) => batches.map((events) => JSON.stringify({ events }));
      const eventsJson = asEvents(calls);
      const rows: RouteBodies[] = [
        {
          route: EVENTS_ROUTE,
          bodies: eventsJson,
          warmUp: { bodies: asEvents(warmUpCalls), events: warmUpEvents },
        },
      ];
      if (batchSize === OTLP_BATCH_SIZE) {
        rows.push({
          route: OTLP_ROUTE,
          bodies: await otlpBatches(calls),
          warmUp: { bodies: await otlpBatches(warmUpCalls), events: warmUpEvents },
        });
      }
      inputs.push({ batchSize, eventsJson, rows });
    }
    const summary: string[] = [];
    for (const backend of backends) {
      backendRows: for (const { batchSize, eventsJson, rows } of inputs) {
        // One baseline for the batch size's rows, so that their ratios compare as their rates do.
        const parseSeconds = parseBaseline(eventsJson);
        for (const { route, bodies, warmUp } of rows) {
          const row: Row = { backend, route, batchSize, servers: 1, warmUp };
          const result = await measureRow(row, parseSeconds, bodies);
          if (result === 'skipped') {
            console.log(
              `${backend.name.padEnd(11)}  skipped: set ARC_TEST_PG_URL (scripts/ensure-postgres.sh does)`,
            );
            break backendRows;
          }
          if (route !== EVENTS_ROUTE || batchSize !== 500) continue;
          if (backend.name === 'sqlite') {
            const half = await measureRow({ ...row, pacedAt: result.rate / 2 }, parseSeconds, bodies);
            if (half === 'skipped') throw new Error('sqlite is always there');
            summary.push(
              `SQLite, batches of 500: ${figures(result)}; target 100,000`,
              `SQLite, sent at half that rate: p99 ${half.p99.toFixed(1)} ms (p50 ${half.p50.toFixed(1)}; ${bodies.length} batches) after ${warmUpEvents} events at that rate to warm the fresh server up (their own p99 ${half.warmUp.p99.toFixed(1)} ms, p50 ${half.warmUp.p50.toFixed(1)}); target under 100 ms`,
            );
          } else {
            const two = await measureRow({ ...row, servers: 2 }, parseSeconds, bodies);
            if (two === 'skipped') throw new Error('postgres was there a row ago');
            summary.push(
              `PostgreSQL, batches of 500, one server: ${figures(result)}; target 50,000`,
              `PostgreSQL, two replicas on one database: ${figures(two)}, ${(two.rate / result.rate).toFixed(2)}x one server; target above one server`,
            );
          }
        }
      }
    }
    console.log(
      `every row first sends ${warmUpEvents} other calls the same way to its fresh servers (warm-up ev/s: their rate, a fresh server's first seconds) and measures the ${TOTAL_EVENTS} after them`,
    );
    console.log('paced = sent open loop at that rate (the summary gives its warm-up latencies)');
    console.log(
      'otlp = the same calls as OpenTelemetry execute_tool spans, binary protobuf to POST /v1/traces (a span is an event)',
    );
    console.log(
      'ratio = parse-only events/s (JSON.parse of the calls as /v1/events bodies) divided by HTTP ingest events/s (lower is better)',
    );
    console.log(
      "ev/server-CPU-s = events per CPU-second the arc serve processes used, all threads (not PostgreSQL's): about what one free core gives",
    );
    console.log(
      'ev/main-thread-s = events per CPU-second of their main threads, which serve HTTP and ingest (the learners run in a thread of their own)',
    );
    console.log(
      'ev/client-CPU-s = events per CPU-second this process (the sending client) used: what the bench takes from the cores the servers share',
    );
    console.log(`targets (load average at the end: ${load()}):`);
    for (const line of summary) console.log(`  ${line}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
