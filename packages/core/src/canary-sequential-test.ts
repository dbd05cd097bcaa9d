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
  /** Backstop: roll back once the treatment has this many failures, whatever the test says. */
  maxTreatmentFailures?: number;
  /** Horizon: promote once the treatment has this many trials and harm was never shown. */
  maxTreatmentTrials?: number;
}

export type CanaryVerdict = 'continue' | 'promote' | 'rollback';
export type CanaryReason = 'harm' | 'benefit' | 'failure_limit' | 'horizon' | 'undecided';

export interface CanaryDecision {
  decision: CanaryVerdict;
  reason: CanaryReason;
  /** Mixture likelihood ratio for "the treatment fails more"; rollback when >= rollbackThreshold. */
  harmEvidence: number;
  /** Mixture likelihood ratio for "the treatment fails less"; promote when >= promoteThreshold. */
  benefitEvidence: number;
  rollbackThreshold: number;
  promoteThreshold: number;
  /** The share θ0 the test compared against. */
  treatmentShare: number;
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
 * Decides a canary rollout from failure counts, safe to call after every event.
 *
 * The test conditions on failures: when calls go to the treatment with probability ρ (the canary
 * share) and the arms fail at rates p_T and p_C, each failure is in the treatment with probability
 * θ = ρ·p_T / (ρ·p_T + (1 − ρ)·p_C), so θ = ρ exactly when the fix changes nothing, whatever the base
 * rate does over time. Two one-sided mixture sequential probability ratio tests (Robbins' mixture
 * SPRT on this Bernoulli stream, the form of the always-valid tests of Johari et al.) watch θ:
 * harm (θ > ρ) and benefit (θ < ρ). Under "no worse" (p_T <= p_C) the harm ratio is a non-negative
 * supermartingale starting at 1, so by Ville's inequality it ever reaches 1/alpha with probability at
 * most alpha, however often it is checked; the same holds for benefit and promoteAlpha.
 *
 * Order of verdicts: failure-limit backstop, harm (rollback), benefit (promote), horizon (promote: the
 * harm test had its chance), otherwise continue. To watch several metrics (the target pattern's
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
  optionalPositiveInteger('maxTreatmentFailures', input.maxTreatmentFailures);
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
    harmEvidence = Math.exp(logMixtureRatio(x, y, a, b, share, true));
    benefitEvidence = Math.exp(logMixtureRatio(x, y, a, b, share, false));
  }
  const rollbackThreshold = 1 / alpha;
  const promoteThreshold = 1 / promoteAlpha;

  let decision: CanaryVerdict = 'continue';
  let reason: CanaryReason = 'undecided';
  if (input.maxTreatmentFailures !== undefined && x >= input.maxTreatmentFailures) {
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
    treatmentFailureShare: x + y > 0 ? x / (x + y) : 0,
    treatmentFailureRate: treatment.trials > 0 ? x / treatment.trials : 0,
    controlFailureRate: control.trials > 0 ? y / control.trials : 0,
  };
}
