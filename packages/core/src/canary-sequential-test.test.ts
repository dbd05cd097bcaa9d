import { describe, expect, it } from 'vitest';
import {
  type CanaryArmCounts,
  type CanaryDecisionInput,
  type CanaryReason,
  type CanaryVerdict,
  canaryDecision,
  excessFailures,
} from './canary-sequential-test.js';
import { SeededRandom } from './seeded-random.js';

interface SimulatedCanary {
  /** Probability that a call goes to the treatment. */
  share: number;
  controlRate: number;
  treatmentRate: number;
  maxCalls: number;
  /**
   * When the decision is asked: after every failure and every 10th call (successes move the
   * evidence too, but each only a little) by default; or every this many calls, as the deployment
   * monitor judges canaries in rounds.
   */
  judgeEvery?: number;
  limits?: Pick<CanaryDecisionInput, 'alpha' | 'maxExcessFailures' | 'maxTreatmentTrials'>;
}

interface CanaryRun {
  verdict: CanaryVerdict;
  reason: CanaryReason;
  calls: number;
  /** The decision's excess failures when it stopped (or at maxCalls). */
  excessFailures: number;
}

/**
 * One simulated canary: each call goes to the treatment with probability `share` and fails at its
 * arm's rate, until the decision stops it or `maxCalls` calls have been made.
 */
function simulateCanary(rng: SeededRandom, canary: SimulatedCanary): CanaryRun {
  const treatment: CanaryArmCounts = { trials: 0, failures: 0 };
  const control: CanaryArmCounts = { trials: 0, failures: 0 };
  for (let call = 1; call <= canary.maxCalls; call++) {
    const inTreatment = rng.next() < canary.share;
    const arm = inTreatment ? treatment : control;
    arm.trials++;
    const failed = rng.next() < (inTreatment ? canary.treatmentRate : canary.controlRate);
    if (failed) arm.failures++;
    const judged =
      canary.judgeEvery === undefined ? failed || call % 10 === 0 : call % canary.judgeEvery === 0;
    if (!judged) continue;
    const d = canaryDecision({ treatment, control, treatmentShare: canary.share, ...canary.limits });
    if (d.decision !== 'continue')
      return { verdict: d.decision, reason: d.reason, calls: call, excessFailures: d.excessFailures };
  }
  return {
    verdict: 'continue',
    reason: 'undecided',
    calls: canary.maxCalls,
    excessFailures: excessFailures(treatment, control),
  };
}

