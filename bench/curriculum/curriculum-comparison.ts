// The figures of "does the curriculum matter on the real agent?" (issue 13 part 2): each demo run
// kept as its held-out score after every step and the rollouts it got back; a check that every
// curriculum of a seed spent the same rollouts at every step (a comparison at unequal budget is
// flagged, not reported as one); means over seeds with 95 % t intervals; and Arc's default
// curriculum against the best baseline (ratio of mean final held-out success, paired bootstrap).
import { CURRICULA, type Curriculum, DEFAULT_LEARNER_CONFIG, isCurriculum } from '@arc-agent/core';
import type { DemoReport, HeldOutPoint } from '../../examples/src/index.js';
import { BASELINES } from '../curriculum-sim/compared-curricula.js';
import { bootstrapRatioToBest, type Interval, mean, tInterval } from '../curriculum-sim/seed-statistics.js';

/** The baselines Arc's default is measured against, as in the simulated bench. */
export const BASELINE_CURRICULA: readonly Curriculum[] = CURRICULA.filter((c) => BASELINES.includes(c));

/** One demo run as the bench keeps it. */
export interface CurriculumRun {
  seed: number;
  curriculum: Curriculum;
  /** Held-out success after every step (step 0: before learning), with the rollouts spent by then. */
  heldOutByStep: HeldOutPoint[];
  /** Rollouts the learner got back over the run, as the report counts them. */
  rollouts: number;
  /**
   * Patterns each step that ran could draw from: with one, every curriculum draws alike, so this
   * says whether the curricula had anything to choose between.
   */
  arms: number[];
}

function assertCurve(curve: readonly HeldOutPoint[], name: string): void {
  if (!Array.isArray(curve) || curve.length === 0)
    throw new RangeError(`${name} must hold at least one point`);
  curve.forEach((p, i) => {
    if (p.step !== i) throw new RangeError(`${name}[${i}].step must be ${i}, got ${String(p.step)}`);
    if (!(p.successRate >= 0 && p.successRate <= 1))
      throw new RangeError(`${name}[${i}].successRate must be in [0, 1], got ${String(p.successRate)}`);
    if (!(Number.isInteger(p.rollouts) && p.rollouts >= (i === 0 ? 0 : curve[i - 1]!.rollouts)))
      throw new RangeError(`${name}[${i}].rollouts must be an integer not below the point before`);
  });
}

/** A run from its demo report, which must have scored the held-out set after every step. */
export function runOf(
  seed: number,
  curriculum: Curriculum,
  report: Pick<DemoReport, 'rollouts' | 'heldOutByStep' | 'curriculum'>,
): CurriculumRun {
  const name = `seed ${seed} ${curriculum}`;
  if (report.heldOutByStep === undefined)
    throw new RangeError(`${name}: the report has no heldOutByStep (run with evaluateEachStep)`);
  assertCurve(report.heldOutByStep, `${name}: heldOutByStep`);
  if (report.heldOutByStep.at(-1)!.rollouts !== report.rollouts) {
    throw new RangeError(
      `${name}: heldOutByStep ends at ${report.heldOutByStep.at(-1)!.rollouts} rollouts, the report counts ${report.rollouts}`,
    );
  }
  return {
    seed,
    curriculum,
    heldOutByStep: report.heldOutByStep,
    rollouts: report.rollouts,
    arms: report.curriculum.map((step) => step.arms.length),
  };
}

/** The seeds of the runs, in the order they first appear. */
export function seedsOf(runs: readonly CurriculumRun[]): number[] {
  return [...new Set(runs.map((r) => r.seed))];
}

function runAt(runs: readonly CurriculumRun[], seed: number, curriculum: Curriculum): CurriculumRun {
  const run = runs.find((r) => r.seed === seed && r.curriculum === curriculum);
  if (run === undefined) throw new RangeError(`no run of ${curriculum} on seed ${seed}`);
  return run;
}

/** A seed whose curricula did not spend equal rollouts. */
export interface UnequalSeed {
  seed: number;
  /** Each curriculum's completed rollouts after every step. */
  message: string;
}

/** The seeds whose curricula did not spend equal rollouts after every step; empty when all agree. */
export function unequalRollouts(runs: readonly CurriculumRun[]): UnequalSeed[] {
  return seedsOf(runs).flatMap((seed) => {
    const ofSeed = runs.filter((r) => r.seed === seed);
    const spent = (r: CurriculumRun) => r.heldOutByStep.map((p) => p.rollouts).join('/');
    if (new Set(ofSeed.map(spent)).size <= 1) return [];
    const message = `seed ${seed}: rollouts by step differ: ${ofSeed.map((r) => `${r.curriculum} ${spent(r)}`).join(', ')}`;
    return [{ seed, message }];
  });
}

export interface CurriculumMeans {
  curriculum: Curriculum;
  /** Mean held-out success after every step over the seeds. */
  byStep: number[];
  /** Final held-out success over the seeds. */
  final: SeedMean;
  /** Final minus before-learning held-out success, per seed, then as `final`. */
  gain: SeedMean;
}

export interface SeedMean {
  estimate: number;
  /** The 95 % t interval; null with one seed. */
  interval: Interval | null;
}

