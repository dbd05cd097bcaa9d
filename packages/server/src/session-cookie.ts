// The dashboard's session cookie: a random token (256 bits) the browser holds HttpOnly and
// SameSite=Strict; the server keeps only its SHA-256 (storage `sessions`), so a copy of the
// database signs nobody in. Plus the same-origin test that cookie-authenticated writes must pass:
// SameSite=Strict does not stop another port on the same host (same site, other origin).

import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'arc_session';
/** How long a sign-in lasts; the key's revocation ends it earlier. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Only the API reads the cookie. */
const COOKIE_PATH = '/v1';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isSessionToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** SHA-256 hex: the token is random, so a fast hash leaves nothing to brute-force. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function attributes(maxAgeSeconds: number, secure: boolean): string {
  return `Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Set-Cookie value that stores the session; `secure` when the request came over HTTPS. */
export function sessionCookie(token: string, ttlMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; ${attributes(Math.floor(ttlMs / 1000), secure)}`;
}

/** Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; ${attributes(0, secure)}`;
}

/** GET, HEAD and OPTIONS change nothing, so they need no origin check. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/**
 * True when the request's Origin names the host it was sent to. Browsers send Origin with every
 * POST, PUT, PATCH and DELETE, so a missing one on a cookie-authenticated write is refused too.
 */
export function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (origin === undefined || host === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
