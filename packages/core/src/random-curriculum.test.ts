import { describe, expect, it } from 'vitest';
import { drawRandomCurriculum, randomCurriculumShares } from './random-curriculum.js';
import { SeededRandom } from './seeded-random.js';

describe('random curriculum', () => {
  it('gives each arm its share of the whole pool', () => {
    expect(randomCurriculumShares([1, 3])).toEqual([0.25, 0.75]);
    expect(randomCurriculumShares([2, 0, 6])).toEqual([0.25, 0, 0.75]);
    expect(randomCurriculumShares([5])).toEqual([1]);
  });

  it('maps one uniform problem index onto the arm that holds it', () => {
    // Pools 1 and 3 laid end to end: problem 0 is arm 0's, problems 1..3 are arm 1's. The same
    // seeded stream, read by hand, must give exactly the draws.
    const expected = (() => {
      const rng = new SeededRandom('pools');
      return Array.from({ length: 200 }, () => (rng.nextInt(4) === 0 ? 0 : 1));
    })();
    expect(drawRandomCurriculum([1, 3], new SeededRandom('pools'), 200)).toEqual(expected);
    // An empty pool in the middle: problems 0..1 arm 0, 2..4 arm 2.
    const byHand = (() => {
      const rng = new SeededRandom(9);
      return Array.from({ length: 200 }, () => (rng.nextInt(5) < 2 ? 0 : 2));
    })();
    expect(drawRandomCurriculum([2, 0, 3], new SeededRandom(9), 200)).toEqual(byHand);
  });

  it('draws pools 1 and 3 with frequencies 0.25 and 0.75', () => {
    const n = 40_000;
    const draws = drawRandomCurriculum([1, 3], new SeededRandom('freq'), n);
    const ones = draws.filter((i) => i === 1).length;
    // Binomial(40 000, 0.75): sd = sqrt(n · 0.75 · 0.25) ≈ 86.6; 5 sd is a false alarm below 1e-6.
    expect(Math.abs(ones - 0.75 * n)).toBeLessThan(5 * Math.sqrt(n * 0.75 * 0.25));
    expect(draws.every((i) => i === 0 || i === 1)).toBe(true);
  });

  it('is deterministic under the generator, and draws nothing for count 0', () => {
    expect(drawRandomCurriculum([4, 1, 2], new SeededRandom(3), 50)).toEqual(
      drawRandomCurriculum([4, 1, 2], new SeededRandom(3), 50),
    );
    expect(drawRandomCurriculum([1], new SeededRandom(3), 0)).toEqual([]);
  });

  it('rejects pools that hold nothing or are not counts, and bad counts', () => {
    const rng = new SeededRandom(0);
    expect(() => randomCurriculumShares([])).toThrow(/at least one problem/);
    expect(() => drawRandomCurriculum([0, 0], rng, 1)).toThrow(/at least one problem/);
    expect(() => drawRandomCurriculum([1, 1.5], rng, 1)).toThrow(/poolSizes\[1\]/);
    expect(() => drawRandomCurriculum([1, -1], rng, 1)).toThrow(/poolSizes\[1\]/);
    expect(() => drawRandomCurriculum([2 ** 32, 1], rng, 1)).toThrow(/2\^32/);
    expect(() => drawRandomCurriculum([1], rng, -1)).toThrow(/count/);
    expect(() => drawRandomCurriculum('3' as never, rng, 1)).toThrow(TypeError);
  });
});
