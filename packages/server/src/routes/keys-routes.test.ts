import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, hashApiKey } from '../api-keys.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

describe.each(openTestStorages())('/v1/keys ($name)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const create = (body: unknown, key = server.adminKey) => server.request('POST', '/v1/keys', { key, body });

  it('creates a key shown once, which then works for its scopes only', async () => {
    const response = await create({ name: 'dashboard', scopes: ['read'] });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      name: 'dashboard',
      scopes: ['read'],
      prefix: response.body.key.slice(0, 8),
      createdAt: expect.any(String),
      key: expect.stringMatching(API_KEY_PATTERN),
    });
    const { key } = response.body;
    expect((await server.request('GET', '/v1/patterns', { key })).status).toBe(200);
    expect((await server.request('POST', '/v1/events', { key, body: { events: [] } })).status).toBe(403);
    expect((await server.request('GET', '/v1/keys', { key })).status).toBe(403);
  });

  it('lists keys without keys or hashes', async () => {
    const { key } = (await create({ name: 'ci', scopes: ['ingest', 'worker'] })).body;
    const response = await server.request('GET', '/v1/keys', { key: server.adminKey });
    expect(response.status).toBe(200);
    const listed = response.body.keys.find((k: { name: string }) => k.name === 'ci');
    expect(listed).toEqual({
      id: expect.any(String),
      name: 'ci',
      scopes: ['ingest', 'worker'],
      prefix: key.slice(0, 8),
      createdAt: expect.any(String),
      revokedAt: null,
      lastUsedAt: null,
    });
    const text = JSON.stringify(response.body);
    for (const secret of [key, server.adminKey, hashApiKey(key), hashApiKey(server.adminKey)]) {
      expect(text).not.toContain(secret);
    }
    const admin = response.body.keys.find(
      (k: { prefix: string }) => k.prefix === server.adminKey.slice(0, 8),
    );
    expect(Date.parse(admin.lastUsedAt)).toBeGreaterThan(0);
  });

  it('revokes: 204, then the key gets 401, and revoking again is 404', async () => {
    const created = (await create({ name: 'temp', scopes: ['read'] })).body;
    const revoke = await server.request('DELETE', `/v1/keys/${created.id}`, { key: server.adminKey });
    expect(revoke.status).toBe(204);
    expect(revoke.body).toBeNull();
    expect((await server.request('GET', '/v1/patterns', { key: created.key })).status).toBe(401);
    expect((await server.request('DELETE', `/v1/keys/${created.id}`, { key: server.adminKey })).status).toBe(
      404,
    );
    const listed = (await server.request('GET', '/v1/keys', { key: server.adminKey })).body.keys;
    expect(listed.find((k: { id: string }) => k.id === created.id).revokedAt).toEqual(expect.any(String));
  });

  it('keeps projects apart: an admin of another project neither sees nor revokes these keys', async () => {
    const mine = (await create({ name: 'mine', scopes: ['read'] })).body;
    const otherAdmin = await server.key(['admin'], 'other-project');
    const listed = (await server.request('GET', '/v1/keys', { key: otherAdmin })).body.keys;
    expect(listed.map((k: { id: string }) => k.id)).not.toContain(mine.id);
    expect((await server.request('DELETE', `/v1/keys/${mine.id}`, { key: otherAdmin })).status).toBe(404);
    expect((await server.request('GET', '/v1/patterns', { key: mine.key })).status).toBe(200);
  });

  it('needs the admin scope', async () => {
    const notAdmin = await server.key(['ingest', 'worker', 'read']);
    expect((await create({ name: 'x', scopes: ['read'] }, notAdmin)).status).toBe(403);
    expect((await server.request('GET', '/v1/keys', { key: notAdmin })).status).toBe(403);
    expect((await server.request('DELETE', '/v1/keys/any', { key: notAdmin })).status).toBe(403);
    expect((await server.request('GET', '/v1/keys')).status).toBe(401);
  });

  it('answers 400 naming the field for bad bodies', async () => {
    const cases: [unknown, string][] = [
      [{ scopes: ['read'] }, '/name'],
      [{ name: '', scopes: ['read'] }, '/name'],
      [{ name: 'a\u0000b', scopes: ['read'] }, '/name'],
      [{ name: 'x' }, '/scopes'],
      [{ name: 'x', scopes: [] }, '/scopes'],
      [{ name: 'x', scopes: ['root'] }, '/scopes/0'],
      [{ name: 'x', scopes: ['read', 'read'] }, '/scopes'],
      [{ name: 'x', scopes: ['read'], project: 'other' }, '/project'],
    ];
    for (const [body, path] of cases) {
      const response = await create(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.details, JSON.stringify(body)).toContainEqual({
        path,
        message: expect.any(String),
      });
    }
  });
});
