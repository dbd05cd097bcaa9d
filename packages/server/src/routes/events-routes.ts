// POST /v1/events: batch ingest. Answers 202 only once storage has committed the whole batch.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { IngestResponseSchema, ingestBodySchema } from '../schemas/event-schemas.js';
import { BEARER_SECURITY, type RouteDeps } from './route-deps.js';

export const eventsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const { limits } = deps;
  app.post(
    '/events',
    {
      bodyLimit: limits.maxBodyBytes,
      schema: {
        summary: 'Ingest a batch of call outcomes (all or nothing)',
        tags: ['events'],
        security: BEARER_SECURITY,
        body: ingestBodySchema(limits.maxBatchEvents),
        response: { 202: IngestResponseSchema, ...errorResponses(400, 401, 403, 413, 415) },
      },
      onRequest: deps.requireScope('ingest'),
      // Before schema validation, so that an oversized batch is refused without Ajv visiting
      // (and reporting errors for) every one of its events.
      preValidation: async (request) => {
        const events = (request.body as { events?: unknown } | null)?.events;
        if (Array.isArray(events) && events.length > limits.maxBatchEvents) {
          throw new HttpError(400, 'Too many events', {
            details: [{ path: '/events', message: `must NOT have more than ${limits.maxBatchEvents} items` }],
          });
        }
      },
    },
    async (request, reply) => {
      const { projectId, credential } = request.auth!;
      const result = await deps.ingest.ingest(projectId, request.body.events, credential);
      return reply.code(202).send(result);
    },
  );
};
