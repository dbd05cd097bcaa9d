import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  probabilityBetaGreater,
  probabilityBetaGreaterExact,
  probabilityBetaGreaterNumeric,
  probabilityBetaNonInferior,
} from './beta-comparison.js';

/**
 * An independent check for integer parameters: Simpson's rule on ∫ f1(x) F2(x) dx with the Beta
 * density written with factorials and the CDF as a binomial tail, nothing shared with the code.
 */
function simpsonIntegerCase(a1: number, b1: number, a2: number, b2: number, margin = 0): number {
  const choose = (n: number, k: number) => {
    let c = 1;
    for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
    return c;
  };
  const density = (x: number) =>
    (a1 + b1 - 1) * choose(a1 + b1 - 2, a1 - 1) * x ** (a1 - 1) * (1 - x) ** (b1 - 1);
  const cdf = (x: number) => {
    const n = a2 + b2 - 1;
    let sum = 0;
    for (let j = a2; j <= n; j++) sum += choose(n, j) * x ** j * (1 - x) ** (n - j);
    return sum;
  };
  const steps = 20_000;
  const h = 1 / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const x = i * h;
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * density(x) * cdf(Math.min(1, x + margin));
  }
  return (sum * h) / 3;
}

const positive = fc.double({ min: 0.2, max: 60, noNaN: true });

