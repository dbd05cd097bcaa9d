// GET /v1/patterns (filtered, sorted, cursor-paginated, or named by ?ids=) and GET /v1/patterns/:id (with examples).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.js';
import { errorResponses } from '../schemas/error-schemas.js';
import {
  MAX_PATTERN_IDS,
  PatternDetailSchema,
  PatternListQuerySchema,
  PatternListSchema,
  PatternParamsSchema,
} from '../schemas/pattern-schemas.js';
import { InvalidCursorError } from '../storage/pattern-cursor.js';
import type { PatternRecord } from '../storage/storage.js';
import { BEARER_SECURITY, isoTime, type RouteDeps } from './route-deps.js';

function patternSummary(p: PatternRecord) {
  return {
    id: p.id,
    category: p.category,
    function: p.function,
    errorType: p.errorType,
    normalizedMessage: p.normalizedMessage,
    occurrences: p.occurrences,
    firstSeen: isoTime(p.firstSeen),
    lastSeen: isoTime(p.lastSeen),
    overflow: p.overflow,
  };
}

/** The ids of `?ids=`, deduplicated; a 400 naming /ids when they cannot be looked up. */
function patternIds(ids: string, filtered: boolean): string[] {
  const invalid = (message: string) =>
    new HttpError(400, 'Invalid query string', { details: [{ path: '/ids', message }] });
  if (filtered) throw invalid('cannot be combined with category, function or cursor');
  const wanted = [...new Set(ids.split(','))];
  if (wanted.some((id) => id === '' || id.length > 200)) {
    throw invalid('must be pattern ids (1 to 200 characters) separated by commas');
  }
  if (wanted.length > MAX_PATTERN_IDS) throw invalid(`must name at most ${MAX_PATTERN_IDS} patterns`);
  return wanted;
}

export const patternsRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (
  app,
  { storage, requireScope },
) => {
  app.get(
    '/patterns',
    {
      schema: {
        summary: 'Failure patterns of the key’s project',
        tags: ['patterns'],
        security: BEARER_SECURITY,
        querystring: PatternListQuerySchema,
        response: { 200: PatternListSchema, ...errorResponses(400, 401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { category, function: fn, sort, limit, cursor, ids } = request.query;
      if (ids !== undefined) {
        const wanted = patternIds(ids, category !== undefined || fn !== undefined || cursor !== undefined);
        const found = await storage.getPatterns(request.auth!.projectId, wanted);
        return { patterns: found.map(patternSummary), nextCursor: null };
      }
      try {
        const page = await storage.listPatterns(request.auth!.projectId, {
          sort,
          limit,
          ...(category !== undefined ? { category } : {}),
          ...(fn !== undefined ? { function: fn } : {}),
          ...(cursor !== undefined ? { cursor } : {}),
        });
        return { patterns: page.patterns.map(patternSummary), nextCursor: page.nextCursor };
      } catch (error) {
        if (error instanceof InvalidCursorError) {
          throw new HttpError(400, 'Invalid query string', {
            details: [{ path: '/cursor', message: error.message }],
          });
        }
        throw error;
      }
    },
  );

  app.get(
    '/patterns/:id',
    {
      schema: {
        summary: 'One pattern, with its signature and replayable examples',
        tags: ['patterns'],
        security: BEARER_SECURITY,
        params: PatternParamsSchema,
        response: { 200: PatternDetailSchema, ...errorResponses(400, 401, 403, 404) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { projectId } = request.auth!;
      const pattern = await storage.getPattern(projectId, request.params.id);
      if (pattern === undefined) throw new HttpError(404, 'Pattern not found');
      const examples = await storage.listFailureExamples(projectId, pattern.id);
      return {
        ...patternSummary(pattern),
        signature: pattern.signature as Record<string, unknown>,
        examples: examples.map((e) => ({
          eventId: e.eventId,
          agentId: e.agentId,
          timestamp: isoTime(e.timestamp),
          input: e.input,
          output: e.output,
          error: e.error,
          traceId: e.traceId,
        })),
      };
    },
  );
};
