import { afterEach, describe, expect, it } from 'vitest';
import type { ArcEvent } from './arc-event.js';
import { EventTransport, parseRetryAfter, type TransportOptions } from './event-transport.js';
import {
  closedPortUrl,
  type HugeAnswer,
  json,
  receivedEvents,
  sleep,
  startTestServer,
  type TestServer,
  until,
  writeHugeAnswer,
} from './http-test-server.fixture.js';

let server: TestServer | undefined;
let transport: EventTransport | undefined;

afterEach(async () => {
  await transport?.shutdown(0);
  await server?.close();
  server = undefined;
  transport = undefined;
});

function event(n: number): ArcEvent {
  return { id: `ev-${n}`, kind: 'failure', function: 'f', timestamp: 1_700_000_000_000 + n };
}

function open(url: string, overrides: Partial<TransportOptions> = {}): EventTransport {
  transport = new EventTransport({
    url: `${url}/v1/events`,
    apiKey: 'arc_test_key',
    fetch: globalThis.fetch,
    batchSize: 100,
    maxQueue: 1000,
    maxBatchBytes: 512 * 1024,
    flushIntervalMs: 60_000,
    requestTimeoutMs: 1000,
    maxAttempts: 5,
    backoff: { baseDelayMs: 10, maxDelayMs: 50, jitter: 'full' },
    random: Math.random,
    ...overrides,
  });
  return transport;
}

const accept = async () => {
  server = await startTestServer((_req, res) => json(res, 202, { accepted: 1, duplicates: 0, patterns: [] }));
  return server;
};

