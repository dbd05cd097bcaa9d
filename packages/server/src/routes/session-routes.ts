// /v1/session: the dashboard's sign-in. POST trades a read or admin key for an HttpOnly,
// SameSite=Strict session cookie (session-cookie.ts); GET says who is signed in; DELETE signs out.
// After sign-in every /v1 route accepts the cookie in place of the Bearer header (auth.ts).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { hashApiKey, hasScope, isApiKey } from '../api-keys.js';
import { takeRequest } from '../auth.js';
import { HttpError } from '../http-error.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { SessionSchema, SignInBodySchema } from '../schemas/session-schemas.js';
import {
  clearedSessionCookie,
  generateSessionToken,
  hashSessionToken,
  isSameOrigin,
  isSessionToken,
  readCookie,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  sessionCookie,
} from '../session-cookie.js';
import type { ApiKeyRecord, Storage } from '../storage/storage.js';
import { BEARER_SECURITY, type ClockedRouteDeps, isoTime } from './route-deps.js';

/** Sign-in and sign-out are cookie writes: a browser on another origin may not make them. */
function refuseForeignOrigin(request: FastifyRequest): void {
  if (request.headers.origin !== undefined && !isSameOrigin(request)) {
    throw new HttpError(403, 'Cross-origin request refused');
  }
}

async function sessionView(storage: Storage, key: ApiKeyRecord, expiresAt: number | null) {
  const project = await storage.getProject(key.projectId);
  if (project === undefined) throw new Error(`project ${key.projectId} of key ${key.id} is missing`);
  return {
    project: { id: project.id, name: project.name },
    key: { id: key.id, name: key.name, prefix: key.prefix },
    scopes: key.scopes,
    expiresAt: expiresAt === null ? null : isoTime(expiresAt),
  };
}

export const sessionRoutes: FastifyPluginAsyncTypebox<ClockedRouteDeps> = async (
  app,
  { storage, requireScope, rateLimiter, now },
) => {
  app.post(
    '/session',
    {
      schema: {
        summary: 'Sign in with a key: sets the HttpOnly session cookie the dashboard uses',
        description:
          'The cookie (`arc_session`, SameSite=Strict, 12 hours) then authenticates every /v1 route in ' +
          'place of the Bearer header, with the scopes of the key; state-changing requests made with it ' +
          'must carry a same-origin `Origin` header. Only a hash of the session token is stored.',
        tags: ['session'],
        security: [],
        body: SignInBodySchema,
        response: { 200: SessionSchema, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      const { key } = request.body;
      const record = isApiKey(key) ? await storage.findApiKeyByHash(hashApiKey(key)) : undefined;
      if (record === undefined) throw new HttpError(401, 'Invalid API key');
      if (record.revokedAt !== null) throw new HttpError(401, 'API key revoked');
      if (!hasScope(record.scopes, 'read')) {
        throw new HttpError(403, 'This key lacks the `read` scope the dashboard needs');
      }
      // Each sign-in stores a session: the key's request budget bounds them.
      takeRequest(rateLimiter, record.id);
      const token = generateSessionToken();
      const createdAt = now();
      const expiresAt = createdAt + SESSION_TTL_MS;
      await storage.createSession({
        tokenHash: hashSessionToken(token),
        projectId: record.projectId,
        keyId: record.id,
        createdAt,
        expiresAt,
      });
      reply.header('set-cookie', sessionCookie(token, SESSION_TTL_MS, request.protocol === 'https'));
      return sessionView(storage, record, expiresAt);
    },
  );

  app.get(
    '/session',
    {
      schema: {
        summary: 'Who is signed in: project, key and scopes',
        tags: ['session'],
        security: BEARER_SECURITY,
        response: { 200: SessionSchema, ...errorResponses(401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { projectId, keyId, sessionExpiresAt } = request.auth!;
      const key = (await storage.listApiKeys(projectId)).find((k) => k.id === keyId);
      if (key === undefined) throw new Error(`key ${keyId} authenticated but not listed`);
      return sessionView(storage, key, sessionExpiresAt ?? null);
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        summary: 'Sign out: ends the session and clears its cookie',
        tags: ['session'],
        security: [],
        response: { 204: Type.Null({ description: 'Signed out' }), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      refuseForeignOrigin(request);
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (token !== null && isSessionToken(token)) await storage.deleteSession(hashSessionToken(token));
      reply.header('set-cookie', clearedSessionCookie(request.protocol === 'https'));
      return reply.code(204).send(null);
    },
  );
};
