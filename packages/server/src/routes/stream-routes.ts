// GET /v1/stream: Server-Sent Events of what happens in the key's project. With Last-Event-ID
// (header, or ?lastEventId= for a first connect) the stream first replays the stored events after
// that id, then goes live; without it, it is live only. The subscription is taken before the replay
// and live events are held back until the replay is done, so nothing falls between the two.

import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/error-schemas.js';
import { StreamEventSchema, StreamHeadersSchema, StreamQuerySchema } from '../schemas/stream-schemas.js';
import type { StreamEvent } from '../storage/storage.js';
import { BEARER_SECURITY, type RouteDeps } from './route-deps.js';

const REPLAY_PAGE = 500;
/** A client this far behind is cut off rather than buffered for; it resumes with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function formatStreamEvent(event: StreamEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data ?? null)}\n\n`;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export const streamRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (
  app,
  { storage, requireScope, limits },
) => {
  // Open streams never end by themselves; shutdown ends them so the server can close.
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...openStreams]) end();
  });

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
          ...errorResponses(400, 401, 403),
        },
      },
      onRequest: requireScope('read'),
    },
    async (request, reply) => {
      const { projectId } = request.auth!;
      const resumeText = request.headers['last-event-id'] ?? request.query.lastEventId;
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        // The connection is the stream's: when it ends (client gone, shutdown) the socket goes too,
        // instead of idling in keep-alive and holding a graceful close up until its timeout.
        connection: 'close',
      });
      res.write(': connected\n\n');

      let ended = false;
      let replayed: Set<number> | null = resumeText === undefined ? null : new Set();
      const held: StreamEvent[] = [];
      const write = (text: string): boolean => {
        if (ended) return false;
        const ok = res.write(text);
        if (res.writableLength > MAX_BUFFERED_BYTES) end();
        return ok;
      };
      const unsubscribe = storage.subscribe((event) => {
        if (event.projectId !== projectId) return;
        if (replayed !== null) held.push(event);
        else write(formatStreamEvent(event));
      });
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), limits.streamHeartbeatMs);
      function end() {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unsubscribe();
        openStreams.delete(end);
        res.end();
      }
      openStreams.add(end);
      res.on('close', end);

      if (replayed === null) return;
      try {
        let after = Number(resumeText);
        while (!ended) {
          const page = await storage.listStreamEventsAfter(projectId, after, REPLAY_PAGE);
          for (const event of page) {
            replayed.add(event.id);
            if (!write(formatStreamEvent(event))) await drainedOrClosed(res);
          }
          if (page.length < REPLAY_PAGE) break;
          after = page[page.length - 1]!.id;
        }
      } catch (err) {
        request.log.error({ err }, 'stream replay failed');
        end();
        return;
      }
      for (const event of held) if (!replayed.has(event.id)) write(formatStreamEvent(event));
      held.length = 0;
      replayed = null;
    },
  );
};
