import { fixId } from '../fix-id.js';
import type { Fix } from '../fix-types.js';

/** Where a candidate came from: category rules, mining of successful calls, a similar pattern's
 * learned fix, the optional LLM analyst, a combination of other candidates, or production (a fix
 * promoted for the pattern that none of these proposed, such as a person's). */
export type CandidateOrigin = 'rule' | 'mined' | 'transfer' | 'analyst' | 'combination' | 'deployed';

/** A fix worth judging by rollouts. Never trusted on its face: the learner decides. */
export interface CandidateFix {
  /** `fixId(fix)`: equal fixes from different generators are one candidate. */
  id: string;
  fix: Fix;
  origin: CandidateOrigin;
  /** Why the generator proposed it, for the people who approve it. */
  rationale: string;
  /**
   * Logit the candidate starts with relative to the incumbent's (0 when absent: as likely to be
   * tried as what is deployed). Transferred fixes start higher.
   */
  warmStartTheta?: number;
}

export function candidateFix(
  fix: Fix,
  origin: CandidateOrigin,
  rationale: string,
  warmStartTheta?: number,
): CandidateFix {
  const candidate: CandidateFix = { id: fixId(fix), fix, origin, rationale };
  if (warmStartTheta !== undefined) candidate.warmStartTheta = warmStartTheta;
  return candidate;
}

/** The first candidate of each id, in order: generators may propose the same fix twice. */
export function uniqueCandidates(candidates: readonly CandidateFix[]): CandidateFix[] {
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(c.id) && seen.add(c.id));
}
