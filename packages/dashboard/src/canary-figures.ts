// A canary's treatment and control arms as rates, and the difference the fix makes.

import type { CanaryCounters, Deployment } from './api-types.js';

export interface ArmFigures {
  calls: number;
  /** Failed calls per call; null before any call. */
  failureRate: number | null;
  /** Failures of the deployment's own pattern per call; null before any call. */
  patternFailureRate: number | null;
}

export function armFigures(counters: CanaryCounters): ArmFigures {
  const { trials } = counters;
  return {
    calls: trials,
    failureRate: trials === 0 ? null : counters.failures / trials,
    patternFailureRate: trials === 0 ? null : counters.patternFailures / trials,
  };
}

export interface CanaryFigures {
  treatment: ArmFigures;
  control: ArmFigures;
  /** Treatment minus control failure rate (negative: the fix helps); null until both arms have calls. */
  failureRateChange: number | null;
  patternFailureRateChange: number | null;
}

export function canaryFigures(deployment: Deployment): CanaryFigures {
  const treatment = armFigures(deployment.treatment);
  const control = armFigures(deployment.control);
  const change = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return {
    treatment,
    control,
    failureRateChange: change(treatment.failureRate, control.failureRate),
    patternFailureRateChange: change(treatment.patternFailureRate, control.patternFailureRate),
  };
}
