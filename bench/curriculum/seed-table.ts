// What the real-agent curriculum bench prints: one row per seed with each curriculum's held-out
// success after every step and its completed rollouts, then each curriculum's means over the seeds.
import type { Curriculum } from '@arc-agent/core';
import { type CurriculumMeans, type CurriculumRun, type SeedMean, seedsOf } from './curriculum-comparison.js';

const percent = (rate: number) => (100 * rate).toFixed(1);
const points = (rate: number) => `${rate >= 0 ? '+' : ''}${(100 * rate).toFixed(1)}`;

/** A cell: held-out % after each step, arrows between, then the rollouts spent and each step's arms. */
function cell(run: CurriculumRun): string {
  return `${run.heldOutByStep.map((p) => percent(p.successRate)).join(' → ')} (${run.rollouts}; arms ${run.arms.join('/')})`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/**
 * Per seed, each curriculum's held-out success (%) before learning and after every step, and in
 * parentheses its completed rollouts and the arms each step drew from; a seed whose rollouts differ
 * is marked.
 */
export function formatSeedTable(
  runs: readonly CurriculumRun[],
  curricula: readonly Curriculum[],
  unequalSeeds: ReadonlySet<number> = new Set(),
): string[] {
  const rows = seedsOf(runs).map((seed) => [
    unequalSeeds.has(seed) ? `${seed} (unequal)` : String(seed),
    ...curricula.map((c) => {
      const run = runs.find((r) => r.seed === seed && r.curriculum === c);
      return run === undefined ? '-' : cell(run);
    }),
  ]);
  return table(['seed', ...curricula], rows);
}

const withInterval = (m: SeedMean, show: (x: number) => string) =>
  m.interval === null
    ? `${show(m.estimate)} (one seed)`
    : `${show(m.estimate)} (${show(m.interval.low)} to ${show(m.interval.high)})`;

/** Per curriculum: mean held-out % after every step, final and gain with 95 % t intervals. */
export function formatMeans(means: readonly CurriculumMeans[]): string[] {
  return table(
    ['curriculum', 'mean held-out % by step', 'final % (95 % CI)', 'gain, points (95 % CI)'],
    means.map((m) => [
      m.curriculum,
      m.byStep.map(percent).join(' → '),
      withInterval(m.final, percent),
      withInterval(m.gain, points),
    ]),
  );
}
