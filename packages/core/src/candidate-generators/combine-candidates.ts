import { canonicalJson } from '../canonical-json.js';
import { fixParts, type SimpleFix } from '../fix-types.js';
import { type CandidateFix, candidateFix } from './candidate-fix.js';

export interface CombineOptions {
  /** How many of the best candidates are paired (default 3, so at most 3 pairs). */
  top?: number;
  /** Candidate ids the pattern already has: their combinations are not proposed again. */
  exclude?: Iterable<string>;
}

// Fix types a call can only have one of: two response formats or two retry policies contradict.
const SINGLE = new Set<SimpleFix['type']>([
  'param_patch',
  'response_format',
  'output_repair',
  'retry_policy',
]);
const MAX_PARTS = 10;

/**
 * For a pattern whose candidates all keep failing alone: composites of every pair among the `top`
 * best (`ranked` best first), since failures with two causes need two fixes. Composites do not nest,
 * so a pair's parts are both candidates' parts, each once; pairs that would set the same
 * single-valued aspect twice (two retry policies), that add nothing to one of them, or that are
 * excluded, are skipped.
 */
export function combineCandidates(
  ranked: readonly CandidateFix[],
  options: CombineOptions = {},
): CandidateFix[] {
  const top = options.top ?? 3;
  if (!(Number.isInteger(top) && top >= 0)) throw new RangeError(`top must be an integer >= 0, got ${top}`);
  const excluded = new Set(options.exclude ?? []);
  const best = ranked.slice(0, top);
  const out: CandidateFix[] = [];
  for (let i = 0; i < best.length; i++) {
    for (let j = i + 1; j < best.length; j++) {
      const a = best[i]!;
      const b = best[j]!;
      const parts = mergeParts(fixParts(a.fix), fixParts(b.fix));
      if (parts === undefined) continue;
      const combined = candidateFix(
        { type: 'composite', fixes: parts },
        'combination',
        `Combines ${a.id} (${a.fix.type}) and ${b.id} (${b.fix.type}).`,
      );
      if (excluded.has(combined.id) || out.some((c) => c.id === combined.id)) continue;
      out.push(combined);
    }
  }
  return out;
}

function mergeParts(a: readonly SimpleFix[], b: readonly SimpleFix[]): SimpleFix[] | undefined {
  const parts = [...a];
  const texts = new Set(a.map((p) => canonicalJson(p)));
  let added = 0;
  for (const part of b) {
    if (texts.has(canonicalJson(part))) continue;
    if (SINGLE.has(part.type) && parts.some((p) => p.type === part.type)) return undefined;
    parts.push(part);
    added++;
  }
  // b adds nothing to a, or a is all inside b: the pair is just one of them.
  if (added === 0 || parts.length === b.length) return undefined;
  return parts.length <= MAX_PARTS ? parts : undefined;
}
