// Throughput of the redaction the server runs on every ingested event (and the SDK before
// sending): redactSecrets and toJsonSafe on a typical event, the two together as the SDK and the
// server run them (redactedJsonSafe, one walk) beside the two passes one after the other, and
// redactText on its strings. The
// baseline is JSON.parse of the same events in the same run, since these machines are noisy.
import { redactedJsonSafe, redactSecrets, redactText, toJsonSafe } from '@arc-agent/core';

const EVENTS = Number(process.env.ARC_BENCH_EVENTS ?? 20_000);
const ROUNDS = 7;
const TOOLS = ['search_flights', 'get_weather', 'create_invoice', 'lookup_customer', 'send_email'];

const STACK = [
  "TypeError: Cannot read properties of undefined (reading 'amount')",
  '    at parseInvoice (/srv/agent/dist/tools/invoice.js:42:17)',
  '    at Object.createInvoice (/srv/agent/dist/tools/invoice.js:88:12)',
  '    at async runTool (/srv/agent/node_modules/@arc-agent/sdk/dist/track.js:131:20)',
  '    at async Agent.step (/srv/agent/dist/agent.js:214:9)',
  '    at async Agent.run (/srv/agent/dist/agent.js:160:7)',
].join('\n');

/** An event like the SDK sends: ids, timings, the call's input and output, and its error. */
function typicalEvent(n: number, withSecret: boolean): Record<string, unknown> {
  const failed = n % 3 !== 0;
  return {
    id: `0193b2c4-7e1f-7a3b-9c2d-${(n + 0x10_0000_0000).toString(16).padStart(12, '0')}`,
    kind: failed ? 'failure' : 'success',
    function: TOOLS[n % TOOLS.length],
    agentId: `agent-${n % 4}`,
    sessionId: `sess_${(n * 7919).toString(36)}`,
    timestamp: new Date(1_764_000_000_000 + n).toISOString(),
    durationMs: 120 + (n % 300),
    input: {
      prompt:
        'You are a travel assistant. Find the cheapest direct flight from San Francisco to New York ' +
        `leaving on 2025-03-${String((n % 28) + 1).padStart(2, '0')}, for 2 adults, and answer with JSON ` +
        'containing the airline, flight number, departure time and total price in USD.',
      params: { model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 512, top_p: 1 },
      args: [{ origin: 'SFO', destination: 'JFK', passengers: 2, cabin: 'economy' }],
      headers: withSecret ? { authorization: `Bearer sk-proj-${'a1B2c3D4'.repeat(6)}` } : { accept: 'json' },
    },
    output: failed
      ? null
      : {
          text:
            `{"airline":"Delta","flight":"DL${400 + (n % 90)}","departure":"2025-03-14T07:05:00-08:00",` +
            `"price_usd":${289 + (n % 50)},"notes":"Seat selection is included; contact ` +
            `${withSecret ? 'jane.doe@example.com' : 'the airline'} for changes."}`,
          usage: { prompt_tokens: 412, completion_tokens: 88, total_tokens: 500 },
        },
    error: failed
      ? {
          name: 'TypeError',
          message: withSecret
            ? `Request failed: postgres://svc:${'pw'.repeat(8)}@db.internal:5432/app refused`
            : "Cannot read properties of undefined (reading 'amount')",
          stack: STACK,
          code: 'ERR_TOOL',
        }
      : null,
    attempt: 1 + (n % 2),
    tags: { env: 'prod', region: 'us-east-1', version: '1.8.2' },
  };
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      collectStrings(item, into);
    }
  }
}

/** Seconds for one run of each body; the best of several interleaved rounds, as load comes in bursts. */
function bestSeconds(bodies: Record<string, () => void>): Record<string, number> {
  const best: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, body] of Object.entries(bodies)) {
      const start = process.hrtime.bigint();
      body();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, seconds);
    }
  }
  return best;
}

export async function run(): Promise<void> {
  const clean = Array.from({ length: EVENTS }, (_, n) => typicalEvent(n, false));
  // One event in ten carries secrets (a key in a header, an e-mail, a password in a URL).
  const mixed = Array.from({ length: EVENTS }, (_, n) => typicalEvent(n, n % 10 === 0));
  const bodies = mixed.map((event) => JSON.stringify(event));
  const strings: string[] = [];
  for (const event of mixed) collectStrings(event, strings);
  const bytes = bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length;
  console.log(
    `${EVENTS} events of ~${bytes.toFixed(0)} bytes of JSON, ${strings.length / EVENTS} strings each (keys included)`,
  );

  let sink = 0;
  const seconds = bestSeconds({
    parse: () => {
      for (const body of bodies) sink += (JSON.parse(body) as { attempt: number }).attempt;
    },
    redactClean: () => {
      for (const event of clean) sink += redactSecrets(event).redactions;
    },
    redactMixed: () => {
      for (const event of mixed) sink += redactSecrets(event).redactions;
    },
    safeCopy: () => {
      for (const event of mixed) sink += toJsonSafe(event) === null ? 1 : 0;
    },
    twoPasses: () => {
      for (const event of mixed) sink += redactSecrets(toJsonSafe(event)).redactions;
    },
    oneWalk: () => {
      for (const event of mixed) sink += redactedJsonSafe(event) === null ? 1 : 0;
    },
    text: () => {
      for (const value of strings) sink += redactText(value).length;
    },
  });
  if (sink === 0) throw new Error('benchmark did no work');

  const row = (name: string, perSecond: number, ratio?: number) =>
    console.log(
      `${name.padEnd(36)} ${perSecond.toFixed(0).padStart(10)}/s${ratio === undefined ? '' : `   ${ratio.toFixed(2)}x JSON.parse time`}`,
    );
  const parse = seconds.parse!;
  row('JSON.parse (baseline), events', EVENTS / parse);
  row('redactSecrets, clean events', EVENTS / seconds.redactClean!, seconds.redactClean! / parse);
  row('redactSecrets, 1 in 10 with secrets', EVENTS / seconds.redactMixed!, seconds.redactMixed! / parse);
  row('toJsonSafe, events', EVENTS / seconds.safeCopy!, seconds.safeCopy! / parse);
  row('toJsonSafe, then redactSecrets', EVENTS / seconds.twoPasses!, seconds.twoPasses! / parse);
  row('redactedJsonSafe (both, one walk)', EVENTS / seconds.oneWalk!, seconds.oneWalk! / parse);
  row('redactText, strings one by one', strings.length / seconds.text!);
}
