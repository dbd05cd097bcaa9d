// POST /v1/rollouts/lease and POST /v1/rollouts/:id/result: workers (remote, or the embedded one
// through the same rollout queue) take the learner's rollout jobs and report rewards.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clientIdentifier } from '../client-text.js';
import { HttpError } from '../http-error.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { MAX_ID_LENGTH } from '../schemas/event-schemas.js';
import {
  DEFAULT_LEASE_MS,
  LeaseBodySchema,
  LeaseResponseSchema,
  RolloutParamsSchema,
  RolloutResultBodySchema,
  RolloutResultResponseSchema,
} from '../schemas/rollout-schemas.js';
import { deployedFixView, type LearningRouteDeps } from './learning-route-deps.js';
import { BEARER_SECURITY, isoTime } from './route-deps.js';

const REFUSALS = {
  not_found: [404, 'Rollout job not found'],
  not_holder: [
    409,
    'The job is not leased to this worker (its lease expired and passed on, or it was never leased)',
  ],
  closed: [409, 'The learning step of this job has ended; its result is no longer needed'],
} as const;

export const rolloutsRoutes: FastifyPluginAsyncTypebox<LearningRouteDeps> = async (
  app,
  { requireScope, rollouts },
) => {
  app.post(
    '/rollouts/lease',
    {
      schema: {
        summary:
          'Lease rollout jobs: replay an input with the base fixes and a candidate fix, then report the reward',
        tags: ['rollouts'],
        security: BEARER_SECURITY,
        body: LeaseBodySchema,
        response: { 200: LeaseResponseSchema, ...errorResponses(400, 401, 403, 413, 415) },
      },
      onRequest: requireScope('worker'),
    },
    async (request) => {
      const { functions, max = 1, leaseMs = DEFAULT_LEASE_MS } = request.body;
      const { projectId, credential } = request.auth!;
      const workerId = clientIdentifier(request.body.workerId, credential, MAX_ID_LENGTH);
      const jobs = await rollouts.lease(projectId, { workerId, functions, max, leaseMs });
      return {
        jobs: jobs.map((job) => ({
          ...job,
          fix: job.fix as unknown as Record<string, unknown> | null,
          baseFixes: job.baseFixes.map(deployedFixView),
          leaseExpiresAt: isoTime(job.leaseExpiresAt),
        })),
      };
    },
  );

  app.post(
    '/rollouts/:id/result',
    {
      schema: {
        summary: "Report a leased job's reward (only the worker holding the lease may)",
        tags: ['rollouts'],
        security: BEARER_SECURITY,
        params: RolloutParamsSchema,
        body: RolloutResultBodySchema,
        response: { 200: RolloutResultResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
      onRequest: requireScope('worker'),
    },
    async (request) => {
      const { projectId, credential } = request.auth!;
      const outcome = await rollouts.report(projectId, request.params.id, {
        ...request.body,
        // Named as when leased: the same credential gives the same placeholders.
        workerId: clientIdentifier(request.body.workerId, credential, MAX_ID_LENGTH),
      });
      if (!outcome.ok) {
        const [status, message] = REFUSALS[outcome.reason];
        throw new HttpError(status, message);
      }
      return {
        id: outcome.job.id,
        status: 'done' as const,
        reward: outcome.job.reward!,
        completedAt: isoTime(outcome.job.completedAt!),
      };
    },
  );
};
