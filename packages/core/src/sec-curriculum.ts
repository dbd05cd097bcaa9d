import { sampleCategorical } from './categorical-sampling.js';
import { type RandomSeed, SeededRandom, type SeededRandomState } from './seeded-random.js';
import { softmax } from './softmax.js';

/** What happens to arms that were not rewarded in a step. */
export type UnsampledPolicy = 'keep' | 'decay';

export interface SecCurriculumOptions {
  /** TD(0) step size α in (0, 1] (default 0.1, the seed's SEC_CONFIG). */
  alpha?: number;
  /** Softmax temperature τ > 0 (default 1). */
  temperature?: number;
  /** Seed of the sampling stream (default 0: deterministic unless the caller seeds it). */
  seed?: RandomSeed;
  /** 'keep' leaves unrewarded arms alone (the paper); 'decay' updates them with r = 0 (its code). */
  unsampled?: UnsampledPolicy;
  /** Q history points kept per arm for the dashboard, oldest dropped first (default 100). */
  historyLimit?: number;
}

export type ResolvedSecCurriculumOptions = Readonly<Required<SecCurriculumOptions>>;

export interface QHistoryPoint {
  step: number;
  q: number;
}

/** Per-arm state, as the dashboard shows it. */
export interface SecArmStats {
  q: number;
  /** Times the arm was drawn: by `sample`, or by another curriculum (`countPulls`). */
  pulls: number;
  /** Times the arm got a reward in `update` (decays with r = 0 are not counted). */
  updates: number;
  history: QHistoryPoint[];
}

export interface SecCurriculumJSON {
  version: 1;
  options: ResolvedSecCurriculumOptions;
  step: number;
  rng: SeededRandomState;
  arms: ({ id: string } & SecArmStats)[];
}

/** SEC's defaults: α and τ from the seed's SEC_CONFIG, unsampled arms kept as the paper does. */
export const DEFAULT_SEC_OPTIONS = Object.freeze({
  alpha: 0.1,
  temperature: 1,
  seed: 0,
  unsampled: 'keep',
  historyLimit: 100,
} as const);
const DEFAULTS = DEFAULT_SEC_OPTIONS;

function resolveOptions(options: SecCurriculumOptions): ResolvedSecCurriculumOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('SEC options must be an object');
  const resolved = {
    alpha: options.alpha ?? DEFAULTS.alpha,
    temperature: options.temperature ?? DEFAULTS.temperature,
    seed: options.seed ?? DEFAULTS.seed,
    unsampled: options.unsampled ?? DEFAULTS.unsampled,
    historyLimit: options.historyLimit ?? DEFAULTS.historyLimit,
  };
  if (!(typeof resolved.alpha === 'number' && resolved.alpha > 0 && resolved.alpha <= 1)) {
    throw new RangeError(`SEC option alpha must be a number in (0, 1], got ${String(resolved.alpha)}`);
  }
  const tau = resolved.temperature;
  if (!(typeof tau === 'number' && Number.isFinite(tau) && tau > 0)) {
    throw new RangeError(`SEC option temperature must be a finite number > 0, got ${String(tau)}`);
  }
  if (resolved.unsampled !== 'keep' && resolved.unsampled !== 'decay') {
    throw new RangeError(`SEC option unsampled must be 'keep' or 'decay', got ${String(resolved.unsampled)}`);
  }
  if (!(Number.isInteger(resolved.historyLimit) && resolved.historyLimit >= 0)) {
    throw new RangeError(
      `SEC option historyLimit must be an integer >= 0, got ${String(resolved.historyLimit)}`,
    );
  }
  new SeededRandom(resolved.seed); // validates the seed with the generator's own message
  return Object.freeze(resolved);
}

// Only the element type is checked: a uniqueness check costs more than the whole sampling step at
// 10 000 arms, and a repeated id is harmless (it is one more entry with the same Q).
function assertArms(arms: readonly string[]): void {
  if (!Array.isArray(arms)) throw new TypeError('arms must be an array of arm ids');
  for (let i = 0; i < arms.length; i++) {
    if (typeof arms[i] !== 'string')
      throw new TypeError(`arms[${i}] must be a string, got ${typeof arms[i]}`);
  }
}

/**
 * Self-Evolving Curriculum (Chen et al. 2025, arXiv 2505.14970): a bandit over patterns (arms).
 * A step draws B arms independently, with replacement, from softmax(Q / τ); after the rollouts each
 * drawn arm's reward is its mean |GRPO advantage| and `Q ← α·r + (1 − α)·Q` (TD(0)). Unseen arms
 * have Q = 0. Deterministic under its seed, and `toJSON` carries the RNG state so a restored
 * curriculum draws the same sequence.
 */
export class SecCurriculum {
  readonly options: ResolvedSecCurriculumOptions;
  #rng: SeededRandom;
  #step = 0;
  readonly #arms = new Map<string, SecArmStats>();

  constructor(options: SecCurriculumOptions = {}) {
    this.options = resolveOptions(options);
    this.#rng = new SeededRandom(this.options.seed);
  }

  /** Number of `update` calls so far. */
  get step(): number {
    return this.#step;
  }

  /** Q value of an arm (0 for an arm never rewarded). */
  q(arm: string): number {
    return this.#arms.get(arm)?.q ?? 0;
  }

  /** Times an arm got a reward in `update` (0 for an arm never rewarded). */
  updates(arm: string): number {
    return this.#arms.get(arm)?.updates ?? 0;
  }

