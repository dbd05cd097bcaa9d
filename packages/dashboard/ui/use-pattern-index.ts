// The patterns a page names by id (curriculum arms, approvals, deployments), looked up by those ids
// so that it can show their messages instead, however many patterns the project has. A pattern's
// function and message never change, so what was found once is kept and only new ids are asked for.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { PatternList, PatternSummary } from '../src/api-types.js';
import { api } from './api.js';

export type PatternIndex = ReadonlyMap<string, PatternSummary>;

/** Ids per request: the most GET /v1/patterns?ids= takes. Requests go one after another. */
const IDS_PER_REQUEST = 40;

export function usePatternIndex(ids: readonly string[]): PatternIndex {
  const known = useRef(new Map<string, PatternSummary>());
  const [index, setIndex] = useState<PatternIndex>(known.current);
  const missing = [...new Set(ids)].filter((id) => !known.current.has(id)).sort();
  const key = missing.join(',');

  useEffect(() => {
    let current = true;
    (async () => {
      for (let i = 0; i < missing.length && current; i += IDS_PER_REQUEST) {
        const batch = missing
          .slice(i, i + IDS_PER_REQUEST)
          .map(encodeURIComponent)
          .join(',');
        const { patterns } = await api.get<PatternList>(`/v1/patterns?ids=${batch}`);
        for (const p of patterns) known.current.set(p.id, p);
        if (current) setIndex(new Map(known.current));
      }
    })().catch(() => {
      // The names are a courtesy: a pattern not looked up is shown by its id, which links to its page.
    });
    return () => {
      current = false;
    };
  }, [key]);

  return index;
}
