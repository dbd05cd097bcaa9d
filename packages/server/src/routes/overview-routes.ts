// GET /v1/overview: failures in the last hour, failures over time and the number of patterns, for
// the dashboard's overview (the seed's metrics; the rest of them derive from learning results,
// deployments and the curriculum, which have routes of their own).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { MAX_TIMELINE_BUCKETS, OverviewQuerySchema, OverviewSchema } from '../schemas/overview-schemas.js';
import { BEARER_SECURITY, type ClockedRouteDeps, isoTime } from './route-deps.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const overviewRoutes: FastifyPluginAsyncTypebox<ClockedRouteDeps> = async (
  app,
  { storage, requireScope, now },
) => {
  app.get(
    '/overview',
    {
      schema: {
        summary: 'Failures in the last hour, failures over time, patterns identified',
        tags: ['patterns'],
        security: BEARER_SECURITY,
        querystring: OverviewQuerySchema,
        response: { 200: OverviewSchema, ...errorResponses(400, 401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { projectId } = request.auth!;
      const { hours, bucketMinutes } = request.query;
      const buckets = Math.ceil((hours * 60) / bucketMinutes);
      if (buckets > MAX_TIMELINE_BUCKETS) {
        throw new HttpError(400, 'Invalid query string', {
          details: [
            {
              path: '/bucketMinutes',
              message: `makes more than ${MAX_TIMELINE_BUCKETS} buckets for these hours`,
            },
          ],
        });
      }
      const at = now();
      // The window ends just after `at`, so a failure stamped this very millisecond counts.
      const end = at + 1;
      const bucketMs = bucketMinutes * MINUTE_MS;
      const from = end - buckets * bucketMs;
      const [failures, [failuresLastHour], patterns] = await Promise.all([
        storage.failureTimeline(projectId, { from, bucketMs, buckets }),
        storage.failureTimeline(projectId, { from: end - HOUR_MS, bucketMs: HOUR_MS, buckets: 1 }),
        storage.countPatterns(projectId),
      ]);
      return {
        at: isoTime(at),
        patterns,
        failuresLastHour: failuresLastHour!,
        timeline: { from: isoTime(from), bucketMinutes, failures },
      };
    },
  );
};
