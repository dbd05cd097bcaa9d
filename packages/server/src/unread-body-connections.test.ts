// Requests refused before their body is read close their connection at once, over real sockets:
// hundreds of half-sent bodies without a key must not hold a socket (and a file descriptor) each.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { halfSentEvents } from './raw-http-client.fixture.js';
import { openTestStorages } from './storage/test-databases.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

describe.each(openTestStorages())('requests refused before their body ($name)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    // A request timeout far beyond the test's bounds: only the refusal may close these sockets.
    server = await startTestServer(await backend.open(), { limits: { requestTimeoutMs: 3_600_000 } });
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('answers 401 to half-sent bodies without a key and closes each connection without waiting for the body', async () => {
    const clients = Array.from({ length: 200 }, () => halfSentEvents(server.url, null));
    await Promise.all(clients.map((c) => c.closed));
    for (const client of clients) {
      expect(client.received()).toMatch(/^HTTP\/1\.1 401 /);
      expect(client.received()).toMatch(/\r\nconnection: close\r\n/i);
      expect(client.received()).toContain('"error":"Missing Authorization header');
    }
  });

  it('answers 403 to a half-sent body with a key that lacks the scope, and closes', async () => {
    const client = halfSentEvents(server.url, await server.key(['read']));
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 403 /);
  });
});
