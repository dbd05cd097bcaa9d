// The calls the ingest bench sends, in batches: five tools, two in three calls failing with one of
// five realistic errors. POST /v1/events gets them as events, POST /v1/traces as the spans an
// OpenTelemetry-instrumented agent would record for them (otlp-batches.ts).

export interface BenchError {
  type: string;
  message: string;
  status?: number;
  code?: string;
}

export interface BenchCall {
  id: string;
  kind: 'failure' | 'success';
  function: string;
  agentId: string;
  timestamp: number;
  durationMs: number;
  error?: BenchError;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  attempt: number;
  tags: Record<string, string>;
}

const TOOLS = ['search_flights', 'get_weather', 'create_invoice', 'lookup_customer', 'send_email'];
export const AGENTS = 4;
const FAILURES: ((i: number) => BenchError)[] = [
  (i) => ({
    type: 'TypeError',
    message: `Cannot read properties of undefined (reading 'amount') at row ${i}`,
  }),
  (i) => ({ type: 'SyntaxError', message: `Unexpected token } in JSON at position ${i % 977}` }),
  (i) => ({
    type: 'APICallError',
    message: `429 Rate limit reached for requests, retry in ${i % 9}s`,
    status: 429,
  }),
  (i) => ({ type: 'TimeoutError', message: `timeout of ${1000 + (i % 5000)}ms exceeded`, code: 'ETIMEDOUT' }),
  (i) => ({ type: 'ValidationError', message: `"currency" is required (request req_${i.toString(36)})` }),
];

/**
 * `total` calls in batches of `batchSize` (the last may be smaller), numbered from `first`; ids are
 * unique per batch size and number.
 */
export function benchCallBatches(total: number, batchSize: number, first = 0): BenchCall[][] {
  const batches: BenchCall[][] = [];
  let n = first;
  while (n < first + total) {
    const calls: BenchCall[] = [];
    for (let j = 0; j < batchSize && n < first + total; j++, n++) {
      const failed = n % 3 !== 0;
      calls.push({
        id: `ev_${batchSize}_${n}`,
        kind: failed ? 'failure' : 'success',
        function: TOOLS[n % TOOLS.length]!,
        agentId: `agent-${n % AGENTS}`,
        timestamp: 1_764_000_000_000 + n,
        durationMs: 120 + (n % 300),
        ...(failed ? { error: FAILURES[n % FAILURES.length]!(n) } : {}),
        input: { query: `order ${n} for customer ${n % 1000}`, options: { limit: 10, page: n % 7 } },
        output: failed ? null : { ok: true, items: [n, n + 1] },
        attempt: 1,
        tags: { env: 'bench' },
      });
    }
    batches.push(calls);
  }
  return batches;
}
