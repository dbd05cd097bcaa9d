import { logBeta } from './log-gamma.js';

const TINY = 1e-300;
const EPS = 1e-15;
const MAX_ITERATIONS = 100_000;

/**
 * Continued fraction of the incomplete beta function, evaluated by the modified Lentz method
 * (Numerical Recipes §6.4). It converges fast for x < (a + 1) / (a + b + 2), in about
 * O(sqrt(max(a, b))) steps.
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta continued fraction did not converge for a=${a}, b=${b}, x=${x}`);
}

/**
 * The regularized incomplete beta function I_x(a, b) = P(X <= x) for X ~ Beta(a, b).
 * Each side is computed directly where its continued fraction converges, so small tails keep their
 * relative precision: for an upper tail ask for I_{1-x}(b, a) rather than 1 − I_x(a, b).
 * `oneMinusX` may carry 1 − x when the caller knows it more precisely than 1 − x rounds to
 * (x within 1e-16 of 1, as in quadrature next to an endpoint).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, oneMinusX = 1 - x): number {
  if (!(Number.isFinite(a) && a > 0 && Number.isFinite(b) && b > 0)) {
    throw new RangeError(`incomplete beta needs finite a, b > 0, got a=${a}, b=${b}`);
  }
  if (Number.isNaN(x) || Number.isNaN(oneMinusX))
    throw new RangeError('incomplete beta needs x in [0, 1], got NaN');
  if (x <= 0) return 0;
  if (oneMinusX <= 0) return 1;
  const logFront = a * Math.log(x) + b * Math.log(oneMinusX) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, oneMinusX)) / b;
}
