import { describe, expect, it } from 'vitest';
import {
  LEARNABILITY_PRIOR,
  learnability,
  learnableTrafficProbabilities,
  unpreventedShare,
} from './learnable-traffic.js';
import { learnerWith, REPAIR, RETRY } from './learner-state.fixture.js';
import type { LearnerState, PatternLearnerState } from './learner-state.js';
import { SecCurriculum } from './sec-curriculum.js';

describe('learnability', () => {
  it('is the prior for a pattern never rewarded', () => {
    expect(LEARNABILITY_PRIOR).toBe(0.1);
    expect(learnability(0, 0, 0.1)).toBe(0.1);
  });

  it("is SEC's Q as if started at the prior, by hand", () => {
    // Rewards 0.5 then 0.2 at α 0.1 from 0: Q = 0.1·0.2 + 0.9·(0.1·0.5) = 0.065; from 0.1 instead:
    // 0.1·0.2 + 0.9·(0.1·0.5 + 0.9·0.1) = 0.146 = 0.065 + 0.81·0.1.
    const sec = new SecCurriculum({ alpha: 0.1 });
    sec.update({ a: 0.5 });
    sec.update({ a: 0.2 });
    expect(sec.q('a')).toBeCloseTo(0.065, 15);
    expect(learnability(sec.q('a'), sec.updates('a'), 0.1)).toBeCloseTo(0.146, 15);
    // A hopeless pattern (every reward 0) loses the prior as it is tried: 0.9^10 · 0.1.
    expect(learnability(0, 10, 0.1)).toBeCloseTo(0.034_867_844_01, 15);
  });
});

describe('unpreventedShare', () => {
  const pattern = (): PatternLearnerState => {
    const state: LearnerState = learnerWith([{ id: 'a', fixes: [REPAIR, RETRY] }]);
    return state.patterns[0]!;
  };
  const withEvidence = (p: PatternLearnerState, failing: [number, number][], reported: number[] = []) => ({
    ...p,
    candidates: p.candidates.map((c, i) => ({
      ...c,
      failing: { successes: failing[i]![0], trials: failing[i]![1] },
    })),
    reported: reported.map((i) => p.candidates[i]!.id),
  });

  it('is 1 − the Beta(1, 1) posterior mean of the incumbent on failing inputs', () => {
    expect(unpreventedShare(pattern())).toBe(0.5); // no evidence: (1 + 0) / (2 + 0)
    // Replays pass 7 of 8 with no fix: (1 + 7) / (2 + 8) = 0.8 of them are transient.
    expect(
      unpreventedShare(
        withEvidence(pattern(), [
          [7, 8],
          [0, 0],
          [0, 0],
        ]),
      ),
    ).toBeCloseTo(0.2, 15);
  });

  it('counts the best reported candidate, and only reported ones', () => {
    // Incumbent 1 of 8: 2 / 10; candidate 1 won 6 of 8: 7 / 10; candidate 2 won 8 of 8: 9 / 10.
    const evidence: [number, number][] = [
      [1, 8],
      [6, 8],
      [8, 8],
    ];
    expect(unpreventedShare(withEvidence(pattern(), evidence))).toBeCloseTo(0.8, 15);
    expect(unpreventedShare(withEvidence(pattern(), evidence, [1]))).toBeCloseTo(0.3, 15);
    expect(unpreventedShare(withEvidence(pattern(), evidence, [1, 2]))).toBeCloseTo(0.1, 15);
  });
});

describe('learnableTrafficProbabilities', () => {
  it('draws in proportion to failures × unprevented share × learnability, by hand', () => {
    // Weights 6·0.5·0.4 = 1.2, 2·1·0.2 = 0.4, 4·0·1 = 0: 1.2 / 1.6, 0.4 / 1.6, 0.
    const p = learnableTrafficProbabilities([
      { failures: 6, unprevented: 0.5, learnability: 0.4 },
      { failures: 2, unprevented: 1, learnability: 0.2 },
      { failures: 4, unprevented: 0, learnability: 1 },
    ]);
    expect(p[0]).toBeCloseTo(0.75, 15);
    expect(p[1]).toBeCloseTo(0.25, 15);
    expect(p[2]).toBe(0);
  });

  it('is uniform while every weight is 0, and empty for no arms', () => {
    expect(
      learnableTrafficProbabilities([
        { failures: 0, unprevented: 1, learnability: 1 },
        { failures: 5, unprevented: 0, learnability: 1 },
      ]),
    ).toEqual([0.5, 0.5]);
    expect(learnableTrafficProbabilities([])).toEqual([]);
  });
});
