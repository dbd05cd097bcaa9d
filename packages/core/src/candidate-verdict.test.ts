import { describe, expect, it } from 'vitest';
import { bestAccepted, type CandidateVerdict, judgeCandidates } from './candidate-verdict.js';
import { resolveLearnerConfig } from './learner-config.js';
import { learnerWith, REPAIR, withCandidate } from './learner-state.fixture.js';
import type { LearnerState, PatternLearnerState } from './learner-state.js';

const config = resolveLearnerConfig();
const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

function pattern(
  failing: [number, number],
  incumbent: [number, number],
  guard: [number, number] = [0, 0],
  guarded = false,
): PatternLearnerState {
  let state: LearnerState = learnerWith([{ id: 'p', fixes: [REPAIR] }]);
  state = withCandidate(state, 'p', 0, { failing: { successes: incumbent[0], trials: incumbent[1] } });
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

  it('guards working inputs with the Wilson interval', () => {
    const judged = (guard: [number, number], guarded: boolean, maxRegression = 0.05) =>
      judgeCandidates(pattern([8, 8], [0, 8], guard, guarded), resolveLearnerConfig({ maxRegression }))[0]!;
    // No working inputs anywhere: nothing to guard.
    expect(judged([0, 0], false).guardPasses).toBe(true);
    // Working inputs exist: at least minGuardTrials (2) trials first.
    expect(judged([1, 1], true).guardPasses).toBe(false);
    expect(judged([2, 2], true).guardPasses).toBe(true);
    // 0 of 1: upper = (z²/2 + z·√(z²/4)) / (1 + z²) = z² / (1 + z²) ≈ 0.793 < 0.95, even where not required.
    expect(judged([0, 1], false)).toMatchObject({ guardPasses: false, accepted: false });
    // 1 of 2: centre 0.5, half width (z / (1 + z²/2)) √(1/8 + z²/16) = 0.405472: upper 0.905472.
    expect(judged([1, 2], true).guardPasses).toBe(false);
    expect(judged([1, 2], true, 0.0946).guardPasses).toBe(true);
    expect(judged([1, 2], true, 0.0945).guardPasses).toBe(false);
  });
});

describe('bestAccepted', () => {
  const verdict = (candidateId: string, improvement: number, probabilityBetter: number, accepted = true) =>
    ({
      candidateId,
      comparison: { beats: accepted, improvement, probabilityBetter, trials: 10, incumbentTrials: 10 },
      guardPasses: true,
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
