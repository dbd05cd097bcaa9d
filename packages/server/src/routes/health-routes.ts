// Liveness (the process answers) and readiness (the database answers too), for orchestrators.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/error-schemas.js';
import { HealthSchema } from '../schemas/health-schemas.js';
import type { RouteDeps } from './route-deps.js';

export const healthRoutes: FastifyPluginAsyncTypebox<Pick<RouteDeps, 'storage'>> = async (
  app,
  { storage },
) => {
  app.get(
    '/healthz',
    { schema: { summary: 'Liveness', tags: ['health'], response: { 200: HealthSchema } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the database answers',
        tags: ['health'],
        response: { 200: HealthSchema, ...errorResponses(503) },
      },
    },
    async (request, reply) => {
      const up = await storage.ping().catch((err: unknown) => {
        request.log.warn({ err }, 'database ping failed');
        return false;
      });
      if (up) return { status: 'ok' as const };
      return reply.code(503).send({ error: 'Database unavailable' });
    },
  );
};
