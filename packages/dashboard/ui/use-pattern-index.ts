// The project's most frequent patterns by id, so pages that show pattern ids (curriculum arms,
// approvals, deployments) can show their messages instead.

import type { PatternList, PatternSummary } from '../src/api-types.js';
import { api } from './api.js';
import { type Resource, useResource } from './use-resource.js';

export type PatternIndex = ReadonlyMap<string, PatternSummary>;

export function usePatternIndex(): Resource<PatternIndex> {
  return useResource(
    async () => {
      const { patterns } = await api.get<PatternList>('/v1/patterns?limit=200');
      return new Map(patterns.map((p) => [p.id, p]));
    },
    [],
    { refreshOn: ['pattern.created'] },
  );
}
