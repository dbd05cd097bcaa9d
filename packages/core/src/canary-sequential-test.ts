import { regularizedIncompleteBeta } from './incomplete-beta.js';
import { logBeta } from './log-gamma.js';

/** What one arm of a canary has seen so far. */
export interface CanaryArmCounts {
  trials: number;
  failures: number;
}

export interface CanaryDecisionInput {
  /** Calls that ran with the new fix. */
  treatment: CanaryArmCounts;
  /** Calls that ran without it (the incumbent). */
  control: CanaryArmCounts;
  /**
   * Probability that a call is routed to the treatment: the configured canary share. When omitted
   * the observed share treatment.trials / (all trials) is plugged in, which makes the error bounds
   * approximate rather than exact; pass the configured share whenever it is known.
   */
  treatmentShare?: number;
  /** Largest probability of ever rolling back a fix whose failure rate is no worse (default 0.05). */
  alpha?: number;
  /** Largest probability of ever promoting a fix whose failure rate is no better (default 0.05). */
  promoteAlpha?: number;
  /**
   * Concentration κ of the mixing prior Beta(κ·share, κ·(1 − share)) over θ (default 10). Smaller
   * values spread the prior toward large effects (faster on big ones, slower on small ones).
   */
  priorStrength?: number;
  /**
   * Backstop: roll back once the treatment has this many failures more than the control arm's failure
   * rate predicts for its calls (see excessFailures), whatever the test says.
   */
  maxExcessFailures?: number;
  /** Horizon: promote once the treatment has this many trials and harm was never shown. */
  maxTreatmentTrials?: number;
}

export type CanaryVerdict = 'continue' | 'promote' | 'rollback';
export type CanaryReason = 'harm' | 'benefit' | 'failure_limit' | 'horizon' | 'undecided';

export interface CanaryDecision {
  decision: CanaryVerdict;
  reason: CanaryReason;
  /** E-value for "the treatment fails more" (see canaryDecision); rollback when >= rollbackThreshold. */
  harmEvidence: number;
  /** E-value for "the treatment fails less"; promote when >= promoteThreshold. */
  benefitEvidence: number;
  rollbackThreshold: number;
  promoteThreshold: number;
  /** The share θ0 the test compared against. */
  treatmentShare: number;
  /**
   * Failures the treatment had beyond what control's failure rate predicts for as many calls: the
   * harm the canary did so far, as the backstop counts it (negative when the treatment did better).
   */
  excessFailures: number;
  /** Fraction of failures that happened in the treatment (0 when there was no failure). */
  treatmentFailureShare: number;
  treatmentFailureRate: number;
  controlFailureRate: number;
}

function validateArm(name: string, arm: CanaryArmCounts): void {
  if (typeof arm !== 'object' || arm === null) throw new TypeError(`${name} must be { trials, failures }`);
  if (!(Number.isInteger(arm.trials) && arm.trials >= 0)) {
    throw new RangeError(`${name}.trials must be an integer >= 0, got ${String(arm.trials)}`);
  }
  if (!(Number.isInteger(arm.failures) && arm.failures >= 0 && arm.failures <= arm.trials)) {
    throw new RangeError(
      `${name}.failures must be an integer in [0, ${name}.trials], got ${String(arm.failures)}`,
    );
  }
}

function openUnit(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0 && value < 1)) {
    throw new RangeError(`${name} must be a number in (0, 1), got ${String(value)}`);
  }
}

function optionalPositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new RangeError(`${name} must be an integer > 0, got ${String(value)}`);
  }
}

/**
 * ln of the mixture likelihood ratio ∫ θ^x (1−θ)^y dπ(θ) / (θ0^x (1−θ0)^y), with π the prior
 * Beta(a, b) restricted to one side of θ0: conjugacy turns both integrals into Beta functions
 * times a Beta tail probability.
 */
function logMixtureRatio(x: number, y: number, a: number, b: number, theta0: number, upper: boolean): number {
  const tail = (aa: number, bb: number) =>
    upper ? regularizedIncompleteBeta(1 - theta0, bb, aa) : regularizedIncompleteBeta(theta0, aa, bb);
  return (
    logBeta(a + x, b + y) -
    logBeta(a, b) +
    Math.log(tail(a + x, b + y)) -
    Math.log(tail(a, b)) -
    x * Math.log(theta0) -
    y * Math.log1p(-theta0)
  );
}

/**
 * Treatment failures minus treatment calls times control's failure rate, that rate counted as if
 * control had one more call, a success: without control calls yet every treatment failure counts,
 * and the rate is never above what control showed, so the estimate errs toward rolling back.
 */
export function excessFailures(treatment: CanaryArmCounts, control: CanaryArmCounts): number {
  return treatment.failures - (treatment.trials * control.failures) / (control.trials + 1);
}

/** ln((1 + e^l) / 2), without overflow for large l. */
function logMeanWithOne(l: number): number {
  return (l > 0 ? l + Math.log1p(Math.exp(-l)) : Math.log1p(Math.exp(l))) - Math.LN2;
}

