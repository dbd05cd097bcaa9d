// The figures of "does the curriculum matter?" (DESIGN.md section 10): from each curriculum's
// held-out score after every step, its final score, the rollouts it used, and the rollouts it needed
// to reach the best final score of the other curricula; then means over seeds and SEC's relative
// difference to each baseline, the way the SEC paper reports its gain over a random curriculum.
import type { HeldOutPoint } from '../../examples/src/index.js';

export const CURRICULA = ['sec', 'random', 'uniform'] as const;
export type Curriculum = (typeof CURRICULA)[number];

/** One curriculum on one seed. */
export interface CurriculumResult {
  /** Held-out success rate after the last step. */
  final: number;
  /** Rollouts it used in all. */
  rollouts: number;
  /** The best final score of the other curricula on the same seed. */
  target: number;
  /** Rollouts spent when its held-out score first reached `target`; null: never. */
  rolloutsToTarget: number | null;
}

export interface CurriculumMeans {
  final: number;
  rollouts: number;
  /** Seeds on which it reached the others' best final score. */
  reached: number;
  seeds: number;
  /** Mean of `rolloutsToTarget` over the seeds where it reached it; null when it never did. */
  rolloutsToTarget: number | null;
}

export interface CurriculumSummary {
  means: Record<Curriculum, CurriculumMeans>;
  /** (SEC − baseline) / baseline of the mean final scores; null when the baseline's is 0. */
  secVsRandom: number | null;
  secVsUniform: number | null;
}

function assertCurve(curve: readonly HeldOutPoint[], name: string): void {
  if (!Array.isArray(curve) || curve.length === 0)
    throw new RangeError(`${name} must hold at least one point`);
  curve.forEach((p, i) => {
    if (!(p.successRate >= 0 && p.successRate <= 1))
      throw new RangeError(`${name}[${i}].successRate must be in [0, 1], got ${String(p.successRate)}`);
    if (!(Number.isInteger(p.rollouts) && p.rollouts >= (i === 0 ? 0 : curve[i - 1]!.rollouts)))
      throw new RangeError(`${name}[${i}].rollouts must be an integer not below the point before`);
  });
}

/** Rollouts spent when the score first reached `target` (0 when it started there); null: never. */
export function rolloutsToReach(curve: readonly HeldOutPoint[], target: number): number | null {
  assertCurve(curve, 'curve');
  return curve.find((p) => p.successRate >= target)?.rollouts ?? null;
}

/** One seed: each curriculum's result against the best final score of the other two. */
export function compareCurricula(
  curves: Readonly<Record<Curriculum, readonly HeldOutPoint[]>>,
): Record<Curriculum, CurriculumResult> {
  for (const c of CURRICULA) assertCurve(curves[c], `curves.${c}`);
  const finalOf = (c: Curriculum) => curves[c].at(-1)!;
  const result = (c: Curriculum): CurriculumResult => {
    const target = Math.max(...CURRICULA.filter((o) => o !== c).map((o) => finalOf(o).successRate));
    return {
      final: finalOf(c).successRate,
      rollouts: finalOf(c).rollouts,
      target,
      rolloutsToTarget: rolloutsToReach(curves[c], target),
    };
  };
  return { sec: result('sec'), random: result('random'), uniform: result('uniform') };
}

/** (value − baseline) / baseline; null when the baseline is 0, where no ratio exists. */
export function relativeDifference(value: number, baseline: number): number | null {
  return baseline === 0 ? null : (value - baseline) / baseline;
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/** Means over seeds per curriculum, and SEC's relative difference to each baseline. */
export function summarizeSeeds(seeds: readonly Record<Curriculum, CurriculumResult>[]): CurriculumSummary {
  if (seeds.length === 0) throw new RangeError('seeds must hold at least one seed');
  const meansOf = (c: Curriculum): CurriculumMeans => {
    const results = seeds.map((s) => s[c]);
    const reached = results.flatMap((r) => (r.rolloutsToTarget === null ? [] : [r.rolloutsToTarget]));
    return {
      final: mean(results.map((r) => r.final)),
      rollouts: mean(results.map((r) => r.rollouts)),
      reached: reached.length,
      seeds: seeds.length,
      rolloutsToTarget: reached.length === 0 ? null : mean(reached),
    };
  };
  const means = { sec: meansOf('sec'), random: meansOf('random'), uniform: meansOf('uniform') };
  return {
    means,
    secVsRandom: relativeDifference(means.sec.final, means.random.final),
    secVsUniform: relativeDifference(means.sec.final, means.uniform.final),
  };
}
