import { afterEach, describe, expect, it } from 'vitest';
import { SECRET_CORPUS } from '../../core/src/secret-corpus.fixture.js';
import { createArc } from './create-arc.js';
import { receivedEvents, startArcTestServer, type TestServer } from './http-test-server.fixture.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createArc', () => {
  it('returns the function itself when disabled', () => {
    const disabled = createArc({ endpoint: 'http://x', apiKey: 'k', disabled: true });
    const fn = (a: number) => a;
    expect(disabled.track('f', fn)).toBe(fn);
    expect(disabled.stats().sent).toBe(0);
  });

  it('rejects malformed options at creation', () => {
    expect(() => createArc({ endpoint: 'not a url', apiKey: 'k' })).toThrow(/endpoint/);
    expect(() => createArc({ endpoint: 'ftp://x', apiKey: 'k' })).toThrow(/endpoint/);
    expect(() => createArc({ endpoint: 'http://x', apiKey: '' })).toThrow(/apiKey/);
    expect(() => createArc({ endpoint: 'http://x', apiKey: 'k', successSampleRate: 2 })).toThrow(
      /successSampleRate/,
    );
    expect(() => createArc({ endpoint: 'http://x', apiKey: 'k', batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createArc({ endpoint: 'http://x', apiKey: 'k', validatorTimeoutMs: -1 })).toThrow(
      /validatorTimeoutMs/,
    );
    expect(() =>
      createArc({ endpoint: 'http://x', apiKey: 'k', fixes: { maxResponseBytes: Number.NaN } }),
    ).toThrow(/fixes\.maxResponseBytes/);
    expect(() => createArc({ endpoint: 'http://x', apiKey: 'k', fixes: { maxConcurrentPolls: 0 } })).toThrow(
      /fixes\.maxConcurrentPolls/,
    );
  });
  it('reports transport, counters, internal errors and fix polling in stats, and shuts down without rejecting', async () => {
    server = await startArcTestServer({ fixes: [] });
    const arc = createArc({
      endpoint: `${server.url}/`,
      apiKey: 'arc_test',
      successSampleRate: 1,
      flushIntervalMs: 60_000,
    });
    const f = arc.track('stats.f', (n: number) => n);
    f(1);
    await arc.refreshFixes();
    await arc.flush();
    expect(arc.stats()).toMatchObject({
      sent: 1,
      dropped: 0,
      failed: 0,
      queued: 0,
      internalErrors: 0,
      functions: {
        'stats.f': {
          successes: 1,
          failures: 0,
          retries: 0,
          sampledSuccesses: 1,
          wrongAnswers: 0,
          verifyFailures: 0,
          unvalidated: 0,
        },
      },
      fixes: { failures: 0 },
    });
    expect(server.requests.map((r) => r.url)).toContain('/v1/fixes?function=stats.f');
    await expect(arc.shutdown()).resolves.toBeUndefined();
    await expect(arc.shutdown()).resolves.toBeUndefined();
  });

  it('flushes queued events before queued verdicts: the verdicts wait until the events are sent', async () => {
    const urls: string[] = [];
    let sendEvents: (() => void) | undefined;
    const fetch = (async (url: string | URL | Request) => {
      urls.push(new URL(String(url)).pathname);
      if (urls.length === 1) await new Promise<void>((resolve) => (sendEvents = resolve));
      return new Response('{}', { status: 202 });
    }) as typeof globalThis.fetch;
    const arc = createArc({
      endpoint: 'http://arc.test',
      apiKey: 'arc_test',
      successSampleRate: 1,
      flushIntervalMs: 60_000,
      fixes: { enabled: false },
      fetch,
    });
    arc.track('order.f', (n: number) => n, { verify: () => 0 })(1);
    const flushed = arc.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(urls).toEqual(['/v1/events']);
    sendEvents!();
    await flushed;
    expect(urls).toEqual(['/v1/events', '/v1/feedback']);
    await arc.shutdown();
  });

  it('keeps per-function state for at most maxFunctions names; calls of the others still run and are sent', async () => {
    server = await startArcTestServer({ fixes: [] });
    const arc = createArc({
      endpoint: server.url,
      apiKey: 'arc_test',
      successSampleRate: 0,
      flushIntervalMs: 60_000,
      maxFunctions: 2,
    });
    expect(() => createArc({ endpoint: 'http://x', apiKey: 'k', maxFunctions: 0 })).toThrow(/maxFunctions/);
    // A name built per request: each call tracks a new one.
    const results = [1, 2, 3, 4].map((n) => arc.track(`handler-${n}`, (x: number) => x * 10)(n));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(() =>
      arc.track('handler-5', () => {
        throw new Error('host error');
      })(),
    ).toThrow('host error');
    await arc.refreshFixes();
    await arc.flush();
    const stats = arc.stats();
    expect(Object.keys(stats.functions).sort()).toEqual(['handler-1', 'handler-2']);
    expect(stats.overLimitCalls).toBe(3);
    expect(stats.internalErrors).toBe(0);
    const polled = server.requests.filter((r) => r.url.startsWith('/v1/fixes')).map((r) => r.url);
    expect(new Set(polled)).toEqual(
      new Set(['/v1/fixes?function=handler-1', '/v1/fixes?function=handler-2']),
    );
    const events = receivedEvents(server).map((e) => `${e.kind} ${e.function}`);
    expect(events.sort()).toEqual([
      'failure handler-5',
      'success handler-1',
      'success handler-2',
      'success handler-3',
      'success handler-4',
    ]);
    await arc.shutdown();
  });

  it('trims an API key read with its line break, as HTTP and the server do, and refuses one that cannot be a header', async () => {
    server = await startArcTestServer({ fixes: [] });
    // A name with a secret in it: its placeholder is keyed by the API key, as the server keys it.
    const name = `tool ${SECRET_CORPUS.find((s) => s.label === 'Arc key in a log line')!.context}`;
    for (const apiKey of ['arc_test', 'arc_test\n', ' arc_test\r\n']) {
      const arc = createArc({
        endpoint: server.url,
        apiKey,
        successSampleRate: 1,
        fixes: { enabled: false },
      });
      arc.track(name, () => 1)();
      await arc.shutdown();
    }
    const names = receivedEvents(server).map((e) => e.function);
    expect(names).toHaveLength(3);
    expect(names[0]).toMatch(/^tool .*\[REDACTED:[a-z_]+#[0-9a-f]{12}\]/);
    expect(new Set(names).size).toBe(1);
    expect(new Set(server.requests.map((r) => r.headers.authorization))).toEqual(
      new Set(['Bearer arc_test']),
    );
    for (const apiKey of ['arc_one\ntwo', 'arc one', 'arc_\u00e9', ' \n'])
      expect(() => createArc({ endpoint: 'http://x', apiKey })).toThrow(/apiKey/);
  });
});
