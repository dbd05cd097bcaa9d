// GET /v1/functions: per tracked function, how many calls succeeded and failed, and the output
// schema its tracking declared, if any.

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
        summary: 'Success and failure counts per function, with its declared output schema',
        tags: ['patterns'],
        security: BEARER_SECURITY,
        response: { 200: FunctionListSchema, ...errorResponses(401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { projectId } = request.auth!;
      const [stats, declared] = await Promise.all([
        storage.listFunctionStats(projectId),
        storage.listOutputSchemas(projectId),
      ]);
      const schemaOf = new Map(declared.map((d) => [d.function, d]));
      return {
        functions: stats.map((s) => {
          const outputSchema = schemaOf.get(s.function);
          return {
            ...s,
            lastSeen: isoTime(s.lastSeen),
            ...(outputSchema === undefined
              ? {}
              : {
                  outputSchema: { schema: outputSchema.schema, declaredAt: isoTime(outputSchema.declaredAt) },
                }),
          };
        }),
      };
    },
  );
};
