// The bounds on open event streams and how long they live, over real HTTP on both backends: caps
// per key and in total (429 with Retry-After), and streams that end when their key is revoked
// (through the API, or by another process sharing the database) or their session is signed out
// or expires.

import { afterEach, describe, expect, it } from 'vitest';
import type { ServerLimits } from '../server-limits.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer, waitUntil } from '../test-server.fixture.js';
import { type OpenStream, openStream } from './stream-client.fixture.js';

const HOUR_MS = 3_600_000;

describe.each(openTestStorages())('open event streams ($name)', (backend) => {
  let server: TestServer | undefined;
  const streams: OpenStream[] = [];
  let clock = Date.parse('2026-03-01T08:00:00Z');
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await server?.close();
    await backend.cleanup();
  });

  async function start(limits: Partial<ServerLimits>): Promise<TestServer> {
    server = await startTestServer(await backend.open(), { limits, now: () => clock });
    return server;
  }

  async function open(url: string, options: Parameters<typeof openStream>[1]): Promise<OpenStream> {
    const stream = await openStream(url, options);
    streams.push(stream);
    return stream;
  }

  async function signIn(url: string, key: string): Promise<string> {
    const response = await fetch(`${url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    expect(response.status).toBe(200);
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  it('caps streams per key and in total: 429 JSON with Retry-After, a slot frees when a stream ends', async () => {
    const own = await start({ streamsPerKey: 2, maxStreams: 3 });
    const [a, b] = [await own.key(['read']), await own.key(['read'])];
    const first = await open(own.url, { key: a });
    await open(own.url, { key: a });
    expect([first.status, streams[1]!.status]).toEqual([200, 200]);

    const perKey = await own.request('GET', '/v1/stream', { key: a });
    expect(perKey.status).toBe(429);
    expect(perKey.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(perKey.body).toEqual({ error: expect.stringMatching(/key has 2 event streams open/) });

    expect((await open(own.url, { key: b })).status).toBe(200);
    const total = await own.request('GET', '/v1/stream', { key: b });
    expect(total.status).toBe(429);
    expect(total.body.error).toMatch(/server has 3 event streams open/);

    first.close();
    await waitUntil(async () => {
      const again = await open(own.url, { key: a });
      return again.status === 200;
    }, 'a slot to free up');
  });

  it('ends a stream when its key is revoked through the API', async () => {
    const own = await start({ streamAuthCheckMs: HOUR_MS });
    const key = await own.key(['read']);
    const [record] = (await own.storage.listApiKeys(own.projectId)).filter((k) => k.scopes[0] === 'read');
    const stream = await open(own.url, { key });
    const other = await open(own.url, { key: own.adminKey });
    const revoked = await own.request('DELETE', `/v1/keys/${record!.id}`, { key: own.adminKey });
    expect(revoked.status).toBe(204);
    await stream.ended;
    // The admin's own stream saw the revocation and stays open.
    await waitUntil(() => other.events.some((e) => e.event === 'key.revoked'), 'the key.revoked event');
    expect(JSON.parse(other.events.find((e) => e.event === 'key.revoked')!.data)).toEqual({
      keyId: record!.id,
    });
    expect((await own.request('GET', '/v1/stream', { key })).status).toBe(401);
  });

  it('ends a stream whose key another process revoked (the periodic check where no event arrives)', async () => {
    const own = await start({ streamAuthCheckMs: 100 });
    const key = await own.key(['read']);
    const [record] = (await own.storage.listApiKeys(own.projectId)).filter((k) => k.scopes[0] === 'read');
    const stream = await open(own.url, { key });
    // A second storage instance on the same database, as `arc keys revoke` in another process.
    const elsewhere = await backend.open();
    expect(await elsewhere.revokeApiKey(own.projectId, record!.id)).toBe(true);
    await stream.ended;
  });

  it('ends a stream opened with a session cookie when that session signs out', async () => {
    const own = await start({ streamAuthCheckMs: HOUR_MS });
    const cookie = await signIn(own.url, await own.key(['read']));
    const stream = await open(own.url, { headers: { cookie } });
    expect(stream.status).toBe(200);
    const other = await open(own.url, {
      headers: { cookie: await signIn(own.url, await own.key(['read'])) },
    });
    const signedOut = await fetch(`${own.url}/v1/session`, {
      method: 'DELETE',
      headers: { cookie, origin: own.url },
    });
    expect(signedOut.status).toBe(204);
    await stream.ended;
    await waitUntil(() => other.events.some((e) => e.event === 'session.ended'), 'the session.ended event');
    expect(other.status).toBe(200);
  });

  it('ends a stream opened with a session cookie when that session expires (a clock the test controls)', async () => {
    const own = await start({ streamAuthCheckMs: 100 });
    const cookie = await signIn(own.url, await own.key(['read']));
    const stream = await open(own.url, { headers: { cookie } });
    expect(stream.status).toBe(200);
    const kept = await open(own.url, { key: own.adminKey });
    clock += 12 * HOUR_MS;
    await stream.ended;
    expect(kept.status).toBe(200);
    await own.storage.appendStreamEvent(own.projectId, 'test.after', {}, clock);
    await waitUntil(() => kept.events.some((e) => e.event === 'test.after'), 'the bearer stream to go on');
  });
});
