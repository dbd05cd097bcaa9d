import { probabilityBetaNonInferior } from './beta-comparison.js';
import { type FixComparison, FixPolicy } from './fix-policy.js';
import type { ResolvedLearnerConfig } from './learner-config.js';
import type { Evidence, PatternLearnerState } from './learner-state.js';

export interface CandidateVerdict {
  candidateId: string;
  /** The candidate against the incumbent on the pattern's failing inputs. */
  comparison: FixComparison;
  /**
   * Posterior probability that on working inputs its success rate is at most `maxRegression` below
   * the incumbent's: P(q_k > q_0 − maxRegression), each q ~ Beta(1 + successes, 1 + failures) of
   * its guard rollouts.
   */
  guardConfidence: number;
  /**
   * `guardConfidence` >= the configured confidence, with the guard trials required; or, where there
   * are no working inputs to check, not `guardFails` (see `judgeCandidates`).
   */
  guardPasses: boolean;
  /**
   * Shown to break working calls: `guardConfidence` <= 1 − the configured confidence, with the guard
   * trials required. It can never pass, so the learner stops trying it (`planLearningStep`).
   */
  guardFails: boolean;
  /** Beats the incumbent and passes the guard: a learning result. */
  accepted: boolean;
}

const posterior = (e: Evidence): [number, number] => [1 + e.successes, 1 + e.trials - e.successes];

type GuardConfig = Pick<ResolvedLearnerConfig, 'minGuardTrials' | 'maxRegression' | 'confidence'>;

/** Both have the guard trials a verdict on working inputs needs. */
const enoughGuard = (candidate: Evidence, incumbent: Evidence, config: GuardConfig) =>
  candidate.trials >= config.minGuardTrials && incumbent.trials >= config.minGuardTrials;

/** P(q_k > q_0 − maxRegression) of the guard posteriors (`CandidateVerdict.guardConfidence`). */
const guardConfidenceOf = (candidate: Evidence, incumbent: Evidence, config: GuardConfig) =>
  probabilityBetaNonInferior(...posterior(candidate), ...posterior(incumbent), config.maxRegression);

/**
 * The candidates `judgeCandidates` finds `guardFails` (shown to break working calls), computing no
 * more than that: the planner asks this of every arm at every step.
 */
export function candidatesBreakingWorkingCalls(
  pattern: PatternLearnerState,
  config: GuardConfig,
): Set<string> {
  const incumbent = pattern.candidates[0]!.guard;
  const failing = new Set<string>();
  for (const c of pattern.candidates.slice(1)) {
    if (
      enoughGuard(c.guard, incumbent, config) &&
      guardConfidenceOf(c.guard, incumbent, config) <= 1 - config.confidence
    )
      failing.add(c.id);
  }
  return failing;
}

/**
 * Verdicts on a pattern's candidates (all but the incumbent):
 * - beating: `compareToIncumbent` on failing-input evidence only, with the configured confidence
 *   and minimum trials (working inputs would dilute the improvement on the pattern);
 * - guard: inputs of the same function that currently succeed are what a fix must not break. A
 *   candidate passes when, with the configured confidence, its success rate there is at most
 *   `maxRegression` below the incumbent's (non-inferiority of the two guard posteriors), and fails
 *   when, with that confidence, it is further below. The burden of proof is on the fix: a "not shown
 *   harmful" test clears a fix that breaks a third of working calls after two lucky rollouts. It is
 *   compared with the incumbent rather than with 1 because an agent may fail some of those inputs
 *   when they are replayed, fix or no fix; and, as on failing inputs, both need `minGuardTrials`
 *   there first, since against an incumbent with no guard rollouts (a uniform posterior, mean 1/2)
 *   a fix that breaks one working call in ten would already pass. Only where the function has no
 *   working inputs now (or `successShare` is 0) and the candidate no guard rollouts is there nothing
 *   to check, and the guard passes; evidence once started must clear it.
 */
export function judgeCandidates(
  pattern: PatternLearnerState,
  config: ResolvedLearnerConfig,
): CandidateVerdict[] {
  const onFailing = FixPolicy.fromJSON({
    version: 1,
    candidates: pattern.candidates.map((c) => ({ id: c.id, theta: 0, ...c.failing })),
  });
  const incumbent = pattern.candidates[0]!.guard;
  return pattern.candidates.slice(1).map((c) => {
    const comparison = onFailing.compareToIncumbent(c.id, {
      confidence: config.confidence,
      minTrials: config.minTrials,
    });
    const guardConfidence = guardConfidenceOf(c.guard, incumbent, config);
    const enough = enoughGuard(c.guard, incumbent, config);
    const unchecked = !pattern.guarded && c.guard.trials === 0;
    const guardPasses = unchecked || (enough && guardConfidence >= config.confidence);
    const guardFails = enough && guardConfidence <= 1 - config.confidence;
    return {
      candidateId: c.id,
      comparison,
      guardConfidence,
      guardPasses,
      guardFails,
      accepted: comparison.beats && guardPasses,
    };
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
