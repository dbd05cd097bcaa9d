import { type PatternLearnerState, posteriorMean } from './learner-state.js';

/**
 * The `learnable-traffic` curriculum draws a pattern in proportion to the failures that learning on
 * it could still prevent, as far as the learner has seen:
 *
 *   weight = recent failures × unprevented share × learnability
 *
 * - recent failures: the traffic weight `random` draws by (`nextTraffic`);
 * - unprevented share (`unpreventedShare`): failures whose replays pass as they are are transient,
 *   and those a reported fix already wins are on their way out: neither is worth more rollouts;
 * - learnability (`learnability`): SEC's Q, the mean |GRPO advantage| of the pattern's rollouts, 0
 *   where they all fail (no candidate helps) or all pass, started at an optimistic prior so that
 *   patterns not yet tried are drawn by their traffic.
 *
 * `random` spends much of its budget on busy patterns that no candidate helps, SEC on quiet ones whose
 * fixes prevent few failures; this weighs the two signals together.
 */

/**
 * Learnability of a pattern never rewarded, chosen on the simulated fleets' design seeds
 * (`npm run bench -- curriculum-sim`, seeds 1001-1008; 0.1, 0.25 and 0.5: 0.1 prevented the most on
 * the typical and hard mixes, 0.5 slightly more on the easy one). A low prior lets a pattern whose
 * rollouts show learnability (mean |A| often 0.5 or more) soon outweigh untried ones, while busy
 * untried ones are still drawn for their traffic.
 */
export const LEARNABILITY_PRIOR = 0.1;

/**
 * SEC's Q as if it had started at `LEARNABILITY_PRIOR` instead of 0: after n rewards r₁…rₙ, TD(0)
 * from 0 gives Q = Σ α(1 − α)^(n−i) rᵢ, and starting from the prior adds (1 − α)^n · prior.
 * `rewards` is n, the arm's SEC reward count (`SecArmStats.updates`); α is SEC's step size.
 */
export function learnability(q: number, rewards: number, alpha: number): number {
  return q + (1 - alpha) ** rewards * LEARNABILITY_PRIOR;
}

/**
 * 1 − the best posterior mean success (Beta(1 + s, 1 + f)) on failing inputs among the pattern's
 * incumbent and the candidates reported as results against it: the share of its failures that
 * neither pass on replay as they are nor are won by a fix already found.
 */
export function unpreventedShare(pattern: PatternLearnerState): number {
  let best = posteriorMean(pattern.candidates[0]!.failing);
  for (const c of pattern.candidates) {
    if (pattern.reported.includes(c.id)) best = Math.max(best, posteriorMean(c.failing));
  }
  return 1 - best;
}

/** What the curriculum reads of an arm. */
export interface LearnableTrafficSignals {
  /** Recent failures, >= 0. */
  failures: number;
  /** `unpreventedShare`, in [0, 1]. */
  unprevented: number;
  /** `learnability`, >= 0. */
  learnability: number;
}

/** Each arm's draw probability: its weight over their sum, uniform while every weight is 0. */
export function learnableTrafficProbabilities(arms: readonly LearnableTrafficSignals[]): number[] {
  const weights = arms.map((a) => a.failures * a.unprevented * a.learnability);
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => (total > 0 ? w / total : 1 / weights.length));
}