const seedMean = (values: readonly number[]): SeedMean => ({
  estimate: mean(values),
  interval: values.length >= 2 ? tInterval(values) : null,
});

/** Each curriculum's means over the seeds (every seed must have run every curriculum, with as many steps). */
export function curriculumMeans(
  runs: readonly CurriculumRun[],
  curricula: readonly Curriculum[],
): CurriculumMeans[] {
  const seeds = seedsOf(runs);
  if (seeds.length === 0) throw new RangeError('runs must hold at least one run');
  return curricula.map((curriculum) => {
    const curves = seeds.map((seed) => runAt(runs, seed, curriculum).heldOutByStep);
    const steps = curves[0]!.length;
    if (curves.some((c) => c.length !== steps))
      throw new RangeError(`${curriculum}: every seed must have the same number of steps`);
    return {
      curriculum,
      byStep: Array.from({ length: steps }, (_, k) => mean(curves.map((c) => c[k]!.successRate))),
      final: seedMean(curves.map((c) => c.at(-1)!.successRate)),
      gain: seedMean(curves.map((c) => c.at(-1)!.successRate - c[0]!.successRate)),
    };
  });
}

export interface DefaultVerdict {
  arc: Curriculum;
  /** The baseline with the highest mean final held-out success (the first of them on a tie). */
  best: Curriculum;
  arcFinal: number;
  bestFinal: number;
  seeds: number;
  /**
   * mean final(arc) / max over baselines of mean final, with a paired bootstrap interval that
   * re-chooses the best baseline in each resample; null with one seed or when every baseline is at 0.
   */
  ratio: Interval | null;
  /** Why a comparison at equal budget cannot be claimed; empty when it can. */
  unequal: UnequalSeed[];
}

/** Arc's default curriculum against the best of the baselines that ran. */
export function defaultVersusBestBaseline(
  runs: readonly CurriculumRun[],
  arc: Curriculum = DEFAULT_LEARNER_CONFIG.curriculum,
): DefaultVerdict {
  const seeds = seedsOf(runs);
  const ran = new Set(runs.map((r) => r.curriculum));
  const baselines = BASELINE_CURRICULA.filter((c) => ran.has(c) && c !== arc);
  if (baselines.length === 0)
    throw new RangeError(`no baseline ran: run at least one of ${BASELINE_CURRICULA.join(', ')}`);
  const finals = (c: Curriculum) =>
    seeds.map((seed) => runAt(runs, seed, c).heldOutByStep.at(-1)!.successRate);
  const arcFinals = finals(arc);
  const baselineFinals = baselines.map(finals);
  const means = baselineFinals.map(mean);
  const top = means.indexOf(Math.max(...means));
  return {
    arc,
    best: baselines[top]!,
    arcFinal: mean(arcFinals),
    bestFinal: means[top]!,
    seeds: seeds.length,
    ratio:
      seeds.length >= 2 && means[top]! > 0
        ? bootstrapRatioToBest(arcFinals, baselineFinals, { seed: 'curriculum-bench' })
        : null,
    unequal: unequalRollouts(runs),
  };
}

const percent = (rate: number) => `${(100 * rate).toFixed(1)} %`;

/** The bench's last line: Arc's default against the best baseline, or why it is not at equal budget. */
export function summaryLine(v: DefaultVerdict): string {
  const ratio =
    v.ratio === null
      ? `n/a (${v.seeds < 2 ? 'one seed gives no interval' : 'every baseline at 0 %'})`
      : `${v.ratio.estimate.toFixed(2)} (95% CI ${v.ratio.low.toFixed(2)}-${v.ratio.high.toFixed(2)})`;
  const budget =
    v.unequal.length === 0
      ? 'equal rollouts'
      : `UNEQUAL rollouts on ${v.unequal.length} seed(s): not a comparison at equal budget`;
  return (
    `curriculum: ${v.arc}/best-baseline ${ratio} over ${v.seeds} seeds; final held-out ` +
    `${percent(v.arcFinal)} vs ${percent(v.bestFinal)} (${v.best}); ${budget}`
  );
}

/**
 * The curricula ARC_BENCH_CURRICULA names (comma-separated; unset or empty: all of core's), which
 * must include Arc's default and at least one baseline so that the last line has its two sides.
 */
export function parseCurricula(
  raw: string | undefined,
  arc: Curriculum = DEFAULT_LEARNER_CONFIG.curriculum,
): Curriculum[] {
  const names = raw === undefined || raw.trim() === '' ? [...CURRICULA] : raw.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !isCurriculum(n));
  if (unknown.length > 0)
    throw new RangeError(`ARC_BENCH_CURRICULA: ${unknown.join(', ')} not among ${CURRICULA.join(', ')}`);
  const curricula = [...new Set(names as Curriculum[])];
  if (!curricula.includes(arc)) throw new RangeError(`ARC_BENCH_CURRICULA must include the default, ${arc}`);
  if (!curricula.some((c) => c !== arc && BASELINE_CURRICULA.includes(c)))
    throw new RangeError(`ARC_BENCH_CURRICULA must include a baseline: ${BASELINE_CURRICULA.join(', ')}`);
  // The default first, then in core's order.
  return [arc, ...CURRICULA.filter((c) => c !== arc && curricula.includes(c))];
}
