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
  const last = weights.length - 1;
  for (let j = 0; j < count; j++) {
    // First index whose cumulative weight exceeds u: a zero-weight category never wins.
    const u = rng.next() * total;
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
  return out;
}
