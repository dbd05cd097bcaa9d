// Clients of GET /v1/stream that stop reading, over real sockets on both backends: the server
// drops them (unsubscribes and closes the socket) once live events pile up past the bound during
// their replay, or once their unread data outlives the drain timeout, instead of holding memory.

import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerLimits } from '../server-limits.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer, waitUntil } from '../test-server.fixture.js';
import { countingSubscriptions } from './stream-client.fixture.js';

/** Far more than loopback socket buffers hold for a client that reads nothing (about 4.5 MB here). */
const REPLAY_EVENTS = 60;
const REPLAY_EVENT_BYTES = 200_000;

/** Sends the stream request and never reads (Node stops reading once its small buffer is full). */
function nonReadingClient(url: string, key: string, lastEventId: number): Socket {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.pause();
  socket.write(
    `GET /v1/stream HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${key}\r\nlast-event-id: ${lastEventId}\r\n\r\n`,
  );
  return socket;
}

describe.each(openTestStorages())('a stream client that stops reading ($name)', (backend) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await backend.cleanup();
  });

  async function start(limits: Partial<ServerLimits>) {
    const counting = countingSubscriptions(await backend.open());
    server = await startTestServer(counting.storage, { limits });
    const { storage, projectId } = server;
    const before = (await storage.listStreamEventsAfter(projectId, 0, 10_000)).at(-1)?.id ?? 0;
    for (let i = 0; i < REPLAY_EVENTS; i++) {
      await storage.appendStreamEvent(projectId, 'test.bulk', { i, blob: 'x'.repeat(REPLAY_EVENT_BYTES) }, i);
    }
    return { server, subscriptions: counting.active, redeliver: counting.redeliver, before };
  }

  /** Reads what is left and resolves when the server has closed the connection. */
  async function closedByServer(socket: Socket): Promise<void> {
    const closed = once(socket, 'close');
    socket.on('error', () => undefined);
    socket.resume();
    await closed;
  }

  it('is dropped when more live events arrive during its replay than may be held', async () => {
    const { server, subscriptions, before } = await start({
      streamMaxHeldEvents: 3,
      streamDrainTimeoutMs: 600_000,
    });
    const socket = nonReadingClient(server.url, server.adminKey, before);
    // Its own subscription and the revocation watcher: the stream is live and replaying.
    await waitUntil(() => subscriptions() === 2, 'the stream to subscribe');
    for (let i = 0; i < 3; i++)
      await server.storage.appendStreamEvent(server.projectId, 'test.live', { i }, 0);
    expect(subscriptions()).toBe(2);
    await server.storage.appendStreamEvent(server.projectId, 'test.live', { i: 3 }, 0);
    await waitUntil(() => subscriptions() === 0, 'the slow client to be dropped');
    await closedByServer(socket);
  });

  it('does not hold late notifications of events its replay sends', async () => {
    const { server, subscriptions, redeliver, before } = await start({
      streamMaxHeldEvents: 3,
      streamDrainTimeoutMs: 600_000,
    });
    const socket = nonReadingClient(server.url, server.adminKey, before);
    await waitUntil(() => subscriptions() === 2, 'the stream to subscribe');
    // What PostgreSQL's notifications of the replayed events would bring if they came this late.
    const replayed = await server.storage.listStreamEventsAfter(server.projectId, before, REPLAY_EVENTS);
    for (const event of replayed) redeliver(event);
    expect(subscriptions()).toBe(2);
    for (let i = 0; i < 4; i++)
      await server.storage.appendStreamEvent(server.projectId, 'test.live', { i }, 0);
    await waitUntil(() => subscriptions() === 0, 'the slow client to be dropped');
    await closedByServer(socket);
  });

  it('is dropped when its unread data outlives the drain timeout', async () => {
    const { server, subscriptions, before } = await start({ streamDrainTimeoutMs: 200 });
    const socket = nonReadingClient(server.url, server.adminKey, before);
    await waitUntil(() => subscriptions() === 2, 'the stream to subscribe');
    await waitUntil(() => subscriptions() === 0, 'the slow client to be dropped');
    await closedByServer(socket);
  });
});
