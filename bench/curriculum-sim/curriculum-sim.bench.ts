// Which curriculum prevents the most failures? (issue 13.) Arc's real learner (core's learning
// step, SEC and the other curricula, fix policies, candidate verdicts, approvals and canary test)
// runs against simulated fleets of 50 to 500 failure patterns with Zipf traffic, under three mixes
// of hopeless, transient and learnable patterns, for every compared curriculum at the same rollout
// budget, on the same seeds. Per mix and curriculum: failures prevented over the horizon (mean and
// 95 % t interval over seeds), its ratio to the best baseline (paired bootstrap), patterns fixed,
// how many learnable patterns got a fix and after how many rollouts, and the budget spent. The last
// line is R for Arc's default curriculum on the typical mix. Every curriculum runs on the typical
// mix, the key ones (`KEY_CURRICULA`) on the others, all of them with ARC_SIM_GRID=full.
// ARC_SIM_SEEDS, ARC_SIM_SEED_BASE, ARC_SIM_STEPS and ARC_SIM_WORKERS scale it.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LEARNER_CONFIG, resolveLearnerConfig } from '@arc-agent/core';
import { envInteger } from '../env-integer.js';
import { BASELINES, COMPARED_CURRICULA, KEY_CURRICULA, productDefault } from './compared-curricula.js';
import { DEFAULT_RUN_SETTINGS, type FleetRunResult, type RunSettings } from './fleet-run.js';
import type { FleetTask, FleetTaskResult } from './fleet-worker.js';
import { bootstrapRatioToBest, type Interval, tInterval } from './seed-statistics.js';
import { DEFAULT_FLEET_PARAMS, type FleetMix, MIXES, patternCountOf } from './simulated-fleet.js';

/**
 * Runs the tasks on `workers` threads, each taking the next task when it is done with one; progress
 * goes to stderr.
 */
async function runTasks(tasks: readonly FleetTask[], workers: number): Promise<FleetRunResult[]> {
  const results = new Array<FleetRunResult>(tasks.length);
  const started = performance.now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, tasks.length) }, async () => {
      const worker = new Worker(new URL('./fleet-worker.mjs', import.meta.url));
      try {
        await new Promise<void>((resolve, reject) => {
          const send = () => worker.postMessage(next < tasks.length ? tasks[next++] : null);
          worker.on('message', ({ index, result }: FleetTaskResult) => {
            results[index] = result;
            if (++done % 20 === 0 || done === tasks.length) {
              const seconds = (performance.now() - started) / 1000;
              process.stderr.write(`  ${done}/${tasks.length} runs, ${seconds.toFixed(0)} s\n`);
            }
            send();
          });
          worker.on('error', reject);
          worker.on('exit', () => resolve());
          send();
        });
      } finally {
        await worker.terminate();
      }
    }),
  );
  return results;
}

const round = (x: number) => Math.round(x).toLocaleString('en-US');
const fixed = (x: number, digits = 2) => x.toFixed(digits);
const span = (i: Interval, f: (x: number) => string) => `${f(i.estimate)} (${f(i.low)}-${f(i.high)})`;

/**
 * Rollouts to the first fix of each learnable pattern, averaged over them with a pattern that never
 * got one counted at the whole budget (a restricted mean: it favours no curriculum that leaves many).
 */
const restrictedMean = (r: FleetRunResult) =>
  r.rolloutsToFirstFix.reduce<number>((s, x) => s + (x ?? r.budget), 0) / Math.max(1, r.learnablePatterns);

