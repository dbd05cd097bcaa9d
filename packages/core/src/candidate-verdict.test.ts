import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { probabilityBetaNonInferior } from './beta-comparison.js';
import {
  bestAccepted,
  type CandidateVerdict,
  candidatesBreakingWorkingCalls,
  judgeCandidates,
} from './candidate-verdict.js';
import { type LearnerConfig, resolveLearnerConfig } from './learner-config.js';
import { learnerWith, REPAIR, withCandidate } from './learner-state.fixture.js';
import type { LearnerState, PatternLearnerState } from './learner-state.js';

const config = resolveLearnerConfig();
const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

function pattern(
  failing: [number, number],
  incumbent: [number, number],
  guard: [number, number] = [0, 0],
  guarded = false,
  incumbentGuard: [number, number] = [0, 0],
): PatternLearnerState {
  let state: LearnerState = learnerWith([{ id: 'p', fixes: [REPAIR] }]);
  state = withCandidate(state, 'p', 0, {
    failing: { successes: incumbent[0], trials: incumbent[1] },
    guard: { successes: incumbentGuard[0], trials: incumbentGuard[1] },
  });
  state = withCandidate(state, 'p', 1, {
    failing: { successes: failing[0], trials: failing[1] },
    guard: { successes: guard[0], trials: guard[1] },
  });
  return { ...state.patterns[0]!, guarded };
}

