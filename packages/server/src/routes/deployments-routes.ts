// /v1/deployments: approved fixes as canaries, promoted or rolled back automatically by the
// deployment monitor, or rolled back by a person (admin scope, recorded in the audit log).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clientText } from '../client-text.js';
import { HttpError } from '../http-error.js';
import {
  DeploymentListQuerySchema,
  DeploymentListSchema,
  DeploymentParamsSchema,
  DeploymentSchema,
  RollbackBodySchema,
} from '../schemas/deployment-schemas.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { MAX_COMMENT_LENGTH } from '../schemas/nul-free-text.js';
import { actorOf, bodyOptional, deploymentView, type LearningRouteDeps } from './learning-route-deps.js';
import { BEARER_SECURITY } from './route-deps.js';

export const deploymentsRoutes: FastifyPluginAsyncTypebox<LearningRouteDeps> = async (
  app,
  { storage, requireScope, now },
) => {
  app.get(
    '/deployments',
    {
      schema: {
        summary: 'Deployments, newest first',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        querystring: DeploymentListQuerySchema,
        response: { 200: DeploymentListSchema, ...errorResponses(400, 401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { status, function: fn, limit } = request.query;
      const deployments = await storage.listDeployments(request.auth!.projectId, {
        limit,
        ...(status !== undefined ? { statuses: [status] } : {}),
        ...(fn !== undefined ? { function: fn } : {}),
      });
      return { deployments: deployments.map(deploymentView) };
    },
  );

  app.get(
    '/deployments/:id',
    {
      schema: {
        summary: 'One deployment, with its canary counters',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        params: DeploymentParamsSchema,
        response: { 200: DeploymentSchema, ...errorResponses(400, 401, 403, 404) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const deployment = await storage.getDeployment(request.auth!.projectId, request.params.id);
      if (deployment === undefined) throw new HttpError(404, 'Deployment not found');
      return deploymentView(deployment);
    },
  );

  app.post(
    '/deployments/:id/rollback',
    {
      schema: {
        summary: 'Roll a canary or promoted fix back: agents stop applying it at their next poll',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        params: DeploymentParamsSchema,
        body: RollbackBodySchema,
        response: { 200: DeploymentSchema, ...errorResponses(400, 401, 403, 404, 409, 415) },
      },
      onRequest: requireScope('admin'),
      preValidation: bodyOptional,
    },
    async (request) => {
      const actor = await actorOf(storage, request);
      const outcome = await storage.concludeDeployment(
        request.auth!.projectId,
        request.params.id,
        {
          status: 'rolled_back',
          reason:
            request.body.reason === undefined
              ? `rolled back by ${actor.name}`
              : clientText(request.body.reason, MAX_COMMENT_LENGTH),
          actor,
          from: ['canary', 'promoted'],
        },
        now(),
      );
      if (!outcome.ok) {
        if (outcome.reason === 'not_found') throw new HttpError(404, 'Deployment not found');
        throw new HttpError(409, `Deployment already ${outcome.deployment.status.replace('_', ' ')}`);
      }
      return deploymentView(outcome.deployment);
    },
  );
};
