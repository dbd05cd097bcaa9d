// GET /v1/stream: Server-Sent Events of what happens in the key's project. With Last-Event-ID
// (header, or ?lastEventId= for a first connect) the stream first replays the stored events after
// that id, then goes live; without it, it is live only. Each stream (stream/stream-connection.ts)
// delivers every event once and drops a client that stops reading; the open ones are capped per key
// and in total, and end when their key is revoked or their session ends (stream/open-streams.ts).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { StreamEventSchema, StreamHeadersSchema, StreamQuerySchema } from '../schemas/stream-schemas.js';
import { OpenStreams } from '../stream/open-streams.js';
import { StreamConnection } from '../stream/stream-connection.js';
import { BEARER_SECURITY, type ClockedRouteDeps } from './route-deps.js';

/** What a client refused for too many streams is told to wait: streams end when their clients go. */
const STREAM_RETRY_AFTER_SECONDS = 10;

export const streamRoutes: FastifyPluginAsyncTypebox<ClockedRouteDeps> = async (
  app,
  { storage, requireScope, limits, now },
) => {
  const streams = new OpenStreams({
    storage,
    limits,
    now,
    onError: (err) => app.log.error({ err }, 'event stream check failed'),
  });
  // Open streams never end by themselves; shutdown ends them so the server can close.
  app.addHook('preClose', async () => streams.endAll());

  app.get(
    '/stream',
    {
      schema: {
        summary: 'Live events (Server-Sent Events), resumable with Last-Event-ID',
        tags: ['stream'],
        security: BEARER_SECURITY,
        querystring: StreamQuerySchema,
        headers: StreamHeadersSchema,
        response: {
          200: {
            description: 'An endless text/event-stream: `id:`, `event:` (the type), `data:` (JSON)',
            content: { 'text/event-stream': { schema: StreamEventSchema } },
          },
          ...errorResponses(400, 401, 403, 429),
        },
      },
      onRequest: requireScope('read'),
    },
    async (request, reply) => {
      const auth = request.auth!;
      const refusal = streams.refusal(auth.keyId);
      if (refusal !== null) {
        throw new HttpError(429, refusal, { headers: { 'retry-after': String(STREAM_RETRY_AFTER_SECONDS) } });
      }
      const resumeText = request.headers['last-event-id'] ?? request.query.lastEventId;
      reply.hijack();
      const connection: StreamConnection = new StreamConnection({
        res: reply.raw,
        storage,
        projectId: auth.projectId,
        resumeAfter: resumeText === undefined ? null : Number(resumeText),
        limits,
        log: request.log,
        onEnd: () => streams.remove(connection),
      });
      streams.add(connection, auth);
      await connection.run();
    },
  );
};
