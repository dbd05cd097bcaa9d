import { describe, expect, it } from 'vitest';
import { type CanaryArmCounts, type CanaryVerdict, canaryDecision } from './canary-sequential-test.js';
import { SeededRandom } from './seeded-random.js';

interface CanaryRun {
  verdict: CanaryVerdict;
  calls: number;
}

/**
 * One simulated canary: each call goes to the treatment with probability `share` and fails at its
 * arm's rate; the decision is asked after every failure and every 10th call (successes move the
 * evidence too, but each only a little) until it stops or `maxCalls` calls have been made.
 */
function simulateCanary(
  rng: SeededRandom,
  share: number,
  controlRate: number,
  treatmentRate: number,
  maxCalls: number,
): CanaryRun {
  const treatment: CanaryArmCounts = { trials: 0, failures: 0 };
  const control: CanaryArmCounts = { trials: 0, failures: 0 };
  for (let call = 1; call <= maxCalls; call++) {
    const inTreatment = rng.next() < share;
    const arm = inTreatment ? treatment : control;
    arm.trials++;
    const failed = rng.next() < (inTreatment ? treatmentRate : controlRate);
    if (failed) arm.failures++;
    if (!failed && call % 10 !== 0) continue;
    const { decision } = canaryDecision({ treatment, control, treatmentShare: share });
    if (decision !== 'continue') return { verdict: decision, calls: call };
  }
  return { verdict: 'continue', calls: maxCalls };
}

function simulateMany(seed: string, runs: number, controlRate: number, treatmentRate: number) {
  const rng = new SeededRandom(seed);
  const results = Array.from({ length: runs }, () =>
    simulateCanary(rng, 0.2, controlRate, treatmentRate, 2000),
  );
  const share = (v: CanaryVerdict) => results.filter((r) => r.verdict === v).length / runs;
  const decided = results
    .filter((r) => r.verdict !== 'continue')
    .map((r) => r.calls)
    .sort((a, b) => a - b);
  return {
    rollback: share('rollback'),
    promote: share('promote'),
    medianCalls: decided[decided.length >> 1] ?? Infinity,
  };
}

