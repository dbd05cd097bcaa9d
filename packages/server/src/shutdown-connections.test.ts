import { connect } from 'node:net';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { releaseConnectionsOnClose } from './shutdown-connections.js';
import { slowPost, waitUntil } from './test-server.fixture.js';

// Without the hooks, each close() below waits for a Node timeout and the test times out.

it('closes connections that never sent a request', async () => {
  const app = Fastify();
  releaseConnectionsOnClose(app);
  app.get('/', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const silent = connect(port, '127.0.0.1');
  await new Promise((resolve) => silent.once('connect', resolve));
  const closedByServer = new Promise((resolve) => silent.once('close', resolve));
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  await app.close();
  await closedByServer;
});

it('answers requests in flight at close with Connection: close, then closes their connections', async () => {
  const app = Fastify();
  releaseConnectionsOnClose(app);
  let started = false;
  app.addHook('onRequest', async () => {
    started = true;
  });
  let received = false;
  app.post('/', async (request) => {
    received = true;
    return { got: request.body };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const post = slowPost(`http://127.0.0.1:${port}/`, 'unused', { a: 1 });
  await waitUntil(() => started, 'the request to arrive');
  const closing = app.close();
  expect(await post.finish()).toBe(200);
  expect(received).toBe(true);
  await closing;
});
