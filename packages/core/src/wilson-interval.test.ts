import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson-interval.js';

describe('wilsonInterval', () => {
  it('matches hand-computed intervals', () => {
    // 5 of 10, z = 1.96: centre 1/2, half-width (1.96 / 1.38416)·sqrt(0.025 + 0.009604) = 0.26341
    const half = wilsonInterval(5, 10);
    expect(half.lower).toBeCloseTo(0.23659, 5);
    expect(half.upper).toBeCloseTo(0.76341, 5);
    // 0 of 10: lower 0, upper (z²/n)/(1 + z²/n) = 0.38416 / 1.38416
    const none = wilsonInterval(0, 10);
    expect(none.lower).toBe(0);
    expect(none.upper).toBeCloseTo(0.38416 / 1.38416, 12);
    const all = wilsonInterval(10, 10);
    expect(all.upper).toBe(1);
    expect(all.lower).toBeCloseTo(1 - 0.38416 / 1.38416, 12);
    // z = 1 and 8 of 10: centre (0.8 + 0.05)/1.1, half-width (1/1.1)·sqrt(0.016 + 0.0025)
    const z1 = wilsonInterval(8, 10, 1);
    expect(z1.lower).toBeCloseTo((0.85 - Math.sqrt(0.0185)) / 1.1, 12);
    expect(z1.upper).toBeCloseTo((0.85 + Math.sqrt(0.0185)) / 1.1, 12);
  });

  it('is [0, 1] with no trials', () => {
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
  });

  it('lies in [0, 1], contains the observed rate, and narrows with more trials', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, rate) => {
          const s = Math.round(rate * n);
          const { lower, upper } = wilsonInterval(s, n);
          expect(lower).toBeGreaterThanOrEqual(0);
          expect(upper).toBeLessThanOrEqual(1);
          expect(lower).toBeLessThanOrEqual(s / n + 1e-12);
          expect(upper).toBeGreaterThanOrEqual(s / n - 1e-12);
          const wider = wilsonInterval(s, n);
          const narrower = wilsonInterval(4 * s, 4 * n);
          expect(narrower.upper - narrower.lower).toBeLessThan(wider.upper - wider.lower);
        },
      ),
    );
  });

  it('accepts fractional successes and rejects bad input', () => {
    expect(wilsonInterval(2.5, 5).lower).toBeLessThan(0.5);
    expect(() => wilsonInterval(6, 5)).toThrow(/successes/);
    expect(() => wilsonInterval(-1, 5)).toThrow(/successes/);
    expect(() => wilsonInterval(1, -5)).toThrow(/trials/);
    expect(() => wilsonInterval(1, Number.NaN)).toThrow(/trials/);
    expect(() => wilsonInterval(1, 5, 0)).toThrow(/z/);
  });
});