  /** Arms this curriculum has state for (drawn or rewarded at least once), in first-seen order. */
  knownArms(): string[] {
    return [...this.#arms.keys()];
  }

  /** A copy of an arm's state (zeros and no history for an unknown arm). */
  armStats(arm: string): SecArmStats {
    const s = this.#arms.get(arm);
    return s
      ? { q: s.q, pulls: s.pulls, updates: s.updates, history: s.history.map((p) => ({ ...p })) }
      : { q: 0, pulls: 0, updates: 0, history: [] };
  }

  /** softmax(Q / τ) over the given arms, in their order (list each arm once: a repeat is one more entry). */
  probabilities(arms: readonly string[]): number[] {
    assertArms(arms);
    return softmax(
      arms.map((arm) => this.q(arm)),
      this.options.temperature,
    );
  }

  /** Draws `batchSize` arms independently, with replacement, from `probabilities(arms)`. */
  sample(arms: readonly string[], batchSize: number): string[] {
    const probabilities = this.probabilities(arms);
    if (!(Number.isInteger(batchSize) && batchSize >= 0)) {
      throw new RangeError(`batchSize must be an integer >= 0, got ${String(batchSize)}`);
    }
    if (batchSize > 0 && arms.length === 0) throw new RangeError('cannot sample from an empty list of arms');
    const drawn = sampleCategorical(probabilities, this.#rng, batchSize).map((index) => arms[index]!);
    this.countPulls(drawn);
    return drawn;
  }

  /**
   * Counts draws of these arms (a repeat counts again) made by another curriculum over the same
   * patterns, so that pulls are every draw a learner made, whichever curriculum drew it.
   */
  countPulls(drawn: readonly string[]): void {
    for (const arm of drawn) this.#state(arm).pulls++;
  }

  /**
   * One TD(0) step: `Q ← α·r + (1 − α)·Q` for every arm in `rewards`. With `unsampled: 'decay'`
   * every other arm in `arms` (all known arms when `arms` is omitted; unknown arms are at 0 and
   * stay there) is updated with r = 0. In 'keep' mode `arms` is not needed. Counts one step.
   */
  update(rewards: Readonly<Record<string, number>>, arms?: readonly string[]): void {
    if (typeof rewards !== 'object' || rewards === null || Array.isArray(rewards)) {
      throw new TypeError('rewards must be an object mapping arm id to reward');
    }
    const entries = Object.entries(rewards);
    for (const [arm, r] of entries) {
      if (typeof r !== 'number' || !Number.isFinite(r)) {
        throw new TypeError(`reward for arm '${arm}' must be a finite number, got ${String(r)}`);
      }
    }
    if (arms !== undefined) assertArms(arms);
    const step = ++this.#step;
    const alpha = this.options.alpha;
    for (const [arm, r] of entries) {
      const s = this.#state(arm);
      s.updates++;
      this.#record(s, step, alpha * r + (1 - alpha) * s.q);
    }
    if (this.options.unsampled === 'decay') {
      const decayed = new Set<SecArmStats>(); // an arm listed twice still decays once
      for (const arm of arms ?? [...this.#arms.keys()]) {
        if (Object.hasOwn(rewards, arm)) continue;
        const s = this.#arms.get(arm);
        if (s === undefined || s.q === 0 || decayed.has(s)) continue;
        decayed.add(s);
        this.#record(s, step, (1 - alpha) * s.q);
      }
    }
  }

  toJSON(): SecCurriculumJSON {
    return {
      version: 1,
      options: { ...this.options },
      step: this.#step,
      rng: this.#rng.getState(),
      arms: [...this.#arms.keys()].map((id) => ({ id, ...this.armStats(id) })),
    };
  }

  static fromJSON(json: SecCurriculumJSON): SecCurriculum {
    if (typeof json !== 'object' || json === null || json.version !== 1) {
      throw new TypeError('SEC state must be an object with version 1');
    }
    const curriculum = new SecCurriculum(json.options);
    if (!(Number.isInteger(json.step) && json.step >= 0)) {
      throw new TypeError(`SEC state step must be an integer >= 0, got ${String(json.step)}`);
    }
    curriculum.#step = json.step;
    curriculum.#rng = SeededRandom.fromState(json.rng);
    if (!Array.isArray(json.arms)) throw new TypeError('SEC state arms must be an array');
    for (const [i, arm] of json.arms.entries()) {
      const valid =
        typeof arm === 'object' &&
        arm !== null &&
        typeof arm.id === 'string' &&
        Number.isFinite(arm.q) &&
        Number.isInteger(arm.pulls) &&
        arm.pulls >= 0 &&
        Number.isInteger(arm.updates) &&
        arm.updates >= 0 &&
        Array.isArray(arm.history) &&
        arm.history.every((p) => Number.isInteger(p?.step) && Number.isFinite(p?.q));
      if (!valid) throw new TypeError(`SEC state arms[${i}] is not a valid arm`);
      if (curriculum.#arms.has(arm.id)) throw new TypeError(`SEC state arms[${i}] repeats arm '${arm.id}'`);
      const limit = curriculum.options.historyLimit;
      const kept = limit === 0 ? [] : arm.history.slice(-limit);
      curriculum.#arms.set(arm.id, {
        q: arm.q,
        pulls: arm.pulls,
        updates: arm.updates,
        history: kept.map((p) => ({ step: p.step, q: p.q })),
      });
    }
    return curriculum;
  }

  #state(arm: string): SecArmStats {
    let s = this.#arms.get(arm);
    if (s === undefined) {
      s = { q: 0, pulls: 0, updates: 0, history: [] };
      this.#arms.set(arm, s);
    }
    return s;
  }

  #record(s: SecArmStats, step: number, q: number): void {
    s.q = q;
    const limit = this.options.historyLimit;
    if (limit === 0) return;
    if (s.history.length >= limit) s.history.shift();
    s.history.push({ step, q });
  }
}