describe('EventTransport', () => {
  it('sends N events in ceil(N / batchSize) POSTs with the bearer key, in order', async () => {
    const s = await accept();
    const t = open(s.url);
    for (let i = 0; i < 250; i++) t.enqueue(event(i));
    await t.flush();
    expect(s.requests.map((r) => (JSON.parse(r.body) as { events: unknown[] }).events.length)).toEqual([
      100, 100, 50,
    ]);
    expect(s.requests.every((r) => r.headers.authorization === 'Bearer arc_test_key')).toBe(true);
    expect(s.requests[0]!.headers['content-type']).toBe('application/json');
    expect(receivedEvents(s).map((e) => e.id)).toEqual(Array.from({ length: 250 }, (_, i) => `ev-${i}`));
    expect(t.stats()).toMatchObject({ sent: 250, dropped: 0, failed: 0, queued: 0 });
  });

  it('sends other items under the body key it is given, as /v1/feedback takes verdicts', async () => {
    const s = await accept();
    const verdicts = new EventTransport<{ id: string; score: number }>({
      url: `${s.url}/v1/feedback`,
      bodyKey: 'feedback',
      apiKey: 'arc_test_key',
      fetch: globalThis.fetch,
      batchSize: 2,
      maxQueue: 10,
      maxBatchBytes: 1024,
      flushIntervalMs: 60_000,
      requestTimeoutMs: 1000,
      maxAttempts: 1,
      backoff: { baseDelayMs: 10, maxDelayMs: 50, jitter: 'full' },
      random: Math.random,
    });
    for (let i = 0; i < 3; i++) verdicts.enqueue({ id: `v${i}`, score: i / 2 });
    await verdicts.flush();
    await verdicts.shutdown(0);
    expect(s.requests.map((r) => [r.url, JSON.parse(r.body)])).toEqual([
      [
        '/v1/feedback',
        {
          feedback: [
            { id: 'v0', score: 0 },
            { id: 'v1', score: 0.5 },
          ],
        },
      ],
      ['/v1/feedback', { feedback: [{ id: 'v2', score: 1 }] }],
    ]);
  });

  it('flushes a partial batch on its interval', async () => {
    const s = await accept();
    const t = open(s.url, { flushIntervalMs: 20 });
    t.enqueue(event(1));
    await until(() => t.stats().sent === 1);
    expect(s.requests).toHaveLength(1);
  });

  it('retries 5xx with backoff and delivers the same event ids once the server recovers', async () => {
    let calls = 0;
    server = await startTestServer((_req, res) => {
      calls++;
      if (calls <= 2) json(res, 503, { error: 'unavailable' });
      else json(res, 202, { accepted: 3, duplicates: 0, patterns: [] });
    });
    const t = open(server.url);
    for (let i = 0; i < 3; i++) t.enqueue(event(i));
    await t.flush();
    await until(() => t.stats().sent === 3);
    expect(server.requests).toHaveLength(3);
    const bodies = server.requests.map((r) => r.body);
    expect(new Set(bodies).size).toBe(1);
    expect(t.stats()).toMatchObject({ sent: 3, failed: 0, retries: 2, queued: 0 });
  });

  it('drops a batch the server rejects with 400, counts it, and does not retry it', async () => {
    server = await startTestServer((_req, res) =>
      json(res, 400, { error: 'bad', details: [{ field: 'events[0].kind' }] }),
    );
    const t = open(server.url);
    t.enqueue(event(1));
    await t.flush();
    await sleep(100);
    expect(server.requests).toHaveLength(1);
    expect(t.stats()).toMatchObject({ sent: 0, failed: 1, retries: 0, queued: 0 });
    expect(t.stats().lastError).toContain('HTTP 400');
    expect(t.stats().lastError).toContain('events[0].kind');
  });

  it('reads only the start of a huge error body and hangs up on the rest', async () => {
    const answers: HugeAnswer[] = [];
    server = await startTestServer((_req, res) =>
      answers.push(writeHugeAnswer(res, 400, `{"error":"${'e'.repeat(600)}`, 64 * 1024 * 1024)),
    );
    // A generous timeout: the request must end because the body was cut, not because time ran out.
    const t = open(server.url, { requestTimeoutMs: 60_000 });
    t.enqueue(event(1));
    await t.flush();
    expect(t.stats()).toMatchObject({ failed: 1, queued: 0 });
    expect(t.stats().lastError).toBe(`HTTP 400: {"error":"${'e'.repeat(500 - 10)}`);
    await answers[0]!.closed;
    expect(answers[0]!.finished).toBe(false);
  });

  // 503: the server's answer while its database cannot serve (Retry-After applies to both, RFC 9110).
  it.each([429, 503])('waits as long as Retry-After says on %i', async (status) => {
    const seen: number[] = [];
    server = await startTestServer((_req, res) => {
      seen.push(Date.now());
      if (seen.length === 1) json(res, status, { error: 'slow down' }, { 'retry-after': '1' });
      else json(res, 202, { accepted: 1, duplicates: 0, patterns: [] });
    });
    const t = open(server.url);
    t.enqueue(event(1));
    await t.flush();
    await until(() => t.stats().sent === 1, 5000);
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(950);
  });

  it('gives a batch up after maxAttempts against a closed port, without throwing', async () => {
    const t = open(await closedPortUrl(), { maxAttempts: 3 });
    t.enqueue(event(1));
    await t.flush();
    await until(() => t.stats().failed === 1);
    expect(t.stats()).toMatchObject({ sent: 0, failed: 1, retries: 2, queued: 0 });
    expect(t.stats().lastError).toMatch(/^network: /);
  });

  it('times out a server that never answers and retries', async () => {
    server = await startTestServer(() => undefined);
    const t = open(server.url, { requestTimeoutMs: 50, maxAttempts: 2 });
    t.enqueue(event(1));
    await t.flush();
    await until(() => t.stats().failed === 1);
    expect(server.requests).toHaveLength(2);
    expect(t.stats().lastError).toBe('network: timed out after 50 ms');
  });

  it('counts a 2xx with a garbage body as delivered', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{not json at all');
    });
    const t = open(server.url);
    t.enqueue(event(1));
    await t.flush();
    expect(t.stats()).toMatchObject({ sent: 1, failed: 0 });
  });

  it('keeps at most maxQueue events while the server is down, dropping the oldest and counting them', async () => {
    const t = open(await closedPortUrl(), {
      maxQueue: 50,
      batchSize: 10,
      backoff: { baseDelayMs: 1000, maxDelayMs: 1000, jitter: 'none' },
    });
    for (let i = 0; i < 10_000; i++) t.enqueue(event(i));
    const stats = t.stats();
    expect(stats.queued).toBeLessThanOrEqual(50 + 10);
    expect(stats.dropped + stats.queued + stats.sent + stats.failed).toBe(10_000);
    expect(stats.dropped).toBeGreaterThanOrEqual(10_000 - 60);
  });

  it('splits a batch that is too large for the server', async () => {
    const s = await accept();
    const t = open(s.url, { maxBatchBytes: 400 });
    for (let i = 0; i < 8; i++) t.enqueue({ ...event(i), input: 'x'.repeat(100) });
    await t.flush();
    expect(t.stats()).toMatchObject({ sent: 8, failed: 0, dropped: 0 });
    expect(s.requests.length).toBeGreaterThan(1);
    expect(s.requests.every((r) => Buffer.byteLength(r.body) <= 400)).toBe(true);
    expect(receivedEvents(s).map((e) => e.id)).toEqual(Array.from({ length: 8 }, (_, i) => `ev-${i}`));
  });

  it('splits on 413 as well', async () => {
    server = await startTestServer((req, res) => {
      const count = (JSON.parse(req.body) as { events: unknown[] }).events.length;
      if (count > 2) json(res, 413, { error: 'too large' });
      else json(res, 202, { accepted: count, duplicates: 0, patterns: [] });
    });
    const t = open(server.url);
    for (let i = 0; i < 8; i++) t.enqueue(event(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ sent: 8, failed: 0 });
    expect(receivedEvents(server).filter((_, i) => i < 8)).toHaveLength(8);
  });

  it('flushes what is queued on shutdown', async () => {
    const s = await accept();
    const t = open(s.url);
    for (let i = 0; i < 30; i++) t.enqueue(event(i));
    await t.shutdown(2000);
    expect(t.stats()).toMatchObject({ sent: 30, queued: 0 });
    t.enqueue(event(99));
    expect(t.stats().dropped).toBe(1);
  });

  it('resolves shutdown within its bound when the server hangs', async () => {
    server = await startTestServer(() => undefined);
    const t = open(server.url, { requestTimeoutMs: 10_000 });
    t.enqueue(event(1));
    void t.flush();
    const started = Date.now();
    await t.shutdown(200);
    expect(Date.now() - started).toBeLessThan(600);
    expect(t.stats().queued).toBe(1);
  });

  it('adds lazily collected events at each flush', async () => {
    const s = await accept();
    let n = 0;
    const t = open(s.url, { collect: () => (n++ === 0 ? [event(42)] : []) });
    await t.flush();
    expect(receivedEvents(s).map((e) => e.id)).toEqual(['ev-42']);
  });
});

describe('parseRetryAfter', () => {
  const headers = (value: string) => new Headers({ 'retry-after': value });
  it('reads seconds and HTTP dates, caps them, and ignores garbage', () => {
    expect(parseRetryAfter(headers('3'))).toBe(3000);
    expect(
      parseRetryAfter(headers('Wed, 21 Oct 2015 07:28:10 GMT'), Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter(headers('99999'))).toBe(300_000);
    expect(parseRetryAfter(headers('soon'))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});