export async function run(): Promise<void> {
  const seedCount = envInteger('ARC_SIM_SEEDS', 20, 2);
  const seedBase = envInteger('ARC_SIM_SEED_BASE', 1, 0);
  const steps = envInteger('ARC_SIM_STEPS', DEFAULT_RUN_SETTINGS.steps);
  const workers = envInteger('ARC_SIM_WORKERS', Math.min(2, availableParallelism()));
  const seeds = Array.from({ length: seedCount }, (_, i) => seedBase + i);
  const settings: RunSettings = { ...DEFAULT_RUN_SETTINGS, steps };
  const config = resolveLearnerConfig(settings.learner);
  const arc = productDefault();
  const sizes = seeds.map(patternCountOf);
  console.log(
    `${seeds.length} seeds (${seeds[0]}-${seeds.at(-1)}), fleets of ${Math.min(...sizes)}-${Math.max(...sizes)} ` +
      `patterns (mean ${fixed(sizes.reduce((s, n) => s + n, 0) / sizes.length, 0)}), Zipf s ${DEFAULT_FLEET_PARAMS.zipfExponent}, ` +
      `${DEFAULT_FLEET_PARAMS.failuresPerStep} failures a step; ${steps} steps of B ${config.batchSize} x G ${config.groupSize} ` +
      `(${round(steps * config.batchSize * config.groupSize)} rollouts per curriculum), s ${config.syncInterval}, ` +
      `canary share ${settings.canaryShare}; Arc's default: ${arc.name} (core default ${DEFAULT_LEARNER_CONFIG.curriculum}); ` +
      `${workers} worker thread${workers === 1 ? '' : 's'}`,
  );

  const full = process.env.ARC_SIM_GRID === 'full';
  const curriculaOf = (mix: FleetMix) =>
    COMPARED_CURRICULA.filter((c) => full || mix === MIXES[0] || c === arc || KEY_CURRICULA.includes(c.name));
  const tasks: FleetTask[] = [];
  for (const mix of MIXES)
    for (const seed of seeds)
      for (const spec of curriculaOf(mix)) {
        const params = { ...DEFAULT_FLEET_PARAMS, patterns: patternCountOf(seed) };
        tasks.push({ index: tasks.length, seed, mix: mix.name, spec, params, settings });
      }
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const results = await runTasks(tasks, workers);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);

  const of = (mix: string, name: string) =>
    tasks.filter((t) => t.mix === mix && t.spec.name === name).map((t) => results[t.index]!);
  let headline: Interval | undefined;
  for (const mix of MIXES) {
    const prevented = (name: string) => of(mix.name, name).map((r) => r.failuresPrevented);
    const baselines = BASELINES.map(prevented);
    const without = of(mix.name, arc.name).map((r) => r.failuresWithoutFixes);
    const failures = without.reduce((s, x) => s + x, 0) / without.length;
    console.log(
      `\nmix ${mix.name}: hopeless ${fixed(100 * mix.hopeless, 0)} %, transient ${fixed(100 * mix.solved, 0)} %, ` +
        `learnable ${fixed(100 * mix.learnable, 0)} %; ${round(failures)} failures over the horizon with no fix (mean)`,
    );
    console.log(
      `  ${'curriculum'.padEnd(20)} ${'failures prevented (95 % t CI)'.padEnd(30)} ${'% of failures'.padStart(13)} ` +
        `${'/ best baseline (95 % CI)'.padEnd(25)} ${'fixed'.padStart(6)} ${'got a fix'.padStart(9)} ` +
        `${'rollouts to 1st fix'.padStart(19)} ${'rollouts run'.padStart(14)}`,
    );
    for (const spec of curriculaOf(mix)) {
      const runs = of(mix.name, spec.name);
      const interval = tInterval(prevented(spec.name));
      const ratio = bootstrapRatioToBest(prevented(spec.name), baselines, {
        seed: `${mix.name}:${spec.name}`,
      });
      if (mix === MIXES[0] && spec === arc) headline = ratio;
      const got = runs.reduce((s, r) => s + r.rolloutsToFirstFix.filter((x) => x !== null).length, 0);
      const learnable = runs.reduce((s, r) => s + r.learnablePatterns, 0);
      const mean = (f: (r: FleetRunResult) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
      const budget = runs[0]!.budget;
      if (runs.some((r) => r.budget !== budget)) throw new Error('the curricula did not get the same budget');
      console.log(
        `${spec === arc ? '*' : ' '} ${spec.name.padEnd(20)} ${span(interval, round).padEnd(30)} ` +
          `${`${fixed((100 * interval.estimate) / failures, 1)} %`.padStart(13)} ${span(ratio, fixed).padEnd(25)} ` +
          `${fixed(
            mean((r) => r.patternsFixed),
            1,
          ).padStart(6)} ${`${fixed((100 * got) / learnable, 1)} %`.padStart(9)} ` +
          `${round(mean(restrictedMean)).padStart(19)} ${`${round(mean((r) => r.rolloutsRun))}/${round(budget)}`.padStart(14)}`,
      );
    }
  }
  console.log(
    `\n* Arc's default. Failures prevented: expected failures avoided by what was deployed (canaries at their share), ` +
      `minus working calls broken, over the horizon; t interval over seeds. / best baseline: mean over seeds divided by ` +
      `the best mean of ${BASELINES.join(', ')}, paired bootstrap over seeds (10,000 resamples, best re-chosen in each). ` +
      `fixed: patterns whose promoted fix helps at the horizon; got a fix: learnable patterns for which the learner ` +
      `reported a fix that helps; rollouts to 1st fix: mean over learnable patterns, the whole budget where none came. ` +
      `Idle steps are charged: rollouts run never exceed the budget, and no curriculum gets more.`,
  );
  console.log(
    `${tasks.length} runs in ${fixed(seconds, 0)} s on ${workers} thread${workers === 1 ? '' : 's'} ` +
      `(${fixed((cpu.user + cpu.system) / 1e6, 0)} s of CPU)`,
  );
  const r = headline!;
  console.log(
    `curriculum-sim: arc/best-baseline ${fixed(r.estimate)} (95% CI ${fixed(r.low)}-${fixed(r.high)}) over ${seeds.length} seeds`,
  );
}
