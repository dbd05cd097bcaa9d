// GET /v1/functions: per tracked function, how many calls succeeded and failed.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/error-schemas.js';
import { FunctionListSchema } from '../schemas/pattern-schemas.js';
import { BEARER_SECURITY, isoTime, type RouteDeps } from './route-deps.js';

export const functionsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (
  app,
  { storage, requireScope },
) => {
  app.get(
    '/functions',
    {
      schema: {
        summary: 'Success and failure counts per function',
        tags: ['patterns'],
        security: BEARER_SECURITY,
        response: { 200: FunctionListSchema, ...errorResponses(401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const stats = await storage.listFunctionStats(request.auth!.projectId);
      return { functions: stats.map((s) => ({ ...s, lastSeen: isoTime(s.lastSeen) })) };
    },
  );
};
