// GET /v1/learning/results (read) and GET/PUT /v1/learning/config (read / admin).

import { redactText } from '@arc-agent/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.js';
import {
  InvalidLearningSettingError,
  loadLearningSettings,
  resolveLearningSettings,
} from '../learner/learning-settings.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { LearningConfigBodySchema, LearningConfigSchema } from '../schemas/learning-config-schemas.js';
import { LearningResultListSchema, LearningResultsQuerySchema } from '../schemas/learning-result-schemas.js';
import { type LearningRouteDeps, resultView } from './learning-route-deps.js';
import { BEARER_SECURITY } from './route-deps.js';

export const learningRoutes: FastifyPluginAsyncTypebox<LearningRouteDeps> = async (
  app,
  { storage, requireScope, now },
) => {
  app.get(
    '/learning/results',
    {
      schema: {
        summary: 'Learning results: fixes that beat their pattern’s incumbent, newest first',
        tags: ['learning'],
        security: BEARER_SECURITY,
        querystring: LearningResultsQuerySchema,
        response: { 200: LearningResultListSchema, ...errorResponses(400, 401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { patternId, limit } = request.query;
      const results = await storage.listLearningResults(request.auth!.projectId, {
        limit,
        ...(patternId !== undefined ? { patternId } : {}),
      });
      return { results: results.map(resultView) };
    },
  );

  app.get(
    '/learning/config',
    {
      schema: {
        summary: 'The learning settings of the project (defaults filled in)',
        tags: ['learning'],
        security: BEARER_SECURITY,
        response: { 200: LearningConfigSchema, ...errorResponses(401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => loadLearningSettings(storage, request.auth!.projectId),
  );

  app.put(
    '/learning/config',
    {
      schema: {
        summary: 'Replace the learning settings (fields left out take their defaults)',
        tags: ['learning'],
        security: BEARER_SECURITY,
        body: LearningConfigBodySchema,
        response: { 200: LearningConfigSchema, ...errorResponses(400, 401, 403, 413, 415) },
      },
      onRequest: requireScope('admin'),
    },
    async (request) => {
      const webhook = request.body.approvalWebhookUrl;
      // Settings are stored as given and shown to every reader: a credential cannot go in them.
      if (typeof webhook === 'string' && redactText(webhook) !== webhook) {
        throw new HttpError(400, 'Invalid request body', {
          details: [
            {
              path: '/approvalWebhookUrl',
              message: 'must not carry a password or token: the settings are shown to every reader',
            },
          ],
        });
      }
      let settings: ReturnType<typeof resolveLearningSettings>;
      try {
        settings = resolveLearningSettings(request.body);
      } catch (error) {
        if (!(error instanceof InvalidLearningSettingError)) throw error;
        throw new HttpError(400, 'Invalid request body', {
          details: [{ path: error.field, message: error.message }],
        });
      }
      await storage.saveLearningConfig(request.auth!.projectId, request.body, now());
      return settings;
    },
  );
};
