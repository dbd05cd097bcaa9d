// Dashboard sessions on both backends: found by token hash until they expire, carrying their key's
// current state (so revoking the key ends the session), deleted on sign-out, swept when expired.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from './storage.js';
import { openTestStorages } from './test-databases.js';

describe.each(openTestStorages())('sessions on $name', (backend) => {
  let storage: Storage;
  let projectId: string;
  let keyId: string;

  beforeAll(async () => {
    storage = await backend.open();
    projectId = (await storage.ensureProject('sessions')).id;
    keyId = (
      await storage.createApiKey({
        projectId,
        name: 'dash',
        scopes: ['read'],
        prefix: 'arc_abcd',
        keyHash: 'k'.repeat(64),
      })
    ).id;
  });
  afterAll(() => backend.cleanup());

  const session = (tokenHash: string, createdAt: number, expiresAt: number) => ({
    tokenHash,
    projectId,
    keyId,
    createdAt,
    expiresAt,
  });

  it('finds a session by its hash until it expires, with its key', async () => {
    await storage.createSession(session('a'.repeat(64), 1_000, 5_000));
    const found = await storage.findSession('a'.repeat(64), 4_999);
    expect(found?.session).toEqual(session('a'.repeat(64), 1_000, 5_000));
    expect(found?.key).toMatchObject({ id: keyId, projectId, scopes: ['read'], revokedAt: null });
    expect(await storage.findSession('a'.repeat(64), 5_000)).toBeUndefined();
    expect(await storage.findSession('b'.repeat(64), 2_000)).toBeUndefined();
  });

  it('deletes a session on sign-out, announcing it on the stream once', async () => {
    await storage.createSession(session('c'.repeat(64), 1_000, 9_000));
    const before = (await storage.listStreamEventsAfter(projectId, 0, 1000)).at(-1)?.id ?? 0;
    await storage.deleteSession('c'.repeat(64));
    await storage.deleteSession('c'.repeat(64));
    expect(await storage.findSession('c'.repeat(64), 2_000)).toBeUndefined();
    const announced = await storage.listStreamEventsAfter(projectId, before, 100);
    expect(announced.map((e) => [e.type, e.data])).toEqual([['session.ended', { keyId }]]);
  });

  it('sweeps expired sessions when a new one is created', async () => {
    await storage.createSession(session('d'.repeat(64), 1_000, 2_000));
    await storage.createSession(session('e'.repeat(64), 3_000, 9_000));
    // Looked up as of a time before its expiry: gone anyway, so it was deleted, not just filtered.
    expect(await storage.findSession('d'.repeat(64), 1_500)).toBeUndefined();
    expect(await storage.findSession('e'.repeat(64), 3_000)).toBeDefined();
  });

  it('reports the key as revoked once it is', async () => {
    await storage.createSession(session('f'.repeat(64), 10_000, 90_000));
    await storage.revokeApiKey(projectId, keyId);
    const found = await storage.findSession('f'.repeat(64), 10_001);
    expect(found?.key.revokedAt).not.toBeNull();
  });
});