describe('judgeCandidates', () => {
  it('compares with the incumbent on failing inputs, by hand', () => {
    // Beta(9, 1) vs Beta(1, 9): P(incumbent ahead) = ∫ 9x^8 (1 − x)^9 dx = 9 · B(9, 10) = 9 · 8! 9! / 18!.
    const [verdict] = judgeCandidates(pattern([8, 8], [0, 8]), config);
    expect(verdict!.comparison.improvement).toBeCloseTo(9 / 10 - 1 / 10, 14);
    expect(verdict!.comparison.probabilityBetter).toBeCloseTo(
      1 - (9 * factorial(8) * factorial(9)) / factorial(18),
      12,
    );
    expect(verdict).toMatchObject({ guardPasses: true, accepted: true });
  });

  it('waits for the minimum number of trials on both sides', () => {
    expect(judgeCandidates(pattern([7, 7], [0, 8]), config)[0]!.accepted).toBe(false);
    expect(judgeCandidates(pattern([8, 8], [0, 7]), config)[0]!.accepted).toBe(false);
  });

  it('guards working inputs by non-inferiority to the incumbent, by hand', () => {
    const d = 0.05;
    const L = 1 - d;
    const judged = (
      guard: [number, number],
      incumbentGuard: [number, number],
      guarded = true,
      overrides: LearnerConfig = {},
    ) =>
      judgeCandidates(
        pattern([8, 8], [0, 8], guard, guarded, incumbentGuard),
        resolveLearnerConfig(overrides),
      )[0]!;
    // No working inputs and no guard rollouts: nothing to check. Two uniform posteriors:
    // P(U1 > U2 − δ) = 1 − (1 − δ)² / 2.
    expect(judged([0, 0], [0, 0], false)).toMatchObject({
      guardPasses: true,
      guardFails: false,
      accepted: true,
    });
    expect(judged([0, 0], [0, 0], false).guardConfidence).toBeCloseTo(1 - L ** 2 / 2, 14);
    // n of n against an incumbent without guard rollouts (uniform): 1 − (1 − δ)^(n+2) / (n + 2),
    // 0.94829 for 9 of 9 and 0.95497 for 10 of 10; a fix breaking one call in ten would get there,
    // which is why the incumbent needs minGuardTrials too.
    const clean = (n: number) => 1 - L ** (n + 2) / (n + 2);
    const lax = { minGuardTrials: 0 };
    expect(judged([9, 9], [0, 0], true, lax).guardConfidence).toBeCloseTo(clean(9), 14);
    expect(judged([9, 9], [0, 0], true, lax).guardPasses).toBe(false);
    expect(judged([10, 10], [0, 0], true, lax).guardPasses).toBe(true);
    expect(judged([10, 10], [0, 0]).guardPasses).toBe(false); // default: the incumbent has no 2 trials
    expect(judged([10, 10], [1, 1]).guardPasses).toBe(false);
    // n of n against 2 of 2: Beta(n + 1, 1) (density (n + 1)xⁿ) vs Beta(3, 1) (CDF y³):
    // ∫_0^L (n + 1)xⁿ(x + δ)³ dx + 1 − L^(n+1)
    //   = (n + 1)(L^(n+4)/(n + 4) + 3δL^(n+3)/(n + 3) + 3δ²L^(n+2)/(n + 2) + δ³L^(n+1)/(n + 1)) + 1 − L^(n+1).
    const againstTwo = (n: number) =>
      (n + 1) *
        (L ** (n + 4) / (n + 4) +
          (3 * d * L ** (n + 3)) / (n + 3) +
          (3 * d * d * L ** (n + 2)) / (n + 2) +
          (d ** 3 * L ** (n + 1)) / (n + 1)) +
      1 -
      L ** (n + 1);
    // 2 of 2, which the Wilson "not shown harmful" test cleared (its upper end is 1): 0.5845.
    expect(judged([2, 2], [2, 2]).guardConfidence).toBeCloseTo(againstTwo(2), 14);
    expect(judged([2, 2], [2, 2])).toMatchObject({ guardPasses: false, guardFails: false, accepted: false });
    // 17 of 17: 0.9458, not yet; 18 of 18: 0.9509, cleared.
    expect(judged([17, 17], [2, 2]).guardConfidence).toBeCloseTo(againstTwo(17), 14);
    expect(judged([17, 17], [2, 2]).guardPasses).toBe(false);
    expect(judged([18, 18], [2, 2]).guardConfidence).toBeCloseTo(againstTwo(18), 14);
    expect(judged([18, 18], [2, 2])).toMatchObject({ guardPasses: true, accepted: true });
    // Shown to break working calls: 0 of n against 1 of 1 is, with s = 1 − x,
    // ∫_δ^1 (n + 1) s^n (1 + δ − s)² ds + δ^(n+1): 0.0525 for n = 5, 0.0428 for n = 6 (<= 0.05).
    const zeroOf = (n: number) =>
      (1 + d) ** 2 * (1 - d ** (n + 1)) -
      (2 * (n + 1) * (1 + d) * (1 - d ** (n + 2))) / (n + 2) +
      ((n + 1) * (1 - d ** (n + 3))) / (n + 3) +
      d ** (n + 1);
    const one = { minGuardTrials: 1 };
    expect(judged([0, 5], [1, 1], true, one).guardConfidence).toBeCloseTo(zeroOf(5), 14);
    expect(judged([0, 5], [1, 1], true, one).guardFails).toBe(false);
    expect(judged([0, 6], [1, 1], true, one).guardConfidence).toBeCloseTo(zeroOf(6), 14);
    expect(judged([0, 6], [1, 1], true, one)).toMatchObject({ guardPasses: false, guardFails: true });
    // Guard rollouts once started must clear it, working inputs or not; the margin is maxRegression.
    expect(judged([0, 1], [0, 0], false)).toMatchObject({ guardPasses: false, accepted: false });
    expect(judged([2, 2], [2, 2], true, { maxRegression: 0.5 }).guardPasses).toBe(true);
  });

  it('finds the candidates breaking working calls exactly as the confidence says, whatever settles it', () => {
    const one = resolveLearnerConfig({ minGuardTrials: 1 });
    // Its lower bound decides most cases; the decision must be the exact confidence's every time.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 80 }),
        (s1, f1, s2, f2) => {
          const p = pattern([8, 8], [0, 8], [s1, s1 + f1], true, [s2, s2 + f2]);
          const enough = s1 + f1 >= 1 && s2 + f2 >= 1;
          const exact = probabilityBetaNonInferior(1 + s1, 1 + f1, 1 + s2, 1 + f2, 0.05);
          const fails = enough && exact <= 0.05;
          expect(candidatesBreakingWorkingCalls(p, one).size).toBe(fails ? 1 : 0);
          expect(judgeCandidates(p, one)[0]!.guardFails).toBe(fails);
        },
      ),
      { numRuns: 300, seed: 13 },
    );
    // Hand-picked: 0 of 6 against 1 of 1 fails (0.0428, above), 0 of 5 does not (0.0525).
    expect(candidatesBreakingWorkingCalls(pattern([8, 8], [0, 8], [0, 6], true, [1, 1]), one).size).toBe(1);
    expect(candidatesBreakingWorkingCalls(pattern([8, 8], [0, 8], [0, 5], true, [1, 1]), one).size).toBe(0);
  });
});

describe('bestAccepted', () => {
  const verdict = (candidateId: string, improvement: number, probabilityBetter: number, accepted = true) =>
    ({
      candidateId,
      comparison: { beats: accepted, improvement, probabilityBetter, trials: 10, incumbentTrials: 10 },
      guardConfidence: 1,
      guardPasses: true,
      guardFails: false,
      accepted,
    }) as CandidateVerdict;

  it('takes the largest improvement, then the higher confidence, then the smaller id', () => {
    expect(
      bestAccepted([verdict('a', 0.5, 0.99), verdict('b', 0.6, 0.96), verdict('c', 0.9, 0.99, false)])
        ?.candidateId,
    ).toBe('b');
    expect(bestAccepted([verdict('a', 0.5, 0.96), verdict('b', 0.5, 0.99)])?.candidateId).toBe('b');
    expect(bestAccepted([verdict('b', 0.5, 0.99), verdict('a', 0.5, 0.99)])?.candidateId).toBe('a');
    expect(bestAccepted([verdict('a', 0.5, 0.99)], (v) => v.candidateId !== 'a')).toBeUndefined();
    expect(bestAccepted([])).toBeUndefined();
  });
});