describe('probabilityBetaGreater', () => {
  it('matches hand-computed values', () => {
    // Beta(2, 1) has density 2x; against a uniform: ∫ 2x · x dx = 2/3
    expect(probabilityBetaGreater(2, 1, 1, 1)).toBeCloseTo(2 / 3, 14);
    expect(probabilityBetaGreater(1, 2, 1, 1)).toBeCloseTo(1 / 3, 14);
    // Beta(2, 1) vs Beta(1, 2), whose CDF is 2x − x²: ∫ 2x(2x − x²) dx = 4/3 − 1/2 = 5/6
    expect(probabilityBetaGreater(2, 1, 1, 2)).toBeCloseTo(5 / 6, 14);
    expect(probabilityBetaGreater(1, 1, 1, 1)).toBeCloseTo(0.5, 14);
    expect(probabilityBetaGreater(7, 3, 7, 3)).toBeCloseTo(0.5, 14);
  });

  it('matches closed forms with non-integer parameters', () => {
    // Against a uniform, P(X > U) = E[X] = a/(a + b); Beta(a, 1) vs Beta(c, 1): ∫ a x^(a−1) x^c dx = a/(a + c)
    expect(probabilityBetaGreater(0.5, 1.5, 1, 1)).toBeCloseTo(0.25, 12);
    expect(probabilityBetaGreater(2.5, 1, 0.7, 1)).toBeCloseTo(2.5 / 3.2, 12);
    expect(probabilityBetaGreater(2.3, 4.1, 2.3, 4.1)).toBeCloseTo(0.5, 12);
    expect(probabilityBetaGreaterNumeric(0.5, 1.5, 1, 1)).toBeCloseTo(0.25, 12);
    expect(probabilityBetaGreaterNumeric(2.5, 1, 0.7, 1)).toBeCloseTo(2.5 / 3.2, 12);
    expect(probabilityBetaGreaterNumeric(0.3, 0.3, 0.3, 0.3)).toBeCloseTo(0.5, 12);
  });

  it('agrees with an independent Simpson integration for integer parameters', () => {
    for (const [a1, b1, a2, b2] of [
      [3, 5, 2, 7],
      [10, 2, 8, 4],
      [1, 9, 2, 2],
      [12, 12, 15, 10],
    ] as const) {
      expect(probabilityBetaGreater(a1, b1, a2, b2)).toBeCloseTo(simpsonIntegerCase(a1, b1, a2, b2), 9);
    }
  });

  it('closed form and numeric integration agree on integer and mixed parameters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), positive, positive, positive, (a1, b1, a2, b2) => {
        expect(probabilityBetaGreaterNumeric(a1, b1, a2, b2)).toBeCloseTo(
          probabilityBetaGreaterExact(a1, b1, a2, b2),
          9,
        );
      }),
      { numRuns: 40 },
    );
  });

  it('uses whichever parameter is an integer (all four routes agree with integration)', () => {
    const [a1, b1, a2, b2] = [2.5, 3.5, 4.25, 1.75];
    const numeric = probabilityBetaGreaterNumeric(a1, b1, a2, b2);
    // Make each parameter in turn the only integer.
    expect(probabilityBetaGreaterExact(3, b1, a2, b2)).toBeCloseTo(
      probabilityBetaGreaterNumeric(3, b1, a2, b2),
      10,
    );
    expect(probabilityBetaGreaterExact(a1, 3, a2, b2)).toBeCloseTo(
      probabilityBetaGreaterNumeric(a1, 3, a2, b2),
      10,
    );
    expect(probabilityBetaGreaterExact(a1, b1, 4, b2)).toBeCloseTo(
      probabilityBetaGreaterNumeric(a1, b1, 4, b2),
      10,
    );
    expect(probabilityBetaGreaterExact(a1, b1, a2, 2)).toBeCloseTo(
      probabilityBetaGreaterNumeric(a1, b1, a2, 2),
      10,
    );
    expect(probabilityBetaGreater(a1, b1, a2, b2)).toBe(numeric);
    expect(() => probabilityBetaGreaterExact(a1, b1, a2, b2)).toThrow(/integer/);
  });

  it('stays exact for large posteriors (long sums and integration)', () => {
    // 20 000 trials each: the closed form sums 9 901 terms (over b1); integration agrees.
    const exact = probabilityBetaGreaterExact(10_101, 9_901, 10_001, 10_001);
    expect(probabilityBetaGreater(10_101, 9_901, 10_001, 10_001)).toBe(exact);
    expect(probabilityBetaGreaterNumeric(10_101, 9_901, 10_001, 10_001)).toBeCloseTo(exact, 10);
    // Normal approximation: difference of means 0.005, sd sqrt(2·0.25/20 002) ≈ 0.0050 -> Φ(1.0) ≈ 0.84
    expect(exact).toBeCloseTo(0.8413, 2);
    // Identical posteriors: exactly 1/2 by symmetry, even with 600 000 trials.
    expect(probabilityBetaGreater(300_001, 300_001, 300_001, 300_001)).toBeCloseTo(0.5, 10);
    expect(probabilityBetaGreaterNumeric(300_000.5, 300_001, 300_000.5, 300_001)).toBeCloseTo(0.5, 10);
  });

  it('is complementary, and grows with the first success count', () => {
    fc.assert(
      fc.property(positive, positive, positive, positive, (a1, b1, a2, b2) => {
        const p = probabilityBetaGreater(a1, b1, a2, b2);
        expect(p + probabilityBetaGreater(a2, b2, a1, b1)).toBeCloseTo(1, 9);
        expect(probabilityBetaGreater(a1 + 1, b1, a2, b2)).toBeGreaterThanOrEqual(p - 1e-12);
      }),
      { numRuns: 40 },
    );
  });

  it('rejects parameters that are not finite and positive', () => {
    expect(() => probabilityBetaGreater(0, 1, 1, 1)).toThrow(/a1/);
    expect(() => probabilityBetaGreater(1, -1, 1, 1)).toThrow(/b1/);
    expect(() => probabilityBetaGreater(1, 1, Number.NaN, 1)).toThrow(/a2/);
    expect(() => probabilityBetaGreater(1, 1, 1, Number.POSITIVE_INFINITY)).toThrow(/b2/);
  });
});

