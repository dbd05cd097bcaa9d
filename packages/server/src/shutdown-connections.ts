// Keeps open connections from holding a graceful shutdown up. Node's server.close() waits for every
// connection to end, and closeIdleConnections() (which Fastify calls on close) only reaches those
// idle at that instant. Two kinds would linger until a Node timeout: connections that never sent a
// byte (a client's spare socket, a port probe; until headersTimeout, a minute), and keep-alive
// connections whose in-flight request finishes after close began (until keepAliveTimeout).

import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export function releaseConnectionsOnClose(app: FastifyInstance): void {
  const sockets = new Set<Socket>();
  let closing = false;
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  app.addHook('preClose', async () => {
    closing = true;
    // Nothing was received on these, so no request is lost.
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
}
