import { describe, expect, it } from 'vitest';
import { type CanaryArmTally, type CanaryTallies, judgeCanary } from './canary-judgement.js';

const settings = { canaryAlpha: 0.05, canaryMaxFailures: 50, canaryMaxTrials: 2_000 };

const canary = (treatment: CanaryArmTally, control: CanaryArmTally, canaryShare = 0.5): CanaryTallies => ({
  canaryShare,
  treatment,
  control,
});

describe('judgeCanary', () => {
  it('waits while the evidence is thin', () => {
    const verdict = judgeCanary(
      canary(
        { trials: 10, failures: 1, patternFailures: 1 },
        { trials: 10, failures: 2, patternFailures: 2 },
      ),
      settings,
    );
    expect(verdict).toMatchObject({ decision: 'continue', reason: 'undecided' });
  });

  it("promotes a fix that stops its pattern's failures", () => {
    const verdict = judgeCanary(
      canary(
        { trials: 60, failures: 0, patternFailures: 0 },
        { trials: 60, failures: 20, patternFailures: 20 },
      ),
      settings,
    );
    expect(verdict).toMatchObject({ decision: 'promote', reason: 'pattern and function: benefit' });
    expect(verdict.pattern.benefitEvidence).toBeGreaterThanOrEqual(20);
  });

  it("does not promote a fix that clears its pattern while the function's failures only move elsewhere", () => {
    const verdict = judgeCanary(
      canary(
        { trials: 60, failures: 20, patternFailures: 0 },
        { trials: 60, failures: 20, patternFailures: 20 },
      ),
      settings,
    );
    expect(verdict.pattern).toMatchObject({ decision: 'promote', reason: 'benefit' });
    expect(verdict).toMatchObject({ decision: 'continue', reason: 'undecided' });
  });

  it('rolls back a fix that fixes its pattern but breaks the function, harm outweighing benefit', () => {
    const verdict = judgeCanary(
      canary(
        { trials: 100, failures: 45, patternFailures: 0 },
        { trials: 100, failures: 20, patternFailures: 20 },
      ),
      settings,
    );
    expect(verdict.pattern.decision).toBe('promote');
    expect(verdict).toMatchObject({ decision: 'rollback', reason: 'function: harm' });
  });

  it('rolls back at the failure limit on failures beyond what control predicts, even without evidence of harm', () => {
    // 12 - 200 * 5 / 201 ≈ 7.0 excess failures: past a limit of 5, far from evidence of harm.
    const verdict = judgeCanary(
      canary(
        { trials: 200, failures: 12, patternFailures: 12 },
        { trials: 200, failures: 5, patternFailures: 5 },
      ),
      { ...settings, canaryMaxFailures: 5 },
    );
    expect(verdict).toMatchObject({ decision: 'rollback', reason: 'function: failure_limit' });
    expect(verdict.function.excessFailures).toBeCloseTo(12 - (200 * 5) / 201, 12);
    expect(verdict.pattern.decision).toBe('continue');
  });

  it('does not count the failures control has too against the limit, however often the function fails', () => {
    // A fix that changes nothing on a function failing 30 % of the time: 120 treatment failures,
    // far past a limit of 100, but control's rate predicts every one of them.
    const verdict = judgeCanary(
      canary(
        { trials: 400, failures: 120, patternFailures: 120 },
        { trials: 399, failures: 120, patternFailures: 120 },
      ),
      { ...settings, canaryMaxFailures: 100 },
    );
    expect(verdict).toMatchObject({ decision: 'continue', reason: 'undecided' });
    expect(verdict.function.excessFailures).toBe(0);
  });

  it('counts a wrong verdict once its call is: never more failures than calls, and no call invented', () => {
    // Control: 3 calls counted, 5 failures (2 wrong verdicts came before their calls' successes).
    const early = judgeCanary(
      canary({ trials: 4, failures: 1, patternFailures: 1 }, { trials: 3, failures: 5, patternFailures: 4 }),
      settings,
    );
    expect(early.decision).toBe('continue');
    expect(early).toEqual(
      judgeCanary(
        canary(
          { trials: 4, failures: 1, patternFailures: 1 },
          { trials: 3, failures: 3, patternFailures: 3 },
        ),
        settings,
      ),
    );
    // Ten wrong verdicts on control calls whose successes, like every treatment call's, are still on
    // the way: no call of either arm is counted, so nothing is decided (taking each failure for a
    // call promoted the fix for benefit).
    const verdictsOnly = judgeCanary(
      canary(
        { trials: 0, failures: 0, patternFailures: 0 },
        { trials: 0, failures: 10, patternFailures: 10 },
      ),
      settings,
    );
    expect(verdictsOnly).toMatchObject({ decision: 'continue', reason: 'undecided' });
  });

  it('promotes at the horizon when harm never showed', () => {
    const verdict = judgeCanary(
      canary(
        { trials: 100, failures: 5, patternFailures: 5 },
        { trials: 100, failures: 5, patternFailures: 5 },
      ),
      { ...settings, canaryMaxTrials: 100 },
    );
    expect(verdict).toMatchObject({ decision: 'promote', reason: 'pattern and function: horizon' });
  });

  it('tests against the configured share, not the observed one', () => {
    // 10% of calls get the fix; it has 10% of the failures: no difference at all.
    const same = judgeCanary(
      canary(
        { trials: 100, failures: 10, patternFailures: 10 },
        { trials: 900, failures: 90, patternFailures: 90 },
        0.1,
      ),
      settings,
    );
    expect(same.decision).toBe('continue');
    expect(same.function.treatmentShare).toBe(0.1);
  });
});
