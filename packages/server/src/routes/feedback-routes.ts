// POST /v1/feedback: verdicts on calls that returned (DESIGN.md section 8), in batches like events,
// with the same bounds. Answers 202 only once storage has committed the whole batch.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/error-schemas.js';
import { IngestResponseSchema } from '../schemas/event-schemas.js';
import { feedbackBodySchema } from '../schemas/feedback-schemas.js';
import { refuseOversizedBatch } from './batch-guards.js';
import { BEARER_SECURITY, type RouteDeps } from './route-deps.js';

export const feedbackRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const { limits } = deps;
  app.post(
    '/feedback',
    {
      bodyLimit: limits.maxBodyBytes,
      schema: {
        summary: 'Report verdicts on calls (all or nothing); a wrong answer becomes a wrong_answer failure',
        description:
          'Each verdict judges a call already reported as a success. A score below the threshold (default ' +
          '0.5) makes it a failure of category wrong_answer, grouped into patterns like any failure and ' +
          'replayed by rollouts that the worker’s verifier scores; the answer lists the patterns touched. ' +
          'A verdict id is stored once, however often it is sent.',
        tags: ['feedback'],
        security: BEARER_SECURITY,
        body: feedbackBodySchema(limits.maxBatchEvents),
        response: { 202: IngestResponseSchema, ...errorResponses(400, 401, 403, 413, 415, 503) },
      },
      onRequest: deps.requireScope('ingest'),
      preValidation: refuseOversizedBatch('feedback', limits.maxBatchEvents),
    },
    async (request, reply) => {
      const { projectId, credential } = request.auth!;
      const result = await deps.ingest.ingestFeedback(projectId, request.body.feedback, credential);
      return reply.code(202).send(result);
    },
  );
};