function simulateMany(seed: string, runs: number, controlRate: number, treatmentRate: number) {
  const rng = new SeededRandom(seed);
  const results = Array.from({ length: runs }, () =>
    simulateCanary(rng, { share: 0.2, controlRate, treatmentRate, maxCalls: 2000 }),
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

/** The server's defaults: the backstop at 100 excess failures, the horizon at 2,000 treatment calls. */
const BACKSTOP = { maxExcessFailures: 100, maxTreatmentTrials: 2_000 };

/** Canaries judged in rounds of 20 calls with the server's default limits, run to a verdict. */
function simulateWithBackstop(
  seed: string,
  runs: number,
  canary: Omit<SimulatedCanary, 'maxCalls'>,
): CanaryRun[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: runs }, () =>
    simulateCanary(rng, {
      judgeEvery: 20,
      maxCalls: Number.POSITIVE_INFINITY,
      ...canary,
      limits: { ...BACKSTOP, ...canary.limits },
    }),
  );
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

  it('counts the failures beyond what the control rate predicts, computed by hand', () => {
    // 8 of 10 treatment calls failed; control's rate 3 / (9 + 1) predicts 3 of them.
    expect(excessFailures({ trials: 10, failures: 8 }, { trials: 9, failures: 3 })).toBe(5);
    // Before control has a call, every treatment failure counts.
    expect(excessFailures({ trials: 4, failures: 3 }, { trials: 0, failures: 0 })).toBe(3);
    // Fewer failures than predicted: 20 - 100 * 120 / 400.
    expect(excessFailures({ trials: 100, failures: 20 }, { trials: 399, failures: 120 })).toBe(-10);
    const d = canaryDecision({
      treatment: { trials: 10, failures: 8 },
      control: { trials: 9, failures: 3 },
      treatmentShare: 0.5,
    });
    expect(d.excessFailures).toBe(5);
  });

  it('applies the failure limit backstop to excess failures before anything else, and the horizon last', () => {
    const arms = { treatment: { trials: 10, failures: 8 }, control: { trials: 9, failures: 3 } };
    expect(canaryDecision({ ...arms, treatmentShare: 0.5, maxExcessFailures: 5 })).toMatchObject({
      decision: 'rollback',
      reason: 'failure_limit',
    });
    expect(canaryDecision({ ...arms, treatmentShare: 0.5, maxExcessFailures: 6 }).decision).toBe('continue');
    // 15 - 20 * 4 / 20 = 11 excess failures; the test shows harm too, the backstop is named first.
    const harmful = { treatment: { trials: 20, failures: 15 }, control: { trials: 19, failures: 4 } };
    expect(canaryDecision({ ...harmful, treatmentShare: 0.5, maxExcessFailures: 11 })).toMatchObject({
      decision: 'rollback',
      reason: 'failure_limit',
    });
    expect(canaryDecision({ ...harmful, treatmentShare: 0.5, maxExcessFailures: 12 })).toMatchObject({
      decision: 'rollback',
      reason: 'harm',
    });
    // A fix that changes nothing on a function failing 30 % of the time: 120 treatment failures,
    // all of them predicted by control, so none counts against the limit.
    const busy = canaryDecision({
      treatment: { trials: 400, failures: 120 },
      control: { trials: 399, failures: 120 },
      treatmentShare: 0.5,
      maxExcessFailures: 100,
    });
    expect(busy).toMatchObject({ decision: 'continue', excessFailures: 0 });
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

  describe('the failure limit backstop, at the server defaults (100 excess failures, horizon 2,000), judged every 20 calls', () => {
    const rate = (runs: CanaryRun[], reason: CanaryReason) =>
      runs.filter((r) => r.reason === reason).length / runs.length;

    it('rolls back a fix that is no worse by its backstop at most rarely, however often the function fails', () => {
      // The cases: a limit on all treatment failures (50) rolled the no-op back in 93 % of
      // canaries, the better fix in 54 % (share 0.5) and 28 % (share 0.1).
      const cases = [
        { name: 'no-op at 30 %, share 0.5', share: 0.5, controlRate: 0.3, treatmentRate: 0.3 },
        { name: 'no-op at 50 %, share 0.5', share: 0.5, controlRate: 0.5, treatmentRate: 0.5 },
        { name: '30 % -> 20 %, share 0.5', share: 0.5, controlRate: 0.3, treatmentRate: 0.2 },
        { name: '30 % -> 20 %, share 0.1', share: 0.1, controlRate: 0.3, treatmentRate: 0.2 },
      ];
      for (const { name, ...canary } of cases) {
        const runs = simulateWithBackstop(name, 200, canary);
        const limited = rate(runs, 'failure_limit');
        console.log(
          `[canary backstop] ${name}: rolled back by the backstop in ${(100 * limited).toFixed(1)} % of ${runs.length}`,
        );
        expect(limited, name).toBeLessThanOrEqual(0.01);
      }
    });

    it('stops a fix that fails every call within its bound, by the test or, with the test out of play, by the backstop', () => {
      for (const share of [0.1, 0.5]) {
        for (const controlRate of [0.05, 0.3]) {
          const canary = { share, controlRate, treatmentRate: 1 };
          const tested = simulateWithBackstop(`broken ${share} ${controlRate}`, 100, canary);
          expect(tested.every((r) => r.verdict === 'rollback')).toBe(true);
          expect(Math.max(...tested.map((r) => r.excessFailures))).toBeLessThan(BACKSTOP.maxExcessFailures);
          // An alpha no evidence can reach leaves the backstop alone: it stops the fix once its
          // excess failures reach the limit, at most one round of 20 calls past it.
          const backstopOnly = simulateWithBackstop(`backstop ${share} ${controlRate}`, 100, {
            ...canary,
            limits: { alpha: 1e-300 },
          });
          for (const run of backstopOnly) {
            expect(run.reason).toBe('failure_limit');
            expect(run.excessFailures).toBeGreaterThanOrEqual(BACKSTOP.maxExcessFailures);
            expect(run.excessFailures).toBeLessThan(BACKSTOP.maxExcessFailures + 20);
          }
        }
      }
    });
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
    expect(() => canaryDecision({ treatment: ok, control: ok, maxExcessFailures: 0 })).toThrow(
      /maxExcessFailures/,
    );
    expect(() => canaryDecision({ treatment: ok, control: ok, maxTreatmentTrials: 2.5 })).toThrow(
      /maxTreatmentTrials/,
    );
  });
});
