// Does the curriculum matter? (issue 7, DESIGN.md section 10.) The real demo agent (SmolLM2 on
// BFCL, the local model) learns with SEC, with the SEC paper's random curriculum and with a uniform
// one over patterns, on the same seeds: the same task split, the same learner seed, the same steps
// and B x G, so the same rollout budget. Each run scores the held-out set after every step; the
// figures are each curriculum's final score, its rollouts, and the rollouts it needed to reach the
// best final score of the other two, then means over seeds and SEC's relative difference to each.
// Sizes are small by default: 9 runs of about 92 model calls each, some 50 minutes on an idle
// 2-core machine (much longer on a loaded one). ARC_BENCH_SEEDS, ARC_BENCH_TASKS,
// ARC_BENCH_LEARNING_TASKS, ARC_BENCH_STEPS, ARC_BENCH_BATCH_SIZE and ARC_BENCH_GROUP_SIZE scale it.
import { type HeldOutPoint, runDemo } from '../../examples/src/index.js';
import { envInteger } from '../env-integer.js';
import {
  CURRICULA,
  type Curriculum,
  type CurriculumResult,
  compareCurricula,
  summarizeSeeds,
} from './curriculum-comparison.js';

const percent = (rate: number) => `${(100 * rate).toFixed(1)} %`;
const signedPercent = (ratio: number | null) =>
  ratio === null ? 'n/a (baseline at 0 %)' : `${ratio >= 0 ? '+' : ''}${(100 * ratio).toFixed(1)} %`;

export async function run(): Promise<void> {
  const seeds = Array.from({ length: envInteger('ARC_BENCH_SEEDS', 3) }, (_, i) => i + 1);
  const sizes = {
    tasks: envInteger('ARC_BENCH_TASKS', 20),
    learningTasks: envInteger('ARC_BENCH_LEARNING_TASKS', 8),
    steps: envInteger('ARC_BENCH_STEPS', 2),
    batchSize: envInteger('ARC_BENCH_BATCH_SIZE', 3),
    groupSize: envInteger('ARC_BENCH_GROUP_SIZE', 4),
  };
  console.log(
    `${seeds.length} seeds x ${CURRICULA.join(', ')}: ${sizes.tasks} held-out tasks, ${sizes.learningTasks} ` +
      `learning-pool tasks, ${sizes.steps} steps of B ${sizes.batchSize} x G ${sizes.groupSize} ` +
      `(${sizes.steps * sizes.batchSize * sizes.groupSize} rollouts each); the demo's progress goes to stderr`,
  );
  const started = performance.now();
  const perSeed: Record<Curriculum, CurriculumResult>[] = [];
  for (const seed of seeds) {
    const curves = {} as Record<Curriculum, HeldOutPoint[]>;
    for (const curriculum of CURRICULA) {
      const runStarted = performance.now();
      const report = await runDemo({ ...sizes, seed, curriculum, evaluateEachStep: true });
      curves[curriculum] = report.heldOutByStep!;
      console.log(
        `  seed ${seed} ${curriculum.padEnd(7)} held-out by step ` +
          `${curves[curriculum].map((p) => `${percent(p.successRate)} @ ${p.rollouts}`).join(', ')} ` +
          `(${((performance.now() - runStarted) / 1000).toFixed(0)} s)`,
      );
    }
    const results = compareCurricula(curves);
    perSeed.push(results);
    console.log(`seed ${seed}:`);
    for (const c of CURRICULA) {
      const r = results[c];
      const reach =
        r.rolloutsToTarget === null ? 'not reached' : `reached after ${r.rolloutsToTarget} rollouts`;
      console.log(
        `  ${c.padEnd(7)} final ${percent(r.final).padStart(7)}, ${String(r.rollouts).padStart(4)} rollouts; ` +
          `the others' best final ${percent(r.target)}: ${reach}`,
      );
    }
  }

  const summary = summarizeSeeds(perSeed);
  console.log(`means over ${seeds.length} seeds:`);
  for (const c of CURRICULA) {
    const m = summary.means[c];
    const reach =
      m.rolloutsToTarget === null
        ? 'never'
        : `${m.rolloutsToTarget.toFixed(1)} rollouts on average where reached`;
    console.log(
      `  ${c.padEnd(7)} final ${percent(m.final).padStart(7)}, ${m.rollouts.toFixed(1)} rollouts; ` +
        `reached the others' best on ${m.reached}/${m.seeds} seeds (${reach})`,
    );
  }
  console.log(
    `SEC vs random:  ${signedPercent(summary.secVsRandom)} relative held-out success (the SEC paper reports +13 % to +33 %)`,
  );
  console.log(`SEC vs uniform: ${signedPercent(summary.secVsUniform)} relative held-out success`);
  console.log(`wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
