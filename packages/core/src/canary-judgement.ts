import { type CanaryDecision, canaryDecision } from './canary-sequential-test.js';

/** What one arm of a canary deployment has seen: calls, their failures, and those of the fix's pattern. */
export interface CanaryArmTally {
  trials: number;
  failures: number;
  patternFailures: number;
}

export interface CanaryTallies {
  /** Share of calls routed to the treatment (the fix). */
  canaryShare: number;
  treatment: CanaryArmTally;
  control: CanaryArmTally;
}

/** A project's canary settings. */
export interface CanaryLimits {
  /** Largest probability of rolling back (and of promoting) a fix by mistake. */
  canaryAlpha: number;
  /**
   * Backstop: a treatment whose failures exceed what control's rate predicts for its calls by this
   * many is rolled back, whatever the test says.
   */
  canaryMaxFailures: number;
  /** Horizon: a treatment with this many calls without harm shown is promoted. */
  canaryMaxTrials: number;
}

/** The product's canary settings: what a project gets unless it sets its own. */
export const DEFAULT_CANARY_SETTINGS = Object.freeze({
  /** Share of calls an approved fix gets while it is a canary. */
  canaryShare: 0.1,
  canaryAlpha: 0.05,
  canaryMaxFailures: 100,
  canaryMaxTrials: 2_000,
});

export interface CanaryJudgement {
  decision: 'continue' | 'promote' | 'rollback';
  /** Which metric decided and why, e.g. `pattern: harm`, `function: failure_limit`, `pattern and function: benefit`. */
  reason: string;
  pattern: CanaryDecision;
  function: CanaryDecision;
}

/**
 * A wrong verdict (POST /v1/feedback) makes its call a failure, while the call itself was counted
 * with the successes it returned with, which travel apart (aggregated) and can arrive later: an arm
 * may show more failures than calls until they do. Such a failure is counted once its call is:
 * taking it for a call of its own would invent calls in one arm only (an arm whose verdicts came
 * first looked like all of the traffic, and a fix was promoted with no call of its own counted).
 */
function withItsCalls(arm: CanaryArmTally): CanaryArmTally {
  return {
    ...arm,
    failures: Math.min(arm.failures, arm.trials),
    patternFailures: Math.min(arm.patternFailures, arm.trials),
  };
}

/**
 * The verdict on one canary deployment (DESIGN.md section 6): core's sequential test on the failures
 * of the fix's own pattern and on all failures of its function, at the configured share. Harm on
 * either rolls the fix back (the function's metric also has the failure-limit backstop). Benefit
 * promotes it only when both show it: a fix that clears its pattern by breaking calls some other
 * way is no benefit, and one test's false-promotion rate bounds the pair's. The horizon passing
 * without harm promotes it too.
 */
export function judgeCanary(canary: CanaryTallies, limits: CanaryLimits): CanaryJudgement {
  const common = {
    treatmentShare: canary.canaryShare,
    alpha: limits.canaryAlpha,
    promoteAlpha: limits.canaryAlpha,
    maxTreatmentTrials: limits.canaryMaxTrials,
  };
  const treatment = withItsCalls(canary.treatment);
  const control = withItsCalls(canary.control);
  const pattern = canaryDecision({
    ...common,
    treatment: { trials: treatment.trials, failures: treatment.patternFailures },
    control: { trials: control.trials, failures: control.patternFailures },
  });
  const fn = canaryDecision({
    ...common,
    treatment: { trials: treatment.trials, failures: treatment.failures },
    control: { trials: control.trials, failures: control.failures },
    maxExcessFailures: limits.canaryMaxFailures,
  });
  // Harm on either metric outweighs anything else; the function's is named first (the wider damage).
  const harmed = [
    ['function', fn],
    ['pattern', pattern],
  ] as const;
  const hit = harmed.find(([, d]) => d.decision === 'rollback');
  if (hit !== undefined)
    return { decision: 'rollback', reason: `${hit[0]}: ${hit[1].reason}`, pattern, function: fn };
  // Before the horizon a metric promotes only for benefit; both metrics count the same calls, so
  // they reach the horizon together, and there each promotes for benefit or for the horizon.
  if (pattern.decision === 'promote' && fn.decision === 'promote') {
    const why = pattern.reason === 'benefit' && fn.reason === 'benefit' ? 'benefit' : 'horizon';
    return { decision: 'promote', reason: `pattern and function: ${why}`, pattern, function: fn };
  }
  return { decision: 'continue', reason: 'undecided', pattern, function: fn };
}
