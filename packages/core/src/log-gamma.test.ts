import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logBeta, logGamma } from './log-gamma.js';

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

describe('logGamma', () => {
  it('matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 14);
    for (let n = 1; n <= 20; n++) expect(logGamma(n + 1)).toBeCloseTo(Math.log(factorial(n)), 12);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 10); // ln 99!
    expect(logGamma(1e-3)).toBeCloseTo(6.907178885383853, 12); // ln Γ(0.001), reflection branch
  });

  it('satisfies Γ(x + 1) = x·Γ(x)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (x) => {
        const lhs = logGamma(x + 1);
        expect(Math.abs(lhs - (logGamma(x) + Math.log(x)))).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(lhs)));
      }),
    );
  });

  it('rejects x <= 0 and non-finite x', () => {
    for (const x of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => logGamma(x)).toThrow(RangeError);
  });
});

describe('logBeta', () => {
  it('matches B(a, b) = Γ(a)Γ(b)/Γ(a+b) on hand-computed values', () => {
    expect(logBeta(1, 1)).toBeCloseTo(0, 14);
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14); // 1!·2!/4!
    expect(logBeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 14);
    expect(logBeta(3, 2)).toBe(logBeta(2, 3));
    // Stirling branches: B(20, 15) = 19!·14!/34! and B(3, 100) = 2!·99!/102! = 2/(100·101·102)
    const f = (n: number): number => (n <= 1 ? 1 : n * f(n - 1));
    expect(logBeta(20, 15)).toBeCloseTo(Math.log((f(19) * f(14)) / f(34)), 12);
    expect(logBeta(3, 100)).toBeCloseTo(Math.log(2 / (100 * 101 * 102)), 12);
  });

  it('agrees with the log-gamma sum across the branch boundaries', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 60, noNaN: true }),
        fc.double({ min: 0.01, max: 60, noNaN: true }),
        (a, b) => {
          expect(logBeta(a, b)).toBeCloseTo(logGamma(a) + logGamma(b) - logGamma(a + b), 11);
        },
      ),
    );
  });

  it('stays precise for large arguments, where the log-gamma sum loses digits', () => {
    // B(a, b + 1) = B(a, b) · b / (a + b), exactly; the log-gammas of 2e5 alone are ~2.2e6.
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        (a, b) => {
          expect(logBeta(a, b + 1) - logBeta(a, b)).toBeCloseTo(Math.log(b / (a + b)), 10);
        },
      ),
    );
  });

  it('rejects non-positive arguments', () => {
    expect(() => logBeta(0, 1)).toThrow(RangeError);
    expect(() => logBeta(1, Number.NaN)).toThrow(RangeError);
  });
});