describe('probabilityBetaNonInferior', () => {
  const d = 0.05;
  const L = 1 - d;

  it('matches hand-computed values', () => {
    // Beta(n + 1, 1) against a uniform: P(U < X + δ) = E[min(1, X + δ)] = 1 − (1 − δ)^(n+2) / (n + 2).
    for (const n of [0, 2, 9, 10, 30]) {
      expect(probabilityBetaNonInferior(n + 1, 1, 1, 1, d)).toBeCloseTo(1 - L ** (n + 2) / (n + 2), 13);
    }
    expect(probabilityBetaNonInferior(3, 1, 1, 1, d)).toBeCloseTo(0.7963734375, 13);
    // Beta(3, 1) (density 3x²) against Beta(3, 1) (CDF y³):
    // ∫_0^{1−δ} 3x²(x + δ)³ dx + ∫_{1−δ}^1 3x² dx = 3(L⁶/6 + 3δL⁵/5 + 3δ²L⁴/4 + δ³L³/3) + 1 − L³.
    const twoOfTwo =
      3 * (L ** 6 / 6 + (3 * d * L ** 5) / 5 + (3 * d * d * L ** 4) / 4 + (d ** 3 * L ** 3) / 3);
    expect(probabilityBetaNonInferior(3, 1, 3, 1, d)).toBeCloseTo(twoOfTwo + 1 - L ** 3, 13);
    // Beta(1, n + 1) (density (n + 1)(1 − x)^n) against Beta(2, 1) (CDF y²); with s = 1 − x:
    // ∫_δ^1 (n + 1) s^n (1 + δ − s)² ds + δ^(n+1).
    const zeroOf = (n: number) =>
      (1 + d) ** 2 * (1 - d ** (n + 1)) -
      (2 * (n + 1) * (1 + d) * (1 - d ** (n + 2))) / (n + 2) +
      ((n + 1) * (1 - d ** (n + 3))) / (n + 3) +
      d ** (n + 1);
    for (const n of [0, 5, 6, 20])
      expect(probabilityBetaNonInferior(1, n + 1, 2, 1, d)).toBeCloseTo(zeroOf(n), 13);
  });

  it('is P(X1 > X2) at margin 0, 1 at margin 1, and grows with the margin', () => {
    expect(probabilityBetaNonInferior(5, 3, 4, 6, 0)).toBe(probabilityBetaGreater(5, 3, 4, 6));
    expect(probabilityBetaNonInferior(1, 50, 50, 1, 1)).toBe(1);
    const ps = [0, 0.01, 0.05, 0.2, 0.6].map((m) => probabilityBetaNonInferior(4, 7, 9, 2, m));
    for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeGreaterThan(ps[i - 1]!);
  });

  it('agrees with an independent Simpson integration, and exact sums with integration', () => {
    for (const [a1, b1, a2, b2, m] of [
      [3, 5, 2, 7, 0.1],
      [10, 2, 8, 4, 0.05],
      [19, 1, 31, 2, 0.05],
      [12, 12, 15, 10, 0.3],
    ] as const) {
      expect(probabilityBetaNonInferior(a1, b1, a2, b2, m)).toBeCloseTo(
        simpsonIntegerCase(a1, b1, a2, b2, m),
        8,
      );
    }
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0.001, max: 0.9, noNaN: true }),
        (a1, b1, a2, b2, m) => {
          expect(probabilityBetaNonInferior(a1, b1, a2, b2, m)).toBeCloseTo(
            probabilityBetaGreaterNumeric(a1, b1, a2, b2, m),
            10,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('uses the mirrored sum, and integration, when the direct sum does not apply', () => {
    // b2 fractional: only the mirror (a2, a1, b1 integers) is exact.
    expect(probabilityBetaNonInferior(6, 2, 9, 1.5, d)).toBeCloseTo(
      probabilityBetaGreaterNumeric(6, 2, 9, 1.5, d),
      11,
    );
    // Fractional rewards everywhere: integration; against a uniform the closed form still holds.
    expect(probabilityBetaNonInferior(3.5, 1, 1, 1, d)).toBeCloseTo(1 - L ** 4.5 / 4.5, 11);
    // A large incumbent: 6 009 terms, still summed; 2.4 million (or 19.7 million mirrored): integrated.
    expect(probabilityBetaNonInferior(41, 1, 2_001, 3, d)).toBeCloseTo(
      probabilityBetaGreaterNumeric(41, 1, 2_001, 3, d),
      10,
    );
    expect(probabilityBetaNonInferior(41, 3, 20_001, 40, d)).toBe(
      probabilityBetaGreaterNumeric(41, 3, 20_001, 40, d),
    );
  });

  it('rejects parameters and margins out of range', () => {
    expect(() => probabilityBetaNonInferior(0, 1, 1, 1, d)).toThrow(/a1/);
    expect(() => probabilityBetaNonInferior(1, 1, 1, 1, -0.1)).toThrow(/margin/);
    expect(() => probabilityBetaNonInferior(1, 1, 1, 1, 1.5)).toThrow(/margin/);
    expect(() => probabilityBetaNonInferior(1, 1, 1, 1, Number.NaN)).toThrow(/margin/);
  });
});
