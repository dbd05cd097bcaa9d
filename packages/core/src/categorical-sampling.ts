import type { SeededRandom } from './seeded-random.js';

/**
 * Draws `count` indices independently, with replacement, from the discrete distribution
 * `weights` (non-negative, not necessarily normalised). One cumulative table and a binary search
 * per draw, so B draws over N categories cost O(N + B log N).
 */
export function sampleCategorical(weights: readonly number[], rng: SeededRandom, count: number): number[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`sample count must be a non-negative integer, got ${count}`);
  }
  if (weights.length === 0) throw new RangeError('cannot sample from an empty set of categories');
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new RangeError(`category weight ${i} must be finite and >= 0, got ${w}`);
    }
    total += w;
    cumulative[i] = total;
  }
  if (!(total > 0)) throw new RangeError('category weights must not all be 0');
  const out = new Array<number>(count);
  for (let j = 0; j < count; j++) {
    out[j] = firstAbove(cumulative, rng.next() * total);
  }
  return out;
}

/**
 * The first index whose cumulative total exceeds `x` (binary search over a non-decreasing table),
 * so a category of weight 0 is never the answer.
 */
export function firstAbove(cumulative: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
