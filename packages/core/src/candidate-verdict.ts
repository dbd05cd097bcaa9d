import { type FixComparison, FixPolicy } from './fix-policy.js';
import type { ResolvedLearnerConfig } from './learner-config.js';
import type { PatternLearnerState } from './learner-state.js';
import { wilsonInterval } from './wilson-interval.js';

export interface CandidateVerdict {
  candidateId: string;
  /** The candidate against the incumbent on the pattern's failing inputs. */
  comparison: FixComparison;
  /** Whether its rollouts on working inputs clear it of breaking them (see `judgeCandidates`). */
  guardPasses: boolean;
  /** Beats the incumbent and passes the guard: a learning result. */
  accepted: boolean;
}

/** z of the two-sided 95% Wilson interval used by the guard. */
const GUARD_Z = 1.96;

/**
 * Verdicts on a pattern's candidates (all but the incumbent):
 * - beating: `compareToIncumbent` on failing-input evidence only, with the configured confidence
 *   and minimum trials (working inputs would dilute the improvement on the pattern);
 * - guard: inputs of the same function that currently succeed did so under the incumbent, so a
 *   candidate must keep them succeeding. It fails the guard when the upper end of the 95% Wilson
 *   interval of its success rate there is below 1 − maxRegression (even its optimistic reading
 *   breaks too many working calls; one failure in one trial already does), and, while such inputs
 *   exist for its function, until it has `minGuardTrials` trials there.
 */
export function judgeCandidates(
  pattern: PatternLearnerState,
  config: ResolvedLearnerConfig,
): CandidateVerdict[] {
  const onFailing = FixPolicy.fromJSON({
    version: 1,
    candidates: pattern.candidates.map((c) => ({ id: c.id, theta: 0, ...c.failing })),
  });
  return pattern.candidates.slice(1).map((c) => {
    const comparison = onFailing.compareToIncumbent(c.id, {
      confidence: config.confidence,
      minTrials: config.minTrials,
    });
    const enoughGuard = !pattern.guarded || c.guard.trials >= config.minGuardTrials;
    const guardPasses =
      enoughGuard &&
      wilsonInterval(c.guard.successes, c.guard.trials, GUARD_Z).upper >= 1 - config.maxRegression;
    return { candidateId: c.id, comparison, guardPasses, accepted: comparison.beats && guardPasses };
  });
}

/**
 * The accepted verdict with the largest improvement (ties: higher confidence, then smaller id),
 * among those `eligible` says may be chosen; undefined when there is none.
 */
export function bestAccepted(
  verdicts: readonly CandidateVerdict[],
  eligible: (v: CandidateVerdict) => boolean = () => true,
): CandidateVerdict | undefined {
  let best: CandidateVerdict | undefined;
  for (const v of verdicts) {
    if (!v.accepted || !eligible(v)) continue;
    if (best === undefined || better(v, best)) best = v;
  }
  return best;
}

function better(a: CandidateVerdict, b: CandidateVerdict): boolean {
  if (a.comparison.improvement !== b.comparison.improvement)
    return a.comparison.improvement > b.comparison.improvement;
  if (a.comparison.probabilityBetter !== b.comparison.probabilityBetter) {
    return a.comparison.probabilityBetter > b.comparison.probabilityBetter;
  }
  return a.candidateId < b.candidateId;
}
