import { describe, expect, it } from 'vitest';
import {
  CURRICULA,
  type CurriculumArm,
  curriculumProbabilities,
  drawCurriculum,
  failureShareWeights,
  isCurriculum,
} from './curriculum-draw.js';
import { SecCurriculum } from './sec-curriculum.js';
import { SeededRandom } from './seeded-random.js';

const arms: CurriculumArm[] = [
  { id: 'a', q: Math.log(2), failures: 6, unprevented: 0.5, learnability: 0.4 },
  { id: 'b', q: 0, failures: 2, unprevented: 1, learnability: 0.3 },
  { id: 'c', q: 0, failures: 0, unprevented: 1, learnability: 1 },
];

describe('curriculumProbabilities', () => {
  it('is softmax(Q / τ) under both SEC draws, by hand', () => {
    // e^{ln 2} = 2 against 1 and 1: 2/4, 1/4, 1/4; at τ = 0.5, e^{2 ln 2} = 4: 4/6, 1/6, 1/6.
    for (const curriculum of ['sec', 'sec-weighted'] as const) {
      const at1 = curriculumProbabilities(curriculum, arms, 1, 32);
      for (const [i, p] of [0.5, 0.25, 0.25].entries()) expect(at1[i]).toBeCloseTo(p, 14);
      const atHalf = curriculumProbabilities(curriculum, arms, 0.5, 32);
      for (const [i, p] of [4 / 6, 1 / 6, 1 / 6].entries()) expect(atHalf[i]).toBeCloseTo(p, 14);
    }
  });

  it('is the share of recent failures under random, uniform while no arm has any', () => {
    expect(curriculumProbabilities('random', arms, 1, 32)).toEqual([0.75, 0.25, 0]);
    const quiet = arms.map((a) => ({ ...a, failures: 0 }));
    expect(curriculumProbabilities('random', quiet, 1, 32)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(curriculumProbabilities('uniform', arms, 1, 32)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('is failures × unprevented share × learnability under learnable-traffic', () => {
    // Weights 6·0.5·0.4 = 1.2, 2·1·0.3 = 0.6, 0: 2/3, 1/3, 0.
    const p = curriculumProbabilities('learnable-traffic', arms, 1, 32);
    for (const [i, expected] of [2 / 3, 1 / 3, 0].entries()) expect(p[i]).toBeCloseTo(expected, 14);
  });

  it("is each arm's share of the B draws under greedy", () => {
    // Order a (6), b (2), c (0). B = 2: a and b once each. B = 7: a 3, b 2, c 2.
    expect(curriculumProbabilities('greedy', arms, 1, 2)).toEqual([0.5, 0.5, 0]);
    expect(curriculumProbabilities('greedy', arms, 1, 7)).toEqual([3 / 7, 2 / 7, 2 / 7]);
    expect(curriculumProbabilities('greedy', [], 1, 7)).toEqual([]);
  });

  it('knows its curricula', () => {
    expect(CURRICULA.every(isCurriculum)).toBe(true);
    expect(isCurriculum('greedy')).toBe(true);
    expect(isCurriculum('bandit')).toBe(false);
    expect(isCurriculum(undefined)).toBe(false);
  });
});

describe('drawCurriculum', () => {
  it('draws SEC from its own stream and the others from the learner stream, counting every draw as a pull', () => {
    const pulls = (sec: SecCurriculum) => ['a', 'b', 'c'].map((arm) => sec.armStats(arm).pulls);
    const sec = new SecCurriculum({ seed: 1 });
    const expected = new SecCurriculum({ seed: 1 }).sample(['a', 'b', 'c'], 5);
    expect(drawCurriculum('sec', arms, 5, sec, new SeededRandom(2))).toEqual(expected);
    expect(pulls(sec)).toEqual(['a', 'b', 'c'].map((arm) => expected.filter((d) => d === arm).length));
    for (const curriculum of ['uniform', 'random', 'learnable-traffic', 'greedy'] as const) {
      const other = new SecCurriculum({ seed: 1 });
      const before = other.toJSON().rng;
      const draws = drawCurriculum(curriculum, arms, 5, other, new SeededRandom(2));
      expect(other.toJSON().rng).toEqual(before);
      expect(pulls(other)).toEqual(['a', 'b', 'c'].map((arm) => draws.filter((d) => d === arm).length));
      expect(other.armStats('a').q).toBe(0);
    }
  });

  it('draws random with the failure shares: c, which has none, never', () => {
    const n = 20_000;
    const draws = drawCurriculum('random', arms, n, new SecCurriculum(), new SeededRandom('r'));
    expect(draws.includes('c')).toBe(false);
    // Binomial(20 000, 0.75): sd ≈ 61; 5 sd is a false alarm below 1e-6.
    expect(Math.abs(draws.filter((d) => d === 'a').length - 0.75 * n)).toBeLessThan(
      5 * Math.sqrt(n * 0.1875),
    );
  });

  it('draws learnable-traffic from the learner stream with its probabilities', () => {
    const n = 20_000;
    const sec = new SecCurriculum();
    const draws = drawCurriculum('learnable-traffic', arms, n, sec, new SeededRandom('l'));
    expect(draws.includes('c')).toBe(false);
    // Binomial(20 000, 2/3): sd ≈ 67; 5 sd is a false alarm below 1e-6.
    expect(Math.abs(draws.filter((d) => d === 'a').length - (2 / 3) * n)).toBeLessThan(
      5 * Math.sqrt((n * 2) / 9),
    );
  });

  it('draws greedy in order, again from the top, with no randomness', () => {
    const rng = new SeededRandom(3);
    const before = rng.getState();
    expect(drawCurriculum('greedy', arms, 5, new SecCurriculum(), rng)).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(rng.getState()).toEqual(before);
  });
});

describe('failureShareWeights', () => {
  it('is each arm’s failures over the largest, 1 for all while none has any', () => {
    expect(failureShareWeights(arms)).toEqual([1, 1 / 3, 0]);
    expect(failureShareWeights([{ id: 'x', q: 0, failures: 0, unprevented: 1, learnability: 1 }])).toEqual([
      1,
    ]);
    expect(failureShareWeights([])).toEqual([]);
  });
});
