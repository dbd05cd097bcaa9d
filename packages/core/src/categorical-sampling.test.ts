import { describe, expect, it } from 'vitest';
import { sampleCategorical } from './categorical-sampling.js';
import { SeededRandom } from './seeded-random.js';

describe('sampleCategorical', () => {
  it('draws each index with frequency proportional to its weight', () => {
    const weights = [1, 2, 3, 4]; // unnormalised on purpose
    const n = 100_000;
    const counts = [0, 0, 0, 0];
    for (const i of sampleCategorical(weights, new SeededRandom('freq'), n)) counts[i]!++;
    counts.forEach((c, i) => {
      const p = weights[i]! / 10;
      // 5 binomial standard deviations: a false alarm has probability < 1e-6.
      expect(Math.abs(c / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    });
  });

  it('never draws a zero-weight index', () => {
    const draws = sampleCategorical([0, 1, 0, 1, 0], new SeededRandom(1), 10_000);
    expect(new Set(draws)).toEqual(new Set([1, 3]));
  });

  it('is deterministic under the generator and draws nothing for count 0', () => {
    expect(sampleCategorical([1, 1, 1], new SeededRandom(5), 20)).toEqual(
      sampleCategorical([1, 1, 1], new SeededRandom(5), 20),
    );
    expect(sampleCategorical([1], new SeededRandom(5), 0)).toEqual([]);
  });

  it('rejects bad weights and counts', () => {
    const rng = new SeededRandom(0);
    expect(() => sampleCategorical([], rng, 1)).toThrow(RangeError);
    expect(() => sampleCategorical([0, 0], rng, 1)).toThrow(RangeError);
    expect(() => sampleCategorical([1, -1], rng, 1)).toThrow(RangeError);
    expect(() => sampleCategorical([1, Number.NaN], rng, 1)).toThrow(RangeError);
    expect(() => sampleCategorical([1], rng, -1)).toThrow(RangeError);
    expect(() => sampleCategorical([1], rng, 1.5)).toThrow(RangeError);
  });
});
