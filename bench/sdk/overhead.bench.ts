// SDK overhead on the success path: a tracked call minus the same bare call, measured in the same
// run, beside the overhead of an OpenTelemetry span wrapper (`tracer.startActiveSpan`, batch
// processor, no-op exporter) around the same function. Sync and async. The Arc client is real:
// default success sampling (10%), events batched to a local HTTP server, fixes polled from it.
// A second client keeps no recent calls for verdicts (`feedback.recentCalls: 0`): the difference
// is what remembering each call for `arc.feedback` costs.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createArc } from '@arc-agent/sdk';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

const SYNC_CALLS = 500_000;
const ASYNC_CALLS = 100_000;
const ROUNDS = 7;

/** Discards spans, so only the cost of making them is measured. */
class NoopExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

// Work small enough that overhead shows, real enough that it cannot be optimised away.
const inputs = Array.from({ length: 1024 }, (_, i) => `order-${i}-${'x'.repeat(i % 17)}`);
function work(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}
async function asyncWork(text: string): Promise<number> {
  return work(text);
}

function timeSync(fn: (s: string) => number, calls: number): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink ^= fn(inputs[i & 1023]!);
  const ns = Number(process.hrtime.bigint() - start) / calls;
  if (sink === 42.5) console.log(sink); // keeps the results observable
  return ns;
}

async function timeAsync(fn: (s: string) => Promise<number>, calls: number): Promise<number> {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink ^= await fn(inputs[i & 1023]!);
  const ns = Number(process.hrtime.bigint() - start) / calls;
  if (sink === 42.5) console.log(sink);
  return ns;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function row(name: string, ns: number, bare: number): string {
  const overhead = ns - bare;
  return `${name.padEnd(28)} ${ns.toFixed(1).padStart(9)} ns/call   overhead ${overhead.toFixed(1).padStart(8)} ns/call`;
}

export async function run(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(req.url?.startsWith('/v1/fixes') ? 200 : 202, { 'content-type': 'application/json' });
      res.end(
        req.url?.startsWith('/v1/fixes') ? '{"fixes":[]}' : '{"accepted":0,"duplicates":0,"patterns":[]}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const arc = createArc({ endpoint: `http://127.0.0.1:${port}`, apiKey: 'arc_bench', agentId: 'bench' });
  const forgetful = createArc({
    endpoint: `http://127.0.0.1:${port}`,
    apiKey: 'arc_bench',
    agentId: 'bench',
    feedback: { recentCalls: 0 },
  });
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new NoopExporter())] });
  const tracer = provider.getTracer('arc-bench');

  const variants = {
    sync: {
      bare: work,
      arc: arc.track('bench.sync', work),
      forgetful: forgetful.track('bench.sync', work),
      otel: (s: string) =>
        tracer.startActiveSpan('bench.sync', (span) => {
          try {
            return work(s);
          } finally {
            span.end();
          }
        }),
    },
    async: {
      bare: asyncWork,
      arc: arc.track('bench.async', asyncWork),
      forgetful: forgetful.track('bench.async', asyncWork),
      otel: (s: string) =>
        tracer.startActiveSpan('bench.async', async (span) => {
          try {
            return await asyncWork(s);
          } finally {
            span.end();
          }
        }),
    },
  };

  const results = {
    sync: { bare: [] as number[], arc: [] as number[], forgetful: [] as number[], otel: [] as number[] },
    async: { bare: [] as number[], arc: [] as number[], forgetful: [] as number[], otel: [] as number[] },
  };
  // Warm-up, then rounds that interleave the variants so drift in machine load hits all alike.
  timeSync(variants.sync.bare, 50_000);
  timeSync(variants.sync.arc, 50_000);
  timeSync(variants.sync.forgetful, 50_000);
  timeSync(variants.sync.otel, 50_000);
  await timeAsync(variants.async.bare, 20_000);
  await timeAsync(variants.async.arc, 20_000);
  await timeAsync(variants.async.forgetful, 20_000);
  await timeAsync(variants.async.otel, 20_000);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of ['bare', 'arc', 'forgetful', 'otel'] as const) {
      results.sync[name].push(timeSync(variants.sync[name], SYNC_CALLS));
      results.async[name].push(await timeAsync(variants.async[name], ASYNC_CALLS));
      // Lets the batched sends and span exports of the round happen between measurements.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  for (const kind of ['sync', 'async'] as const) {
    const bare = median(results[kind].bare);
    const arcNs = median(results[kind].arc);
    const forgetfulNs = median(results[kind].forgetful);
    const otelNs = median(results[kind].otel);
    const arcOverhead = arcNs - bare;
    const otelOverhead = otelNs - bare;
    console.log(
      `\n${kind} (${kind === 'sync' ? SYNC_CALLS : ASYNC_CALLS} calls x ${ROUNDS} rounds, medians)`,
    );
    console.log(row('bare function', bare, bare));
    console.log(row('arc.track', arcNs, bare));
    console.log(row('arc.track, no recent calls', forgetfulNs, bare));
    console.log(row('otel startActiveSpan', otelNs, bare));
    console.log(
      `ratio: arc overhead / otel overhead = ${(arcOverhead / otelOverhead).toFixed(2)}; arc call / bare call = ${(arcNs / bare).toFixed(2)}; ` +
        `remembering calls for verdicts: ${(arcNs - forgetfulNs).toFixed(1)} ns/call`,
    );
  }
  const stats = arc.stats();
  console.log(
    `\narc: ${stats.sent} events sent, ${stats.dropped} dropped, ${stats.queued} queued, internal errors ${stats.internalErrors}`,
  );

  await arc.shutdown({ timeoutMs: 2000 });
  await forgetful.shutdown({ timeoutMs: 2000 });
  await provider.shutdown();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
