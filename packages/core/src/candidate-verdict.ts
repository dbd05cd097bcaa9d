import { probabilityBetaNonInferior } from './beta-comparison.js';
import { type FixComparison, FixPolicy } from './fix-policy.js';
import { regularizedIncompleteBeta } from './incomplete-beta.js';
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

/** What is known of the guard of one candidate against its incumbent, for one margin. */
interface GuardFigures {
  lowerBound?: number;
  confidence?: number;
}

/**
 * Guard figures already computed, by their arguments. The planner judges every arm at every step,
 * while only the drawn patterns' evidence changes, and one confidence costs up to a millisecond
 * once trials run into the hundreds. Results of pure functions, so nothing observable changes; the
 * oldest entry goes first past the limit.
 */
const guardFigures = new Map<string, GuardFigures>();
const GUARD_FIGURES_KEPT = 100_000;

function figuresOf(candidate: Evidence, incumbent: Evidence, margin: number): GuardFigures {
  const key = `${candidate.successes},${candidate.trials},${incumbent.successes},${incumbent.trials},${margin}`;
  let figures = guardFigures.get(key);
  if (figures === undefined) {
    figures = {};
    if (guardFigures.size >= GUARD_FIGURES_KEPT) guardFigures.delete(guardFigures.keys().next().value!);
    guardFigures.set(key, figures);
  }
  return figures;
}

/** P(q_k > q_0 − maxRegression) of the guard posteriors (`CandidateVerdict.guardConfidence`). */
function guardConfidenceOf(candidate: Evidence, incumbent: Evidence, config: GuardConfig): number {
  const figures = figuresOf(candidate, incumbent, config.maxRegression);
  figures.confidence ??= probabilityBetaNonInferior(
    ...posterior(candidate),
    ...posterior(incumbent),
    config.maxRegression,
  );
  return figures.confidence;
}

/**
 * A lower bound of the guard confidence P(X1 > X2 − δ), X1 and X2 the candidate's and the
 * incumbent's guard posteriors: the event holds whenever X1 > m and X2 < m + δ, so by independence
 * P >= P(X1 > m) · P(X2 < m + δ) for any m; taken at m = E[X2] − δ/2. Two incomplete Beta functions
 * where the confidence itself may take a millisecond: enough to see that most candidates do not
 * break working calls.
 */
function guardConfidenceLowerBound(candidate: Evidence, incumbent: Evidence, margin: number): number {
  const figures = figuresOf(candidate, incumbent, margin);
  if (figures.lowerBound === undefined) {
    const [a1, b1] = posterior(candidate);
    const [a2, b2] = posterior(incumbent);
    const m = a2 / (a2 + b2) - margin / 2;
    const above = m <= 0 ? 1 : regularizedIncompleteBeta(1 - m, b1, a1, m);
    const below = m + margin >= 1 ? 1 : regularizedIncompleteBeta(m + margin, a2, b2);
    figures.lowerBound = above * below;
  }
  return figures.lowerBound;
}

/** `CandidateVerdict.guardFails`, computing the confidence only where its lower bound does not settle it. */
function guardFailsOf(candidate: Evidence, incumbent: Evidence, config: GuardConfig): boolean {
  const limit = 1 - config.confidence;
  return (
    enoughGuard(candidate, incumbent, config) &&
    guardConfidenceLowerBound(candidate, incumbent, config.maxRegression) <= limit &&
    guardConfidenceOf(candidate, incumbent, config) <= limit
  );
}

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
  for (const c of pattern.candidates.slice(1))
    if (guardFailsOf(c.guard, incumbent, config)) failing.add(c.id);
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
  return pattern.candidates.slice(1).map((c): CandidateVerdict => {
    const comparison = onFailing.compareToIncumbent(c.id, {
      confidence: config.confidence,
      minTrials: config.minTrials,
    });
    const enough = enoughGuard(c.guard, incumbent, config);
    const unchecked = !pattern.guarded && c.guard.trials === 0;
    // The guard's figures are computed when first read: most verdicts are only asked whether they
    // beat the incumbent, or whether they break working calls, which a bound mostly settles.
    let guardConfidence: number | undefined;
    let guardFails: boolean | undefined;
    const confidence = () => {
      guardConfidence ??= guardConfidenceOf(c.guard, incumbent, config);
      return guardConfidence;
    };
    return {
      candidateId: c.id,
      comparison,
      get guardConfidence() {
        return confidence();
      },
      get guardPasses() {
        return unchecked || (enough && confidence() >= config.confidence);
      },
      get guardFails() {
        guardFails ??= guardFailsOf(c.guard, incumbent, config);
        return guardFails;
      },
      get accepted() {
        return comparison.beats && this.guardPasses;
      },
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
