// Dashboard sign-in over real HTTP on both backends: the cookie's attributes, what it may do (its
// key's scopes, same-origin writes only), how it ends (sign-out, key revocation, expiry), and that
// the database keeps neither the key nor the session token.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS } from '../session-cookie.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestResponse, type TestServer } from '../test-server.fixture.js';

describe.each(openTestStorages())('/v1/session ($name)', (backend) => {
  let server: TestServer;
  let clock = Date.parse('2026-01-05T10:00:00Z');

  beforeAll(async () => {
    server = await startTestServer(await backend.open(), { now: () => clock });
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const origin = () => server.url;

  /** Signs in and answers the cookie pair (`arc_session=...`) and the raw Set-Cookie header. */
  async function signIn(
    key: string,
  ): Promise<{ cookie: string; setCookie: string; body: TestResponse['body'] }> {
    const response = await server.request('POST', '/v1/session', { body: { key } });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    return { cookie: setCookie.split(';')[0]!, setCookie, body: response.body };
  }

  const withCookie = (cookie: string, extra: Record<string, string> = {}) => ({
    headers: { cookie, ...extra },
  });

  it('sets an HttpOnly, SameSite=Strict cookie for /v1 and says who signed in', async () => {
    const { setCookie, body } = await signIn(server.adminKey);
    expect(setCookie).toMatch(
      /^arc_session=[A-Za-z0-9_-]{43}; Path=\/v1; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    expect(body).toEqual({
      project: { id: server.projectId, name: 'test' },
      key: { id: expect.any(String), name: 'test admin', prefix: server.adminKey.slice(0, 8) },
      scopes: ['admin'],
      expiresAt: new Date(clock + SESSION_TTL_MS).toISOString(),
    });
  });

  it('authenticates reads with the cookie alone, with the key’s scopes', async () => {
    const readKey = await server.key(['read']);
    const { cookie } = await signIn(readKey);
    expect((await server.request('GET', '/v1/patterns', withCookie(cookie))).status).toBe(200);
    const me = await server.request('GET', '/v1/session', withCookie(cookie));
    expect(me.status).toBe(200);
    expect(me.body.scopes).toEqual(['read']);
    expect(me.body.expiresAt).toBe(new Date(clock + SESSION_TTL_MS).toISOString());
    // A read session is refused admin actions by the server, same origin or not.
    const forged = await server.request('POST', '/v1/keys', {
      body: { name: 'x', scopes: ['admin'] },
      ...withCookie(cookie, { origin: origin() }),
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error).toContain('admin');
  });

  it('refuses cookie writes without a same-origin Origin header', async () => {
    const { cookie } = await signIn(server.adminKey);
    const body = { name: 'made-by-session', scopes: ['read'] };
    const attempts: Record<string, string>[] = [{}, { origin: 'http://evil.example' }, { origin: 'null' }];
    for (const headers of attempts) {
      const response = await server.request('POST', '/v1/keys', { body, ...withCookie(cookie, headers) });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.body.error).toContain('Cross-origin');
    }
    const sameOrigin = await server.request('POST', '/v1/keys', {
      body,
      ...withCookie(cookie, { origin: origin() }),
    });
    expect(sameOrigin.status).toBe(201);
  });

  it('refuses sign-in from another origin, bad keys (401) and keys without read (403)', async () => {
    const foreign = await server.request('POST', '/v1/session', {
      body: { key: server.adminKey },
      headers: { origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    for (const key of ['arc_'.padEnd(36, 'x'), 'not a key']) {
      const response = await server.request('POST', '/v1/session', { body: { key } });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'Invalid API key' });
    }
    const ingestOnly = await server.request('POST', '/v1/session', {
      body: { key: await server.key(['ingest']) },
    });
    expect(ingestOnly.status).toBe(403);
    const missing = await server.request('POST', '/v1/session', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual([{ path: '/key', message: 'is required' }]);
  });

  it('lets a Bearer header win over a cookie', async () => {
    const { cookie } = await signIn(await server.key(['read']));
    const response = await server.request('GET', '/v1/keys', { key: server.adminKey, ...withCookie(cookie) });
    expect(response.status).toBe(200);
  });

  it('ends on sign-out: 204, cookie cleared, token no longer accepted', async () => {
    const { cookie } = await signIn(server.adminKey);
    const out = await server.request('DELETE', '/v1/session', withCookie(cookie, { origin: origin() }));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe(
      'arc_session=; Path=/v1; Max-Age=0; HttpOnly; SameSite=Strict',
    );
    const after = await server.request('GET', '/v1/patterns', withCookie(cookie));
    expect(after.status).toBe(401);
    expect(after.body.error).toContain('sign in again');
  });

  it('ends when its key is revoked, and when it expires', async () => {
    const readKey = await server.key(['read']);
    const first = await signIn(readKey);
    const second = await signIn(readKey);
    const keyId = second.body.key.id;
    clock += SESSION_TTL_MS - 1;
    expect((await server.request('GET', '/v1/patterns', withCookie(first.cookie))).status).toBe(200);
    clock += 1;
    expect((await server.request('GET', '/v1/patterns', withCookie(first.cookie))).status).toBe(401);
    clock -= SESSION_TTL_MS;
    const revoked = await server.request('DELETE', `/v1/keys/${keyId}`, { key: server.adminKey });
    expect(revoked.status).toBe(204);
    const response = await server.request('GET', '/v1/patterns', withCookie(second.cookie));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('API key revoked');
  });

  it('ignores garbage cookies with a 401', async () => {
    for (const cookie of ['arc_session=', 'arc_session=abc', `arc_session=${'A'.repeat(43)}`]) {
      const response = await server.request('GET', '/v1/patterns', withCookie(cookie));
      expect(response.status, cookie).toBe(401);
    }
  });

  if (backend.name === 'sqlite') {
    it('keeps neither the key nor the session token in the database files', async () => {
      const { cookie } = await signIn(server.adminKey);
      const token = cookie.slice('arc_session='.length);
      const folder = dirname(backend.location());
      const bytes = readdirSync(folder)
        .map((f) => readFileSync(`${folder}/${f}`).toString('latin1'))
        .join('');
      expect(bytes).toContain('sessions');
      expect(bytes).not.toContain(token);
      expect(bytes).not.toContain(server.adminKey);
    });
  }
});
