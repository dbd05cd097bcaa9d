import { SeededRandom } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { binomial, poisson } from './traffic-sampling.js';

const moments = (draws: number[]) => {
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1);
  return { mean, variance };
};

describe('traffic sampling', () => {
  it('draws Poisson counts with the mean and variance asked for, small and large', () => {
    const rng = new SeededRandom('poisson');
    for (const mean of [0.3, 4, 80]) {
      const n = 20_000;
      const m = moments(Array.from({ length: n }, () => poisson(rng, mean)));
      // The sample mean has sd sqrt(mean / n); 5 sd is a false alarm below 1e-6.
      expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
      expect(m.variance / mean).toBeGreaterThan(0.9);
      expect(m.variance / mean).toBeLessThan(1.1);
    }
    expect(poisson(rng, 0)).toBe(0);
    expect(() => poisson(rng, -1)).toThrow(/mean/);
  });

  it('draws binomial counts with mean np and variance np(1 − p), within [0, n]', () => {
    const rng = new SeededRandom('binomial');
    for (const [trials, p] of [
      [20, 0.3],
      [1_000, 0.1],
    ] as const) {
      const n = 20_000;
      const draws = Array.from({ length: n }, () => binomial(rng, trials, p));
      const m = moments(draws);
      const variance = trials * p * (1 - p);
      expect(Math.abs(m.mean - trials * p)).toBeLessThan(5 * Math.sqrt(variance / n));
      expect(m.variance / variance).toBeGreaterThan(0.9);
      expect(m.variance / variance).toBeLessThan(1.1);
      expect(draws.every((k) => k >= 0 && k <= trials)).toBe(true);
    }
    expect(binomial(rng, 5, 0)).toBe(0);
    expect(binomial(rng, 5, 1)).toBe(5);
    expect(() => binomial(rng, 1.5, 0.5)).toThrow(/n must/);
  });
});
