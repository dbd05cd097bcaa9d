import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { softmax } from './softmax.js';

const logits = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 20 });

describe('softmax', () => {
  it('matches hand-computed values', () => {
    // e^0 : e^(ln 2) = 1 : 2
    const [p0, p1] = softmax([0, Math.log(2)]);
    expect(p0).toBeCloseTo(1 / 3, 15);
    expect(p1).toBeCloseTo(2 / 3, 15);
    // temperature 2 halves the logits: the same 1 : 2
    const [q0, q1] = softmax([0, 2 * Math.log(2)], 2);
    expect(q0).toBeCloseTo(1 / 3, 15);
    expect(q1).toBeCloseTo(2 / 3, 15);
    expect(softmax([5, 5, 5, 5])).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(softmax([])).toEqual([]);
  });

  it('does not overflow on huge logits', () => {
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
    expect(softmax([1000, 0])).toEqual([1, 0]);
    expect(softmax([-1000, -1000 + Math.log(3)])[1]).toBeCloseTo(0.75, 12);
  });

  it('is a distribution, invariant to shifts, and keeps the order of the logits', () => {
    fc.assert(
      fc.property(logits, fc.double({ min: -100, max: 100, noNaN: true }), (xs, shift) => {
        const p = softmax(xs);
        expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
        for (const v of p) expect(v).toBeGreaterThanOrEqual(0);
        softmax(xs.map((x) => x + shift)).forEach((v, i) => {
          expect(v).toBeCloseTo(p[i]!, 10);
        });
        for (let i = 1; i < xs.length; i++) {
          if (xs[i]! > xs[i - 1]!) expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]!);
        }
      }),
    );
  });

  it('flattens with a high temperature and sharpens with a low one', () => {
    expect(softmax([0, 1], 1e6)[1]).toBeCloseTo(0.5, 5);
    expect(softmax([0, 1], 1e-3)[1]).toBe(1);
  });

  it('rejects bad temperatures and logits', () => {
    for (const t of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => softmax([1], t)).toThrow(RangeError);
    expect(() => softmax([1, Number.NaN])).toThrow(TypeError);
    expect(() => softmax([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });
});
