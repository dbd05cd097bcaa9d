// Key authentication and scope checks. Every /v1 route runs `requireScope(scope)` as its
// onRequest hook (first, so an unauthenticated client gets 401 before its body is even read); it
// resolves the key to its project, and handlers read that project from `request.auth`, so no
// route can reach another project's data. The key comes from `Authorization: Bearer` or, for the
// dashboard, from a session cookie (session-cookie.ts) that stands for the key it was signed in
// with: the key's scopes and revocation apply on every request, and writes must be same-origin.
// Each authenticated request then takes a token from its key's rate limit (429 with Retry-After).

import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { hashApiKey, hasScope, isApiKey } from './api-keys.js';
import { HttpError } from './http-error.js';
import type { KeyRateLimiter } from './key-rate-limiter.js';
import {
  hashSessionToken,
  isSafeMethod,
  isSameOrigin,
  isSessionToken,
  readCookie,
  SESSION_COOKIE,
} from './session-cookie.js';
import type { ApiKeyRecord, Scope, Storage } from './storage/storage.js';

export interface AuthContext {
  projectId: string;
  keyId: string;
  scopes: Scope[];
  /** When the request came with a session cookie: when that session ends (epoch ms)... */
  sessionExpiresAt?: number;
  /** ...and the SHA-256 of its token (what storage knows the session by). */
  sessionTokenHash?: string;
  /**
   * The secret the request came with (the API key, or the session token), never stored: it keys
   * the placeholders of secrets found in identifiers (client-text.ts), so that a client's
   * retries get the same placeholders and a copy of the database cannot test guesses against them.
   */
  credential: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by requireScope; null on routes without authentication. */
    auth: AuthContext | null;
  }
}

/** The key from an `Authorization: Bearer <key>` header, or null when the header is absent or malformed. */
export function parseBearer(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1] ?? null;
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, message, { headers: { 'www-authenticate': 'Bearer realm="arc"' } });
}

/** Takes one of the key's requests from `rateLimiter`, or refuses with 429 and Retry-After. */
export function takeRequest(rateLimiter: KeyRateLimiter, keyId: string): void {
  const waitMs = rateLimiter.take(keyId);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new HttpError(429, `Too many requests for this key: retry in ${seconds} s`, {
      headers: { 'retry-after': String(seconds) },
    });
  }
}

export interface AuthOptions {
  now?: () => number;
  /** Requests per key; none when absent. */
  rateLimiter?: KeyRateLimiter;
  /** lastUsedAt is written at most this often per key, so reads do not turn into writes. */
  touchIntervalMs?: number;
}

/** The onRequest check of a route: a key with any of the given scopes (admin has them all). */
export type RequireScope = (...scopes: [Scope, ...Scope[]]) => onRequestAsyncHookHandler;

export function createRequireScope(storage: Storage, options: AuthOptions = {}): RequireScope {
  const now = options.now ?? Date.now;
  const touchIntervalMs = options.touchIntervalMs ?? 60_000;
  const lastTouched = new Map<string, number>();

  async function bearerKey(header: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const key = parseBearer(header);
    if (key === null) throw unauthorized('Malformed Authorization header (expected `Bearer <key>`)');
    if (!isApiKey(key)) throw unauthorized('Invalid API key');
    const record = await storage.findApiKeyByHash(hashApiKey(key));
    if (record === undefined) throw unauthorized('Invalid API key');
    return { record, key };
  }

  async function sessionKey(
    request: FastifyRequest,
    token: string,
  ): Promise<{ record: ApiKeyRecord; key: string; expiresAt: number; tokenHash: string }> {
    if (!isSafeMethod(request.method) && !isSameOrigin(request)) {
      throw new HttpError(
        403,
        'Cross-origin request refused: a session may only change things from its own origin',
      );
    }
    const found = isSessionToken(token)
      ? await storage.findSession(hashSessionToken(token), now())
      : undefined;
    if (found === undefined) throw unauthorized('Session expired or signed out: sign in again');
    return {
      record: found.key,
      key: token,
      expiresAt: found.session.expiresAt,
      tokenHash: found.session.tokenHash,
    };
  }

  async function authenticate(request: FastifyRequest): Promise<AuthContext> {
    const header = request.headers.authorization;
    // An explicit header wins over a cookie the client may also carry.
    const token = header === undefined ? readCookie(request.headers.cookie, SESSION_COOKIE) : null;
    if (header === undefined && token === null) {
      throw unauthorized('Missing Authorization header (expected `Bearer <key>`)');
    }
    const session = token === null ? null : await sessionKey(request, token);
    const { record, key } = session ?? (await bearerKey(header!));
    if (record.revokedAt !== null) throw unauthorized('API key revoked');
    const at = now();
    if (at - (lastTouched.get(record.id) ?? Number.NEGATIVE_INFINITY) >= touchIntervalMs) {
      lastTouched.set(record.id, at);
      await storage.touchApiKey(record.id, at);
    }
    return {
      projectId: record.projectId,
      keyId: record.id,
      scopes: record.scopes,
      credential: key,
      ...(session !== null
        ? { sessionExpiresAt: session.expiresAt, sessionTokenHash: session.tokenHash }
        : {}),
    };
  }

  return (...scopes) =>
    async function requireScope(request) {
      const auth = await authenticate(request);
      if (!scopes.some((scope) => hasScope(auth.scopes, scope))) {
        const named = scopes.map((scope) => `\`${scope}\``).join(' or ');
        throw new HttpError(403, `This key lacks the ${named} scope`);
      }
      if (options.rateLimiter !== undefined) takeRequest(options.rateLimiter, auth.keyId);
      request.auth = auth;
    };
}
