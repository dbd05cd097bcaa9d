// POST /v1/events: batch ingest. Answers 202 only once storage has committed the whole batch.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/error-schemas.js';
import { IngestResponseSchema, ingestBodySchema } from '../schemas/event-schemas.js';
import { refuseOversizedBatch } from './batch-guards.js';
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
        response: { 202: IngestResponseSchema, ...errorResponses(400, 401, 403, 413, 415, 503) },
      },
      onRequest: deps.requireScope('ingest'),
      preValidation: refuseOversizedBatch('events', limits.maxBatchEvents),
    },
    async (request, reply) => {
      const { projectId, credential } = request.auth!;
      const result = await deps.ingest.ingest(projectId, request.body.events, credential);
      return reply.code(202).send(result);
    },
  );
};
