// A request refused before its body was read (the onRequest checks: 401 without a valid key, 403
// without the scope, 429 over the rate limit) closes its connection with the answer. Otherwise Node
// keeps the socket to read and discard the rest of the body, and a client that never sends it (or
// sends it slowly) holds the socket until the request timeout, unauthenticated.

import type { FastifyInstance } from 'fastify';

export function closeConnectionsOfUnreadBodies(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode >= 400 && !request.raw.complete) reply.header('connection', 'close');
  });
}
