// GET /v1/functions: per tracked function, how many calls succeeded and failed, and the output
// schema its tracking declared, if any; by name, a page at a time (cursor-paginated as
// GET /v1/patterns is), since a project may have up to its cap of functions (function-cap.ts),
// optionally only those whose name starts with a prefix (the dashboard's function filter).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { FunctionListQuerySchema, FunctionListSchema } from '../schemas/pattern-schemas.js';
import { BEARER_SECURITY, isoTime, type RouteDeps } from './route-deps.js';

/** The cursor after a function: its name, base64url, so it stays opaque as a pattern cursor is. */
function functionCursor(fn: string): string {
  return Buffer.from(fn, 'utf8').toString('base64url');
}

function functionAfter(cursor: string): string {
  const fn = Buffer.from(cursor, 'base64url').toString('utf8');
  // Function names never hold U+0000 (PostgreSQL text cannot); a cursor that does not encode back
  // to itself was not issued here.
  if (fn.includes('\u0000') || functionCursor(fn) !== cursor) {
    throw new HttpError(400, 'Invalid query string', {
      details: [{ path: '/cursor', message: 'invalid cursor: not a cursor' }],
    });
  }
  return fn;
}

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
        querystring: FunctionListQuerySchema,
        response: { 200: FunctionListSchema, ...errorResponses(400, 401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { projectId } = request.auth!;
      const { limit, cursor, prefix } = request.query;
      // One more than the page, to know whether another follows.
      const rows = await storage.listFunctionStats(projectId, {
        limit: limit + 1,
        ...(cursor !== undefined ? { after: functionAfter(cursor) } : {}),
        ...(prefix !== undefined ? { prefix } : {}),
      });
      const stats = rows.slice(0, limit);
      const declared = await storage.listOutputSchemas(
        projectId,
        stats.map((s) => s.function),
      );
      const schemaOf = new Map(declared.map((d) => [d.function, d]));
      const last = stats.at(-1);
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
        nextCursor: rows.length > limit && last !== undefined ? functionCursor(last.function) : null,
      };
    },
  );
};
