import { describe, expect, it } from 'vitest';
import { bootstrapRatioToBest, studentQuantile, tInterval } from './seed-statistics.js';

describe('studentQuantile', () => {
  it('matches the closed forms for 1 and 2 degrees of freedom, and the tables beyond', () => {
    // df 1 is Cauchy: tan(π (p − 1/2)); df 2: (2p − 1) / √(2p(1 − p)).
    expect(studentQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9);
    expect(studentQuantile(0.975, 2)).toBeCloseTo(0.95 / Math.sqrt(2 * 0.975 * 0.025), 9);
    expect(studentQuantile(0.975, 19)).toBeCloseTo(2.093024054, 8);
    expect(studentQuantile(0.025, 19)).toBeCloseTo(-2.093024054, 8);
    expect(() => studentQuantile(1, 3)).toThrow(/p must/);
  });
});

describe('tInterval', () => {
  it('is the mean ± t · s / √n, by hand', () => {
    // 1..5: mean 3, s = √2.5, t(0.975, 4) = 2.7764451052: half width 2.7764451052 · √(2.5 / 5).
    const interval = tInterval([1, 2, 3, 4, 5]);
    const half = 2.7764451052 * Math.sqrt(0.5);
    expect(interval.estimate).toBe(3);
    expect(interval.low).toBeCloseTo(3 - half, 8);
    expect(interval.high).toBeCloseTo(3 + half, 8);
    expect(() => tInterval([1])).toThrow(/two values/);
  });
});

describe('bootstrapRatioToBest', () => {
  it('is the ratio of means to the best baseline, exact when the ratio holds seed by seed', () => {
    const baseline = [10, 20, 30, 40];
    const interval = bootstrapRatioToBest(
      baseline.map((v) => 2 * v),
      [baseline, baseline.map((v) => v / 2)],
    );
    expect(interval).toEqual({ estimate: 2, low: 2, high: 2 });
  });

  it('chooses the best baseline afresh in every resample', () => {
    // Estimate 1 / max(1, 1) = 1. A resample of seed 0 twice has a best baseline of 2: ratio 1/2,
    // likewise seed 1 twice; a mixed one gives 1. Half the resamples are each: 2.5 % at 1/2, 97.5 % at 1.
    const interval = bootstrapRatioToBest(
      [1, 1],
      [
        [2, 0],
        [0, 2],
      ],
    );
    expect(interval).toEqual({ estimate: 1, low: 0.5, high: 1 });
    expect(() => bootstrapRatioToBest([1, 1], [[1]])).toThrow(/one value per seed/);
    expect(() => bootstrapRatioToBest([1, 1], [[0, 0]])).toThrow(/above 0/);
  });
});
