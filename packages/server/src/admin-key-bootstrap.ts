// At start, the default project must have an admin key someone holds. A key handed in (ARC_ADMIN_KEY
// or --admin-key) is registered when new; without one, a key is created only when the project has
// no active admin key (the first start, or after every admin key was revoked) and returned so the
// CLI can print it: the one time it is ever shown.

import { hashApiKey, hasScope, issueApiKey } from './api-keys.js';
import type { Storage } from './storage/storage.js';

export async function ensureAdminKey(
  storage: Storage,
  projectId: string,
  givenKey: string | undefined,
): Promise<{ createdKey: string | null }> {
  if (givenKey !== undefined) {
    const existing = await storage.findApiKeyByHash(hashApiKey(givenKey));
    if (existing === undefined) {
      await issueApiKey(storage, projectId, 'admin (ARC_ADMIN_KEY)', ['admin'], givenKey);
      return { createdKey: null };
    }
    if (existing.revokedAt !== null) throw new Error('the given admin key has been revoked');
    if (existing.projectId !== projectId || !hasScope(existing.scopes, 'admin')) {
      throw new Error('the given admin key exists but is not an admin key of the default project');
    }
    return { createdKey: null };
  }
  const keys = await storage.listApiKeys(projectId);
  if (keys.some((k) => k.revokedAt === null && hasScope(k.scopes, 'admin'))) return { createdKey: null };
  const { key } = await issueApiKey(storage, projectId, 'admin (first start)', ['admin']);
  return { createdKey: key };
}
