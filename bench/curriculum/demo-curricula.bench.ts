// Does the curriculum matter on the real agent? (issue 13 part 2, DESIGN.md section 10.) The demo
// (SmolLM2 on BFCL's simple, multiple, parallel and irrelevance tasks, the local model) runs once per
// seed and curriculum through runDemo: under one seed every curriculum gets the same task split, the
// same seeded model sampling and the same first round of traffic, and the same steps and B x G, so
// the same learner budget; the rollouts each run got back are counted from its report, and a seed
// whose curricula differ is flagged. The arms each step drew from show whether the curricula had
// anything to choose between (with one, all draw alike). Each run scores the held-out set after every step. Printed: the
// per-seed table, each curriculum's means with 95 % t intervals over seeds, and last Arc's default
// curriculum against the best of random, uniform and greedy.
// Sizes (defaults in parentheses; a run costs about 3 s of CPU per model call, see the README):
// ARC_BENCH_SEEDS (2) seeds from ARC_BENCH_SEED_BASE (7), ARC_BENCH_CURRICULA (all of core's, comma
// separated; must include the default and a baseline), ARC_BENCH_TASKS (12 held-out),
// ARC_BENCH_LEARNING_TASKS (24), ARC_BENCH_STEPS (3), ARC_BENCH_BATCH_SIZE (2), ARC_BENCH_GROUP_SIZE
// (4). ARC_BENCH_REPORT_DIR keeps each run's demo report there as seed-<n>-<curriculum>.json.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runDemo } from '../../examples/src/index.js';
import { envInteger } from '../env-integer.js';
import {
  type CurriculumRun,
  curriculumMeans,
  defaultVersusBestBaseline,
  parseCurricula,
  runOf,
  summaryLine,
  unequalRollouts,
} from './curriculum-comparison.js';
import { formatMeans, formatSeedTable } from './seed-table.js';

export async function run(): Promise<void> {
  const seedBase = envInteger('ARC_BENCH_SEED_BASE', 7, 0);
  const seeds = Array.from({ length: envInteger('ARC_BENCH_SEEDS', 2) }, (_, i) => seedBase + i);
  const curricula = parseCurricula(process.env.ARC_BENCH_CURRICULA);
  const sizes = {
    tasks: envInteger('ARC_BENCH_TASKS', 12),
    learningTasks: envInteger('ARC_BENCH_LEARNING_TASKS', 24),
    steps: envInteger('ARC_BENCH_STEPS', 3),
    batchSize: envInteger('ARC_BENCH_BATCH_SIZE', 2),
    groupSize: envInteger('ARC_BENCH_GROUP_SIZE', 4),
  };
  const reportDir = process.env.ARC_BENCH_REPORT_DIR || undefined;
  if (reportDir !== undefined) await mkdir(reportDir, { recursive: true });
  console.log(
    `seeds ${seeds.join(', ')} x ${curricula.join(', ')}: ${sizes.tasks} held-out tasks, ${sizes.learningTasks} ` +
      `learning-pool tasks, ${sizes.steps} steps of B ${sizes.batchSize} x G ${sizes.groupSize} ` +
      `(at most ${sizes.steps * sizes.batchSize * sizes.groupSize} rollouts each); the demo's progress goes to stderr`,
  );
  const started = performance.now();
  const runs: CurriculumRun[] = [];
  for (const seed of seeds) {
    for (const curriculum of curricula) {
      const report = await runDemo({
        ...sizes,
        seed,
        curriculum,
        evaluateEachStep: true,
        ...(reportDir !== undefined ? { report: join(reportDir, `seed-${seed}-${curriculum}.json`) } : {}),
      });
      const kept = runOf(seed, curriculum, report);
      runs.push(kept);
      console.log(
        `  seed ${seed} ${curriculum.padEnd(17)} held-out % by step ` +
          `${kept.heldOutByStep.map((p) => (100 * p.successRate).toFixed(1)).join(' → ')}, ` +
          `${kept.rollouts} rollouts, arms by step ${kept.arms.join('/')} ` +
          `(${report.usage.wallSeconds.toFixed(0)} s wall, ${report.usage.cpuSeconds.toFixed(0)} s CPU)`,
      );
    }
  }

  const unequal = unequalRollouts(runs);
  console.log(
    'held-out success % before learning and after each step (completed rollouts; patterns each step drew from):',
  );
  for (const line of formatSeedTable(runs, curricula, new Set(unequal.map((u) => u.seed)))) console.log(line);
  console.log(`means over ${seeds.length} seeds (95 % t intervals):`);
  for (const line of formatMeans(curriculumMeans(runs, curricula))) console.log(line);
  for (const u of unequal) console.log(`UNEQUAL BUDGET ${u.message}`);
  console.log(`wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (unequal.length > 0) process.exitCode = 1;
  console.log(summaryLine(defaultVersusBestBaseline(runs)));
}
