import type { Fix } from '../fix-types.js';
import { findSimilar } from '../message-similarity.js';
import { type CandidateFix, candidateFix } from './candidate-fix.js';

/** A fix learned for another pattern, with how much it helped there. */
export interface LearnedFix {
  patternId: string;
  normalizedMessage: string;
  fix: Fix;
  /** Success-rate improvement over that pattern's incumbent, in [-1, 1]. */
  improvement: number;
}

export interface TransferOptions {
  /** Least cosine similarity of the normalised messages (default 0.85, DESIGN.md section 4). */
  threshold?: number;
  /** Most candidates transferred (default 3). */
  topK?: number;
}

/**
 * Transfer (DESIGN.md section 5): fixes learned for patterns whose messages are similar to the new
 * pattern's become its candidates, warm-started: a fix with improvement d from a pattern at
 * similarity s starts with logit ln(1 + s·d) above the incumbent, i.e. (1 + s·d) times as likely to
 * be tried (at most twice). Fixes that did not help (d <= 0) are not transferred; the same fix from
 * several patterns is transferred once, from the most similar.
 */
export function transferCandidates(
  newPattern: { id: string; normalizedMessage: string },
  learnedFixes: readonly LearnedFix[],
  options: TransferOptions = {},
): CandidateFix[] {
  const { threshold = 0.85, topK = 3 } = options;
  if (!(Number.isInteger(topK) && topK >= 0))
    throw new RangeError(`topK must be an integer >= 0, got ${topK}`);
  const eligible = learnedFixes.filter(
    (l) => l.patternId !== newPattern.id && Number.isFinite(l.improvement) && l.improvement > 0,
  );
  const hits = findSimilar(
    newPattern.normalizedMessage,
    eligible.map((l, i) => ({ id: String(i), message: l.normalizedMessage })),
    { threshold, topK: eligible.length },
  );
  const out: CandidateFix[] = [];
  for (const hit of hits) {
    if (out.length === topK) break;
    const source = eligible[Number(hit.id)]!;
    const improvement = Math.min(1, source.improvement);
    const candidate = candidateFix(
      source.fix,
      'transfer',
      `Learned for the similar pattern ${source.patternId} (similarity ${hit.score.toFixed(2)}), where it improved the success rate by ${(improvement * 100).toFixed(0)} points.`,
      Math.log1p(hit.score * improvement),
    );
    if (!out.some((c) => c.id === candidate.id)) out.push(candidate);
  }
  return out;
}
