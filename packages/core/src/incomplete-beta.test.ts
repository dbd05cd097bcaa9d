import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regularizedIncompleteBeta } from './incomplete-beta.js';

/** For integer a, b: I_x(a, b) = P(Binomial(a + b − 1, x) >= a). */
function binomialTail(x: number, a: number, b: number): number {
  const n = a + b - 1;
  let coefficient = 1; // C(n, 0)
  let sum = 0;
  for (let j = 0; j <= n; j++) {
    if (j >= a) sum += coefficient * x ** j * (1 - x) ** (n - j);
    coefficient = (coefficient * (n - j)) / (j + 1);
  }
  return sum;
}

const unit = fc.double({ min: 0.001, max: 0.999, noNaN: true });

describe('regularizedIncompleteBeta', () => {
  it('matches closed forms: I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b, I_1/2(a, a) = 1/2', () => {
    fc.assert(
      fc.property(unit, fc.double({ min: 0.05, max: 50, noNaN: true }), (x, a) => {
        expect(regularizedIncompleteBeta(x, a, 1)).toBeCloseTo(x ** a, 12);
        expect(regularizedIncompleteBeta(x, 1, a)).toBeCloseTo(1 - (1 - x) ** a, 12);
        expect(regularizedIncompleteBeta(0.5, a, a)).toBeCloseTo(0.5, 12);
      }),
    );
  });

  it('matches the binomial tail for integer parameters', () => {
    fc.assert(
      fc.property(unit, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (x, a, b) => {
        expect(regularizedIncompleteBeta(x, a, b)).toBeCloseTo(binomialTail(x, a, b), 12);
      }),
    );
  });

  it('satisfies I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    fc.assert(
      fc.property(
        unit,
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        (x, a, b) => {
          expect(regularizedIncompleteBeta(x, a, b)).toBeCloseTo(
            1 - regularizedIncompleteBeta(1 - x, b, a),
            11,
          );
        },
      ),
    );
  });

  it('keeps small tails with their relative precision and handles large parameters', () => {
    // P(Beta(1, 200) > 0.5) = 0.5^200 ≈ 6.2e-61, far below what 1 − I could show
    expect(regularizedIncompleteBeta(0.5, 200, 1) / 0.5 ** 200).toBeCloseTo(1, 10);
    expect(regularizedIncompleteBeta(0.5, 5000, 5000)).toBeCloseTo(0.5, 10);
  });

  it('uses a precise 1 − x next to x = 1', () => {
    // 1 − 1e-20 rounds to 1, where I would be 1; the true value is 1 − I_{1e-20}(0.2, 0.2).
    expect(regularizedIncompleteBeta(1 - 1e-20, 0.2, 0.2)).toBe(1);
    expect(1 - regularizedIncompleteBeta(1 - 1e-20, 0.2, 0.2, 1e-20)).toBeCloseTo(
      regularizedIncompleteBeta(1e-20, 0.2, 0.2),
      15,
    );
    expect(regularizedIncompleteBeta(1e-20, 0.2, 0.2)).toBeGreaterThan(5e-5);
  });

  it('is 0 at and below 0, 1 at and above 1, and rejects bad parameters', () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(-1, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta(0.5, 1, Number.NaN)).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta(Number.NaN, 1, 1)).toThrow(RangeError);
  });
});