/**
 * Decides a canary rollout from call counts (each call once, in the arm it was assigned), safe to
 * call after every call.
 *
 * The test conditions on outcomes: when calls go to the treatment with probability ρ (the canary
 * share) and the arms fail at rates p_T and p_C, each failed call is in the treatment with
 * probability θ = ρ·p_T / (ρ·p_T + (1 − ρ)·p_C), and each successful one with probability
 * φ = ρ·(1 − p_T) / (ρ·(1 − p_T) + (1 − ρ)·(1 − p_C)); θ = φ = ρ exactly when the fix changes
 * nothing, whatever the base rate does over time. Robbins' mixture likelihood ratio (the form of the
 * always-valid tests of Johari et al.) on the failures' split, M_f, watches θ > ρ; on the successes'
 * split, M_s, φ < ρ. Under "no worse" (p_T <= p_C at every call) each call multiplies M_f (if it
 * failed) or M_s (if it succeeded) by a factor of expectation at most 1, so M_f and M_f·M_s are
 * non-negative supermartingales starting at 1, and so is the harm evidence E = (M_f + M_f·M_s) / 2:
 * by Ville's inequality it ever reaches 1/alpha with probability at most alpha, however often it is
 * checked. Benefit is the mirror image, with promoteAlpha. Why both splits: when failures are rare
 * their split carries nearly all the information and E costs at most a factor 2 over M_f alone; when
 * they are common (a fix that breaks every call of a function that fails half the time) the
 * successes' split is what tells the arms apart within a few dozen calls.
 *
 * Order of verdicts: failure-limit backstop, harm (rollback), benefit (promote), horizon (promote: the
 * harm test had its chance), otherwise continue. The backstop bounds the harm a canary may do, not its
 * traffic: it counts the treatment's failures beyond what control's rate predicts (excessFailures),
 * so a fix that is no worse stays clear of it however high the base failure rate; only the noise of
 * that estimate can reach it, which grows as the square root of the treatment's calls. To watch several metrics (the target pattern's
 * failures and the function's overall failures), call it once per metric and roll back if any says so.
 */
export function canaryDecision(input: CanaryDecisionInput): CanaryDecision {
  if (typeof input !== 'object' || input === null) throw new TypeError('canary input must be an object');
  const { treatment, control } = input;
  validateArm('treatment', treatment);
  validateArm('control', control);
  const alpha = input.alpha ?? 0.05;
  const promoteAlpha = input.promoteAlpha ?? 0.05;
  const priorStrength = input.priorStrength ?? 10;
  openUnit('alpha', alpha);
  openUnit('promoteAlpha', promoteAlpha);
  if (!(Number.isFinite(priorStrength) && priorStrength > 0)) {
    throw new RangeError(`priorStrength must be a finite number > 0, got ${String(priorStrength)}`);
  }
  optionalPositiveInteger('maxExcessFailures', input.maxExcessFailures);
  optionalPositiveInteger('maxTreatmentTrials', input.maxTreatmentTrials);

  const allTrials = treatment.trials + control.trials;
  const share = input.treatmentShare ?? (allTrials > 0 ? treatment.trials / allTrials : 0.5);
  if (input.treatmentShare !== undefined) openUnit('treatmentShare', share);

  const x = treatment.failures;
  const y = control.failures;
  let harmEvidence = 1;
  let benefitEvidence = 1;
  // With no observed share yet (or an arm with no calls) nothing can be compared.
  if (share > 0 && share < 1) {
    const a = priorStrength * share;
    const b = priorStrength * (1 - share);
    const failed = (upper: boolean) => logMixtureRatio(x, y, a, b, share, upper);
    const succeeded = (upper: boolean) =>
      logMixtureRatio(treatment.trials - x, control.trials - y, a, b, share, upper);
    harmEvidence = Math.exp(failed(true) + logMeanWithOne(succeeded(false)));
    benefitEvidence = Math.exp(failed(false) + logMeanWithOne(succeeded(true)));
  }
  const rollbackThreshold = 1 / alpha;
  const promoteThreshold = 1 / promoteAlpha;

  const excess = excessFailures(treatment, control);
  let decision: CanaryVerdict = 'continue';
  let reason: CanaryReason = 'undecided';
  if (input.maxExcessFailures !== undefined && excess >= input.maxExcessFailures) {
    decision = 'rollback';
    reason = 'failure_limit';
  } else if (harmEvidence >= rollbackThreshold) {
    decision = 'rollback';
    reason = 'harm';
  } else if (benefitEvidence >= promoteThreshold) {
    decision = 'promote';
    reason = 'benefit';
  } else if (input.maxTreatmentTrials !== undefined && treatment.trials >= input.maxTreatmentTrials) {
    decision = 'promote';
    reason = 'horizon';
  }
  return {
    decision,
    reason,
    harmEvidence,
    benefitEvidence,
    rollbackThreshold,
    promoteThreshold,
    treatmentShare: share,
    excessFailures: excess,
    treatmentFailureShare: x + y > 0 ? x / (x + y) : 0,
    treatmentFailureRate: treatment.trials > 0 ? x / treatment.trials : 0,
    controlFailureRate: control.trials > 0 ? y / control.trials : 0,
  };
}
