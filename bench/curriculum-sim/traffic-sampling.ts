// Counts of a simulated fleet's calls and failures, drawn with core's seeded generator so that a
// seed fixes the whole run. Exact where counts are small, normal approximations where they are
// large (a step's traffic, not a statistic anything is tested with).
import type { SeededRandom } from '@arc-agent/core';

/** A standard normal draw (Box–Muller). */
function gaussian(rng: SeededRandom): number {
  const u = 1 - rng.next(); // in (0, 1]
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Poisson(mean): Knuth's product of uniforms below 30, a rounded normal above. */
export function poisson(rng: SeededRandom, mean: number): number {
  if (!(mean >= 0 && Number.isFinite(mean)))
    throw new RangeError(`mean must be finite and >= 0, got ${mean}`);
  if (mean === 0) return 0;
  if (mean >= 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let product = rng.next();
  while (product > limit) {
    k++;
    product *= rng.next();
  }
  return k;
}

/** Binomial(n, p): n Bernoulli draws up to 100 trials, a rounded normal (within [0, n]) above. */
export function binomial(rng: SeededRandom, n: number, p: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`n must be an integer >= 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  if (n > 100) {
    const draw = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * gaussian(rng));
    return Math.min(n, Math.max(0, draw));
  }
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}
