// The statistics the curriculum bench reports over seeds: a Student t interval for a mean, and a
// paired percentile bootstrap for the ratio of one curriculum's mean to the best of several others.
import { regularizedIncompleteBeta, SeededRandom } from '@arc-agent/core';

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** P(T <= t) for Student's t with `df` degrees of freedom, from the incomplete Beta function. */
function studentCdf(t: number, df: number): number {
  const tail = regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on its CDF). */
export function studentQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`df must be > 0, got ${df}`);
  let low = -1e3;
  let high = 1e3;
  for (let i = 0; i < 200 && high - low > 1e-12; i++) {
    const mid = (low + high) / 2;
    if (studentCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** The arithmetic mean of the values. */
export const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** mean ± t_{(1+level)/2, n−1} · s / √n over the values (one per seed); needs two or more. */
export function tInterval(values: readonly number[], level = 0.95): Interval {
  if (values.length < 2) throw new RangeError('a t interval needs at least two values');
  const m = mean(values);
  const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
  const half = studentQuantile((1 + level) / 2, values.length - 1) * Math.sqrt(variance / values.length);
  return { estimate: m, low: m - half, high: m + half };
}

/**
 * mean(subject) / max over the baselines of mean(baseline), with a paired percentile bootstrap
 * interval: seeds are resampled with replacement, the same seeds for the subject and every
 * baseline, and in each resample the best baseline is chosen afresh (so the interval carries the
 * choice of the best). `subject` and each baseline hold one value per seed, in the same seed order.
 */
export function bootstrapRatioToBest(
  subject: readonly number[],
  baselines: readonly (readonly number[])[],
  options: { resamples?: number; level?: number; seed?: string } = {},
): Interval {
  const n = subject.length;
  if (n < 2) throw new RangeError('a bootstrap needs at least two seeds');
  if (baselines.length === 0 || baselines.some((b) => b.length !== n)) {
    throw new RangeError('every baseline needs one value per seed of the subject');
  }
  const resamples = options.resamples ?? 10_000;
  const level = options.level ?? 0.95;
  const rng = new SeededRandom(options.seed ?? 'bootstrap');
  const ratio = (pick: (i: number) => number) => {
    let top = 0;
    const sums = new Array<number>(baselines.length).fill(0);
    for (let i = 0; i < n; i++) {
      const seed = pick(i);
      top += subject[seed]!;
      for (let b = 0; b < baselines.length; b++) sums[b]! += baselines[b]![seed]!;
    }
    return top / Math.max(...sums);
  };
  if (!(Math.max(...baselines.map(mean)) > 0))
    throw new RangeError('the best baseline must have a mean above 0');
  const ratios = Array.from({ length: resamples }, () => ratio(() => rng.nextInt(n))).sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { estimate: ratio((i) => i), low: at((1 - level) / 2), high: at((1 + level) / 2) };
}