describe('canaryDecision', () => {
  it('matches a mixture likelihood ratio computed by hand', () => {
    // share 1/2 and κ = 2: the prior is Beta(1, 1), i.e. density 2 on each half of [0, 1].
    // 3 treatment failures, 0 control, no successes (M_s = 1, so E = M_f):
    // harm = ∫_{1/2}^1 2θ³ dθ / (1/2)³ = 2 · (15/64) · 8 = 3.75,
    // benefit = ∫_0^{1/2} 2θ³ dθ / (1/2)³ = 2 · (1/64) · 8 = 0.25.
    const d = canaryDecision({
      treatment: { trials: 3, failures: 3 },
      control: { trials: 0, failures: 0 },
      treatmentShare: 0.5,
      priorStrength: 2,
    });
    expect(d.harmEvidence).toBeCloseTo(3.75, 12);
    expect(d.benefitEvidence).toBeCloseTo(0.25, 12);
    expect(d).toMatchObject({
      decision: 'continue',
      reason: 'undecided',
      rollbackThreshold: 20,
      promoteThreshold: 20,
    });
    expect(d.treatmentFailureShare).toBe(1);
    expect(d.treatmentFailureRate).toBe(1);
    expect(d.controlFailureRate).toBe(0);
  });

  it('weighs the split of the successes too, computed by hand', () => {
    // share 1/2, κ = 2. Failures: 2 in the treatment, 0 in control; successes: 0 and 1.
    // M_f(harm) = ∫_{1/2}^1 2θ² dθ / (1/2)² = 2 · (7/24) · 4 = 7/3;
    // M_s(harm) = ∫_0^{1/2} 2(1 − θ) dθ / (1/2) = 2 · (3/8) · 2 = 3/2 (a success in control);
    // harm = M_f · (1 + M_s) / 2 = 7/3 · 5/4 = 35/12.
    // M_f(benefit) = ∫_0^{1/2} 2θ² dθ · 4 = 1/3; M_s(benefit) = ∫_{1/2}^1 2(1 − θ) dθ · 2 = 1/2;
    // benefit = 1/3 · 3/4 = 1/4.
    const d = canaryDecision({
      treatment: { trials: 2, failures: 2 },
      control: { trials: 1, failures: 0 },
      treatmentShare: 0.5,
      priorStrength: 2,
    });
    expect(d.harmEvidence).toBeCloseTo(35 / 12, 12);
    expect(d.benefitEvidence).toBeCloseTo(1 / 4, 12);
  });

  it('tells a fix that breaks every call apart within a few dozen calls, though half the control calls fail too', () => {
    // 20 calls each, every treatment call failed, 10 of 20 control calls did: the failures' split
    // alone (20 vs 10 at share 1/2) is no evidence at alpha 0.05; the 10 control successes are.
    const d = canaryDecision({
      treatment: { trials: 20, failures: 20 },
      control: { trials: 20, failures: 10 },
      treatmentShare: 0.5,
    });
    expect(d).toMatchObject({ decision: 'rollback', reason: 'harm' });
    const failuresOnly = canaryDecision({
      treatment: { trials: 20, failures: 20 },
      control: { trials: 10, failures: 10 },
      treatmentShare: 0.5,
    });
    expect(failuresOnly.harmEvidence).toBeLessThan(failuresOnly.rollbackThreshold / 4);
  });

  it('has no evidence either way before the first call, nor from outcomes split exactly as the share', () => {
    const none = canaryDecision({
      treatment: { trials: 0, failures: 0 },
      control: { trials: 0, failures: 0 },
      treatmentShare: 0.2,
    });
    expect(none.harmEvidence).toBeCloseTo(1, 12);
    expect(none.benefitEvidence).toBeCloseTo(1, 12);
    expect(none.decision).toBe('continue');
    const even = canaryDecision({
      treatment: { trials: 50, failures: 5 },
      control: { trials: 200, failures: 20 },
      treatmentShare: 0.2,
    });
    expect(even.harmEvidence).toBeLessThan(1);
    expect(even.benefitEvidence).toBeLessThan(1);
  });

  it('rolls back on clear harm and promotes on clear benefit', () => {
    const harm = canaryDecision({
      treatment: { trials: 100, failures: 40 },
      control: { trials: 400, failures: 40 },
      treatmentShare: 0.2,
    });
    expect(harm).toMatchObject({ decision: 'rollback', reason: 'harm' });
    const benefit = canaryDecision({
      treatment: { trials: 100, failures: 0 },
      control: { trials: 400, failures: 80 },
      treatmentShare: 0.2,
    });
    expect(benefit).toMatchObject({ decision: 'promote', reason: 'benefit' });
  });

  it('applies the failure limit backstop before anything else, and the horizon last', () => {
    const limited = canaryDecision({
      treatment: { trials: 10, failures: 2 },
      control: { trials: 10, failures: 9 },
      treatmentShare: 0.5,
      maxTreatmentFailures: 2,
    });
    expect(limited).toMatchObject({ decision: 'rollback', reason: 'failure_limit' });
    const horizon = canaryDecision({
      treatment: { trials: 500, failures: 50 },
      control: { trials: 500, failures: 50 },
      treatmentShare: 0.5,
      maxTreatmentTrials: 500,
    });
    expect(horizon).toMatchObject({ decision: 'promote', reason: 'horizon' });
  });

  it('plugs in the observed share when none is given', () => {
    const d = canaryDecision({
      treatment: { trials: 100, failures: 10 },
      control: { trials: 300, failures: 30 },
    });
    expect(d.treatmentShare).toBe(0.25);
    expect(d.decision).toBe('continue');
    expect(
      canaryDecision({ treatment: { trials: 0, failures: 0 }, control: { trials: 0, failures: 0 } }).decision,
    ).toBe('continue');
  });

  it('rolls back a fix that is no worse (equal or better) less often than alpha, checked after every failure', () => {
    // 400 canaries each; Ville's inequality bounds the rate by 0.05 whatever the number of looks.
    expect(simulateMany('null', 400, 0.2, 0.2).rollback).toBeLessThanOrEqual(0.05);
    expect(simulateMany('better', 400, 0.2, 0.16).rollback).toBeLessThanOrEqual(0.05);
  });

  it('rolls back a harmful fix and promotes a helpful one within a few hundred calls', () => {
    const harmful = simulateMany('harmful', 100, 0.2, 0.4); // failure rate doubled
    expect(harmful.rollback).toBeGreaterThanOrEqual(0.95);
    expect(harmful.medianCalls).toBeLessThan(600);
    const helpful = simulateMany('helpful', 100, 0.2, 0.05); // failure rate divided by 4
    expect(helpful.promote).toBeGreaterThanOrEqual(0.95);
    expect(helpful.medianCalls).toBeLessThan(600);
  });

  it('names the field in its errors', () => {
    const ok = { trials: 10, failures: 1 };
    expect(() => canaryDecision({ treatment: { trials: 1, failures: 2 }, control: ok })).toThrow(
      /treatment.failures/,
    );
    expect(() => canaryDecision({ treatment: ok, control: { trials: -1, failures: 0 } })).toThrow(
      /control.trials/,
    );
    expect(() => canaryDecision({ treatment: { trials: 1.5, failures: 0 }, control: ok })).toThrow(
      /treatment.trials/,
    );
    expect(() => canaryDecision({ treatment: ok, control: null as unknown as CanaryArmCounts })).toThrow(
      /control/,
    );
    expect(() => canaryDecision({ treatment: ok, control: ok, alpha: 1 })).toThrow(/alpha/);
    expect(() => canaryDecision({ treatment: ok, control: ok, promoteAlpha: 0 })).toThrow(/promoteAlpha/);
    expect(() => canaryDecision({ treatment: ok, control: ok, treatmentShare: 1 })).toThrow(/treatmentShare/);
    expect(() => canaryDecision({ treatment: ok, control: ok, priorStrength: 0 })).toThrow(/priorStrength/);
    expect(() => canaryDecision({ treatment: ok, control: ok, maxTreatmentFailures: 0 })).toThrow(
      /maxTreatmentFailures/,
    );
    expect(() => canaryDecision({ treatment: ok, control: ok, maxTreatmentTrials: 2.5 })).toThrow(
      /maxTreatmentTrials/,
    );
  });
});
