// GET /v1/fixes: the fixes deployed for the project (canaries at their share, promoted fixes on every
// call), polled by every agent, so an agent's `ingest` key may read them (and nothing else: patterns,
// examples and the dashboard need `read`). A strong ETag over the answer lets a poll that changes nothing cost
// a 304 without a body. What appears here changes only when a deployment does, and deployments are
// made from the learner's policy only at its sync steps (semi-online sync).

import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { deployedFixes } from '../learner/deployed-fixes.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { FixesHeadersSchema, FixesQuerySchema, FixesResponseSchema } from '../schemas/fix-schemas.js';
import { deployedFixView, type LearningRouteDeps } from './learning-route-deps.js';
import { BEARER_SECURITY } from './route-deps.js';

/** If-None-Match matches `etag` (weak comparison, as RFC 9110 prescribes for it). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}

export const fixesRoutes: FastifyPluginAsyncTypebox<LearningRouteDeps> = async (
  app,
  { storage, requireScope },
) => {
  app.get(
    '/fixes',
    {
      schema: {
        summary: 'Deployed fixes (ETag: answer 304 to If-None-Match); an ingest or read key',
        tags: ['fixes'],
        security: BEARER_SECURITY,
        querystring: FixesQuerySchema,
        headers: FixesHeadersSchema,
        response: {
          200: FixesResponseSchema,
          304: { description: 'Not modified: the fixes are those of the ETag sent (no body)' },
          ...errorResponses(400, 401, 403),
        },
      },
      onRequest: requireScope('ingest', 'read'),
    },
    async (request, reply) => {
      const live = await deployedFixes(storage, request.auth!.projectId, {
        statuses: ['canary', 'promoted'],
        ...(request.query.function !== undefined ? { function: request.query.function } : {}),
      });
      const body = { fixes: live.map(deployedFixView) };
      const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return body;
    },
  );
};
