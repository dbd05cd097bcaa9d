import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminKey } from './admin-key-bootstrap.js';
import { API_KEY_PATTERN, generateApiKey, hashApiKey, issueApiKey } from './api-keys.js';
import type { Storage } from './storage/storage.js';
import { openTestStorages } from './storage/test-databases.js';

describe.each(openTestStorages())('ensureAdminKey ($name)', (backend) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());

  const project = async (name: string) => (await storage.ensureProject(name)).id;

  it('creates an admin key on the first start only', async () => {
    const projectId = await project('first-start');
    const { createdKey } = await ensureAdminKey(storage, projectId, undefined);
    expect(createdKey).toMatch(API_KEY_PATTERN);
    const record = await storage.findApiKeyByHash(hashApiKey(createdKey!));
    expect(record).toMatchObject({ projectId, scopes: ['admin'], revokedAt: null });
    expect(await ensureAdminKey(storage, projectId, undefined)).toEqual({ createdKey: null });
    expect(await storage.listApiKeys(projectId)).toHaveLength(1);
  });

  it('creates a new one when every admin key was revoked', async () => {
    const projectId = await project('all-revoked');
    const { createdKey } = await ensureAdminKey(storage, projectId, undefined);
    const record = await storage.findApiKeyByHash(hashApiKey(createdKey!));
    await storage.revokeApiKey(projectId, record!.id);
    await issueApiKey(storage, projectId, 'reader', ['read']);
    const again = await ensureAdminKey(storage, projectId, undefined);
    expect(again.createdKey).toMatch(API_KEY_PATTERN);
    expect(again.createdKey).not.toBe(createdKey);
  });

  it('registers a given key once and never prints it', async () => {
    const projectId = await project('given-key');
    const key = generateApiKey();
    expect(await ensureAdminKey(storage, projectId, key)).toEqual({ createdKey: null });
    expect(await ensureAdminKey(storage, projectId, key)).toEqual({ createdKey: null });
    const keys = await storage.listApiKeys(projectId);
    expect(keys).toHaveLength(1);
    expect(await storage.findApiKeyByHash(hashApiKey(key))).toMatchObject({ projectId, scopes: ['admin'] });
  });

  it('refuses a given key that is malformed, revoked, not admin or of another project', async () => {
    const projectId = await project('refusals');
    await expect(ensureAdminKey(storage, projectId, 'hunter2')).rejects.toThrow(/arc_/);
    const revoked = await issueApiKey(storage, projectId, 'old', ['admin']);
    await storage.revokeApiKey(projectId, revoked.record.id);
    await expect(ensureAdminKey(storage, projectId, revoked.key)).rejects.toThrow(/revoked/);
    const reader = await issueApiKey(storage, projectId, 'reader', ['read']);
    await expect(ensureAdminKey(storage, projectId, reader.key)).rejects.toThrow(/not an admin key/);
    const elsewhere = await issueApiKey(storage, await project('elsewhere'), 'admin', ['admin']);
    await expect(ensureAdminKey(storage, projectId, elsewhere.key)).rejects.toThrow(/not an admin key/);
  });
});
