import { CURRICULA, type Curriculum, isCurriculum } from './curriculum-draw.js';

/** Settings of the learning loop, per project (DESIGN.md section 3; defaults from the seed). */
export interface LearnerConfig {
  /**
   * How a step draws its B patterns (`Curriculum`). The default is the one that prevented the most
   * failures at equal rollout budget in the simulated fleet (`npm run bench -- curriculum-sim`).
   */
  curriculum?: Curriculum;
  /** B: patterns drawn per step, with replacement (default 32). */
  batchSize?: number;
  /** G: rollouts per problem, each with a candidate drawn from the fix policy (default 4). */
  groupSize?: number;
  /**
   * Share of problems taken from inputs of the same function that currently succeed, in [0, 1)
   * (default 0.25): a fix must show there that it does not break working calls. A verdict needs
   * `minTrials` (8) failing-input trials but, with `maxRegression` 0.05, some 20 to 60 clean
   * working-input trials (see `judgeCandidates`), so those are what results wait for: in the
   * learning simulation one problem in four brings the first results about twice as soon as one in ten.
   */
  successShare?: number;
  /** Step size η of the fix policy gradient (default 0.1). */
  learningRate?: number;
  /** GRPO advantages divided by the group's standard deviation (default true). */
  normalizeByStd?: boolean;
  /** Posterior probability of beating the incumbent that makes a learning result (default 0.95). */
  confidence?: number;
  /** Failing-input trials a candidate and the incumbent need before a verdict (default 8). */
  minTrials?: number;
  /**
   * Succeeding-input trials a candidate and the incumbent each need, while such inputs exist, before
   * a verdict on working calls (default 2).
   */
  minGuardTrials?: number;
  /**
   * Margin of the guard (default 0.05): a result must show, with the configured confidence, that its
   * success rate on working inputs is at most this much below the incumbent's; see `judgeCandidates`.
   */
  maxRegression?: number;
  /** Steps in a row with every failing-input reward 0 that, with Q near 0, exhaust a pattern (default 5). */
  exhaustAfterSteps?: number;
  /** Q at or below which a pattern counts as near 0 (default 0.05). */
  exhaustedQ?: number;
  /** s: production agents get the learner's policy every s steps (default 50; Infinity: never). */
  syncInterval?: number;
}

export type ResolvedLearnerConfig = Readonly<Required<LearnerConfig>>;

export const DEFAULT_LEARNER_CONFIG: ResolvedLearnerConfig = Object.freeze({
  curriculum: 'learnable-traffic',
  batchSize: 32,
  groupSize: 4,
  successShare: 0.25,
  learningRate: 0.1,
  normalizeByStd: true,
  confidence: 0.95,
  minTrials: 8,
  minGuardTrials: 2,
  maxRegression: 0.05,
  exhaustAfterSteps: 5,
  exhaustedQ: 0.05,
  syncInterval: 50,
});

type Check = (value: unknown) => boolean;
const integerAtLeast =
  (min: number): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min;
const inRange =
  (min: number, max: number, maxOpen = false): Check =>
  (v) =>
    typeof v === 'number' && v >= min && (maxOpen ? v < max : v <= max);

const CHECKS: Record<keyof LearnerConfig, [Check, string]> = {
  curriculum: [isCurriculum, `one of ${CURRICULA.join(', ')}`],
  batchSize: [integerAtLeast(1), 'an integer >= 1'],
  groupSize: [integerAtLeast(1), 'an integer >= 1'],
  successShare: [inRange(0, 1, true), 'a number in [0, 1)'],
  learningRate: [(v) => typeof v === 'number' && Number.isFinite(v) && v > 0, 'a finite number > 0'],
  normalizeByStd: [(v) => typeof v === 'boolean', 'a boolean'],
  confidence: [(v) => typeof v === 'number' && v > 0 && v < 1, 'a number in (0, 1)'],
  minTrials: [integerAtLeast(0), 'an integer >= 0'],
  minGuardTrials: [integerAtLeast(0), 'an integer >= 0'],
  maxRegression: [inRange(0, 1), 'a number in [0, 1]'],
  exhaustAfterSteps: [integerAtLeast(1), 'an integer >= 1'],
  exhaustedQ: [(v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a finite number >= 0'],
  syncInterval: [
    (v) => v === Number.POSITIVE_INFINITY || integerAtLeast(1)(v),
    'an integer >= 1 or Infinity',
  ],
};

/** Defaults filled in and every value checked; errors name the field (`config.groupSize`). */
export function resolveLearnerConfig(config: LearnerConfig = {}): ResolvedLearnerConfig {
  if (typeof config !== 'object' || config === null) throw new TypeError('config must be an object');
  const resolved: Record<string, unknown> = { ...DEFAULT_LEARNER_CONFIG };
  for (const key of Object.keys(CHECKS) as (keyof LearnerConfig)[]) {
    const value = config[key];
    if (value === undefined) continue;
    const [check, wanted] = CHECKS[key];
    if (!check(value)) throw new RangeError(`config.${key} must be ${wanted}, got ${String(value)}`);
    resolved[key] = value;
  }
  return Object.freeze(resolved as Required<LearnerConfig>);
}
