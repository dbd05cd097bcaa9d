// The server's transport over real sockets: a request whose body never finishes gets 408 and its
// connection closed, an idle connection is closed, an event stream outlives both timeouts on its
// heartbeats; HTTPS with a certificate made here (a real TLS handshake), and behind a trusted
// proxy, make the session cookie Secure.

import { request as httpsRequest } from 'node:https';
import selfsigned from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import type { BuildAppOptions } from './app.js';
import { halfSentEvents, type RawClient, rawRequest } from './raw-http-client.fixture.js';
import { openTestStorages } from './storage/test-databases.js';
import { openStream } from './stream/stream-client.fixture.js';
import { startTestServer, type TestServer, waitUntil } from './test-server.fixture.js';

describe.each(openTestStorages())('the HTTP server ($name)', (backend) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await backend.cleanup();
  });

  async function start(options: Omit<BuildAppOptions, 'storage'>): Promise<TestServer> {
    server = await startTestServer(await backend.open(), options);
    return server;
  }

  it('answers 408 and closes the connection when a body does not arrive within the request timeout', async () => {
    const own = await start({ limits: { requestTimeoutMs: 300 } });
    const key = await own.key(['ingest']);
    const clients = Array.from({ length: 100 }, () => halfSentEvents(own.url, key));
    await Promise.all(clients.map((c) => c.closed));
    for (const client of clients) expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(await own.storage.countEvents(own.projectId)).toBe(0);
  });

  it('closes a connection that sends nothing within the idle timeout', async () => {
    const own = await start({ limits: { connectionTimeoutMs: 300, streamHeartbeatMs: 100 } });
    const client = rawRequest(own.url, '');
    await client.closed;
    expect(client.received()).toBe('');
  });

  it('closes connections past the maximum as they arrive, and takes new ones once others close', async () => {
    const own = await start({ limits: { maxConnections: 2 } });
    const connected = async (client: RawClient) => {
      await new Promise((resolve) => client.socket.once('connect', resolve));
      return client;
    };
    const held = [await connected(rawRequest(own.url, '')), await connected(rawRequest(own.url, ''))];
    const refused = rawRequest(own.url, 'GET /healthz HTTP/1.1\r\nhost: arc\r\n\r\n');
    // Closed without an answer (an answer, before the bound, would arrive instead).
    await Promise.race([refused.closed, new Promise((resolve) => refused.socket.once('data', resolve))]);
    expect(refused.received()).toBe('');
    for (const client of held) client.socket.destroy();
    await waitUntil(
      async () => (await fetch(`${own.url}/healthz`).catch(() => undefined))?.ok === true,
      'a connection once the held ones closed',
    );
  });

  it('keeps an event stream open past both timeouts: its request is complete, its heartbeats are activity', async () => {
    const own = await start({
      limits: { requestTimeoutMs: 200, connectionTimeoutMs: 300, streamHeartbeatMs: 50 },
    });
    const stream = await openStream(own.url, { key: own.adminKey });
    let ended = false;
    void stream.ended.then(() => {
      ended = true;
    });
    // Timers never fire early: 20 heartbeats 50 ms apart span at least a second, past both timeouts.
    await waitUntil(() => stream.comments.filter((c) => c.includes('heartbeat')).length >= 20, 'heartbeats');
    expect(ended).toBe(false);
    await own.storage.appendStreamEvent(own.projectId, 'test.late', {}, 0);
    await waitUntil(() => stream.events.some((e) => e.event === 'test.late'), 'an event after the timeouts');
    stream.close();
  });

  it('serves HTTPS with --tls-cert/--tls-key: a real handshake, and the session cookie is Secure', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
    });
    const own = await start({ tls: { cert: pems.cert, key: pems.private } });
    expect(own.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const answer = await new Promise<{ status: number; cookie: string; body: string }>((resolve, reject) => {
      const req = httpsRequest(
        `${own.url}/v1/session`,
        { method: 'POST', ca: pems.cert, headers: { 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? ''), body }),
          );
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ key: own.adminKey }));
    });
    expect(answer.status).toBe(200);
    expect(answer.cookie).toMatch(/^arc_session=[A-Za-z0-9_-]{43}; .*; HttpOnly; SameSite=Strict; Secure$/);
    // Plain HTTP is not spoken on that port.
    const plain = rawRequest(own.url.replace('https:', 'http:'), 'GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    await plain.closed;
    expect(plain.received()).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('makes the cookie Secure behind a trusted proxy that says the request came over HTTPS, and only then', async () => {
    const signIn = async (own: TestServer) =>
      (
        await own.request('POST', '/v1/session', {
          body: { key: own.adminKey },
          headers: { 'x-forwarded-proto': 'https' },
        })
      ).headers.get('set-cookie') ?? '';
    const direct = await start({});
    expect(await signIn(direct)).not.toMatch(/Secure/);
    await direct.close();
    const proxied = await start({ trustProxy: ['127.0.0.1'] });
    expect(await signIn(proxied)).toMatch(/; Secure$/);
  });
});
