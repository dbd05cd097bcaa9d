// Per-key rate limits over real HTTP on both backends, with a clock the test controls: a burst,
// then 429 with Retry-After and a JSON error (nothing stored), a bucket per key, refilled in time;
// the OpenAPI document lists the 429 on every route behind a key; and the SDK, which honours
// Retry-After, still delivers every event through a tight limit (real clock).

import { createArc } from '@arc-agent/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestStorages } from './storage/test-databases.js';
import { startTestServer, type TestServer, waitUntil } from './test-server.fixture.js';

describe.each(openTestStorages())('rate limits per key ($name)', (backend) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('lets a burst through, then answers 429 with Retry-After until the bucket refills', async () => {
    let clock = Date.parse('2026-04-01T00:00:00Z');
    server = await startTestServer(await backend.open(), {
      now: () => clock,
      limits: { rateLimitPerSecond: 2, rateLimitBurst: 3 },
    });
    const own = server;
    const key = await own.key(['ingest', 'read']);
    const batch = { events: [{ kind: 'failure', function: 'f', error: { type: 'E', message: 'boom' } }] };
    for (let i = 0; i < 3; i++) expect((await own.request('GET', '/v1/patterns', { key })).status).toBe(200);

    const refused = await own.request('POST', '/v1/events', { key, body: batch });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toEqual({ error: 'Too many requests for this key: retry in 1 s' });
    expect(await own.storage.countEvents(own.projectId)).toBe(0);
    // Another key of the same project has its own bucket.
    expect((await own.request('GET', '/v1/patterns', { key: await own.key(['read']) })).status).toBe(200);

    clock += 499;
    expect((await own.request('GET', '/v1/patterns', { key })).status).toBe(429);
    clock += 1;
    expect((await own.request('POST', '/v1/events', { key, body: batch })).status).toBe(202);
    expect(await own.storage.countEvents(own.projectId)).toBe(1);
  });

  it('counts dashboard sign-ins against the key: each makes a session row', async () => {
    const clock = Date.parse('2026-04-01T00:00:00Z');
    server = await startTestServer(await backend.open(), {
      now: () => clock,
      limits: { rateLimitPerSecond: 2, rateLimitBurst: 3 },
    });
    const key = await server.key(['read']);
    for (let i = 0; i < 3; i++) {
      expect((await server.request('POST', '/v1/session', { body: { key } })).status).toBe(200);
    }
    const refused = await server.request('POST', '/v1/session', { body: { key } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(refused.body).toEqual({ error: 'Too many requests for this key: retry in 1 s' });
  });

  it('documents the 429 on every route behind a key', async () => {
    server = await startTestServer(await backend.open());
    const doc = (await server.request('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    const keyed = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => (operation.security ?? []).length > 0)
        .map(([method, operation]) => [`${method} ${path}`, '429' in operation.responses] as const),
    );
    expect(keyed.length).toBeGreaterThan(20);
    expect(keyed.filter(([, documented]) => !documented)).toEqual([]);
  });

  it('delivers every event from the SDK through a tight limit, which it waits out (Retry-After)', async () => {
    server = await startTestServer(await backend.open(), {
      limits: { rateLimitPerSecond: 2, rateLimitBurst: 1 },
    });
    const own = server;
    const arc = createArc({
      endpoint: own.url,
      apiKey: await own.key(['ingest']),
      fixes: { enabled: false },
      flushIntervalMs: 20,
      batchSize: 2,
    });
    try {
      const fail = arc.track('limited', (n: number) => {
        throw new Error(`boom ${n}`);
      });
      for (let n = 0; n < 8; n++) expect(() => fail(n)).toThrow(`boom ${n}`);
      await waitUntil(async () => (await own.storage.countEvents(own.projectId)) === 8, 'all eight events');
      await waitUntil(() => arc.stats().sent === 8, 'the SDK to count them sent');
      expect(arc.stats()).toMatchObject({ sent: 8, dropped: 0, failed: 0 });
      expect(arc.stats().retries).toBeGreaterThan(0);
    } finally {
      await arc.shutdown();
    }
  });
});
