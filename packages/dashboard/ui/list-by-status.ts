// A list endpoint filtered by status (GET /v1/approvals, /v1/deployments) asked once per status,
// so that what needs attention (pending approvals, live fixes) is never missed however many
// settled items are newer; the answers merged newest first.

import { api } from './api.js';

export async function listByStatus<T extends { createdAt: string }>(
  path: string,
  field: string,
  statuses: readonly string[],
  limit: number,
): Promise<T[]> {
  const lists = await Promise.all(
    statuses.map(async (status) => {
      const answer = await api.get<Record<string, unknown>>(`${path}?status=${status}&limit=${limit}`);
      const list = answer?.[field];
      if (!Array.isArray(list)) throw new Error(`GET ${path} answered without a list of ${field}`);
      return list as T[];
    }),
  );
  return lists
    .flat()
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
    .slice(0, limit);
}
