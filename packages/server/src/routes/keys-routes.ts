// /v1/keys: an admin key manages the keys of its own project.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { issueApiKey } from '../api-keys.js';
import { HttpError } from '../http-error.js';
import { errorResponses } from '../schemas/error-schemas.js';
import {
  CreatedKeySchema,
  CreateKeyBodySchema,
  KeyListSchema,
  KeyParamsSchema,
} from '../schemas/key-schemas.js';
import type { ApiKeyRecord } from '../storage/storage.js';
import { BEARER_SECURITY, isoTime, isoTimeOrNull, type RouteDeps } from './route-deps.js';

export function keySummary(k: ApiKeyRecord) {
  return {
    id: k.id,
    name: k.name,
    scopes: k.scopes,
    prefix: k.prefix,
    createdAt: isoTime(k.createdAt),
    revokedAt: isoTimeOrNull(k.revokedAt),
    lastUsedAt: isoTimeOrNull(k.lastUsedAt),
  };
}

export const keysRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { storage, requireScope }) => {
  app.post(
    '/keys',
    {
      schema: {
        summary: 'Create a key (the full key is in this answer only)',
        tags: ['keys'],
        security: BEARER_SECURITY,
        body: CreateKeyBodySchema,
        response: { 201: CreatedKeySchema, ...errorResponses(400, 401, 403, 413, 415) },
      },
      onRequest: requireScope('admin'),
    },
    async (request, reply) => {
      const { key, record } = await issueApiKey(
        storage,
        request.auth!.projectId,
        request.body.name,
        request.body.scopes,
      );
      // The 201 schema has no revokedAt/lastUsedAt (a new key has neither); serialization drops them.
      return reply.code(201).send({ ...keySummary(record), key });
    },
  );

  app.get(
    '/keys',
    {
      schema: {
        summary: 'Keys of the project (never the keys themselves)',
        tags: ['keys'],
        security: BEARER_SECURITY,
        response: { 200: KeyListSchema, ...errorResponses(401, 403) },
      },
      onRequest: requireScope('admin'),
    },
    async (request) => ({ keys: (await storage.listApiKeys(request.auth!.projectId)).map(keySummary) }),
  );

  app.delete(
    '/keys/:id',
    {
      schema: {
        summary: 'Revoke a key',
        tags: ['keys'],
        security: BEARER_SECURITY,
        params: KeyParamsSchema,
        response: { 204: Type.Null({ description: 'Revoked' }), ...errorResponses(400, 401, 403, 404) },
      },
      onRequest: requireScope('admin'),
    },
    async (request, reply) => {
      const revoked = await storage.revokeApiKey(request.auth!.projectId, request.params.id);
      if (!revoked) throw new HttpError(404, 'No such active key in this project');
      return reply.code(204).send(null);
    },
  );
};
