import { probabilityBetaGreater } from './beta-comparison.js';
import { sampleCategorical } from './categorical-sampling.js';
import { type GrpoAdvantageOptions, grpoAdvantages } from './grpo-advantages.js';
import type { SeededRandom } from './seeded-random.js';
import { softmax } from './softmax.js';

/** One rollout: the candidate fix it ran with, its verifier reward in [0, 1], its problem's group. */
export interface FixRollout {
  candidateId: string;
  reward: number;
  group: string | number;
}

export interface FixPolicyUpdateOptions extends GrpoAdvantageOptions {
  /** Step size η of the policy gradient (default 0.1). */
  learningRate?: number;
}

/** A candidate's logit and its Beta posterior's evidence. */
export interface FixCandidateStats {
  id: string;
  theta: number;
  /** Sum of rewards: a reward of 0.7 counts as 0.7 of a success and 0.3 of a failure. */
  successes: number;
  trials: number;
}

export interface FixComparisonOptions {
  /** Posterior probability of being better that counts as beating (default 0.95). */
  confidence?: number;
  /** Trials both the candidate and the incumbent need before a verdict (default 8). */
  minTrials?: number;
}

export interface FixComparison {
  beats: boolean;
  /** P(p_candidate > p_incumbent) under the two Beta posteriors. */
  probabilityBetter: number;
  /** Posterior mean success rate of the candidate minus that of the incumbent. */
  improvement: number;
  /** The candidate's trials. */
  trials: number;
  incumbentTrials: number;
}

export interface FixPolicyJSON {
  version: 1;
  candidates: FixCandidateStats[];
}

function assertCandidateId(id: unknown, where: string): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError(`${where} must be a non-empty string`);
}

/**
 * GRPO over fixes for one pattern (DESIGN.md section 3): a softmax policy π = softmax(θ) over
 * candidate fixes, index 0 being the incumbent (what is deployed now, possibly "no fix"). Rollouts
 * sample candidates from π; rewards are turned into GRPO advantages per problem group and θ moves
 * along the exact gradient of the categorical log-likelihood. Each candidate also keeps a Beta
 * posterior Beta(1 + successes, 1 + failures) of its success rate, used to decide when it beats
 * the incumbent.
 */
export class FixPolicy {
  readonly #candidates: FixCandidateStats[] = [];
  readonly #index = new Map<string, number>();

  /** `candidateIds[0]` is the incumbent. Every logit starts at 0 (a uniform policy). */
  constructor(candidateIds: readonly string[]) {
    if (!Array.isArray(candidateIds) || candidateIds.length === 0) {
      throw new TypeError('a fix policy needs a non-empty array of candidate ids (index 0 = incumbent)');
    }
    for (const id of candidateIds) this.#add({ id, theta: 0, successes: 0, trials: 0 });
  }

  get incumbentId(): string {
    return this.#candidates[0]!.id;
  }

  candidateIds(): string[] {
    return this.#candidates.map((c) => c.id);
  }

  /** A copy of a candidate's state. */
  candidate(id: string): FixCandidateStats {
    return { ...this.#get(id) };
  }

  /** π = softmax(θ), in candidate order. */
  probabilities(): number[] {
    return softmax(this.#candidates.map((c) => c.theta));
  }

  /** Draws `count` candidate ids independently from π with the caller's generator. */
  sample(rng: SeededRandom, count: number): string[] {
    return sampleCategorical(this.probabilities(), rng, count).map((i) => this.#candidates[i]!.id);
  }

  /**
   * Adds a candidate. Its logit defaults to the incumbent's, so a new fix starts exactly as likely
   * to be tried as what is deployed; `warmStartTheta` overrides that (e.g. a fix transferred from a
   * similar pattern).
   */
  addCandidate(id: string, opts: { warmStartTheta?: number } = {}): void {
    const theta = opts.warmStartTheta ?? this.#candidates[0]!.theta;
    if (!Number.isFinite(theta)) throw new TypeError(`warmStartTheta must be a finite number, got ${theta}`);
    this.#add({ id, theta, successes: 0, trials: 0 });
  }

  /**
   * One policy-gradient step from a batch of rollouts. Advantages are GRPO's within each group;
   * then, with π taken before the step, θ_k += η · Σ_i A_i · (1[k_i = k] − π(k)) for every k.
   * Each rollout also adds its reward to its candidate's successes and 1 to its trials. Returns the
   * advantages in rollout order (their mean |A| is the pattern's SEC reward). Validates the whole
   * batch before changing anything.
   */
  update(rollouts: readonly FixRollout[], opts: FixPolicyUpdateOptions = {}): number[] {
    const learningRate = opts.learningRate ?? 0.1;
    if (!(Number.isFinite(learningRate) && learningRate > 0)) {
      throw new RangeError(`learningRate must be a finite number > 0, got ${learningRate}`);
    }
    if (!Array.isArray(rollouts)) throw new TypeError('rollouts must be an array');
    const indices = rollouts.map((r, i) => {
      if (typeof r !== 'object' || r === null) throw new TypeError(`rollouts[${i}] must be an object`);
      const index = this.#index.get(r.candidateId);
      if (index === undefined) {
        throw new RangeError(`rollouts[${i}].candidateId '${String(r.candidateId)}' is not a candidate`);
      }
      if (!(typeof r.reward === 'number' && r.reward >= 0 && r.reward <= 1)) {
        throw new RangeError(`rollouts[${i}].reward must be a number in [0, 1], got ${String(r.reward)}`);
      }
      return index;
    });
    const advantages = grpoAdvantages(
      rollouts.map((r) => r.reward),
      rollouts.map((r) => r.group),
      { normalizeByStd: opts.normalizeByStd, epsilon: opts.epsilon },
    );
    const pi = this.probabilities();
    let advantageSum = 0;
    for (const a of advantages) advantageSum += a;
    // Σ_i A_i (1[k_i = k] − π_k) = (Σ_{i: k_i = k} A_i) − π_k Σ_i A_i
    const gradient = pi.map((p) => -p * advantageSum);
    for (let i = 0; i < rollouts.length; i++) gradient[indices[i]!]! += advantages[i]!;
    for (let k = 0; k < this.#candidates.length; k++)
      this.#candidates[k]!.theta += learningRate * gradient[k]!;
    for (let i = 0; i < rollouts.length; i++) {
      const c = this.#candidates[indices[i]!]!;
      c.successes += rollouts[i]!.reward;
      c.trials += 1;
    }
    return advantages;
  }

  /**
   * Whether a candidate beats the incumbent: P(p_k > p_0) under Beta(1 + s, 1 + f) posteriors is at
   * least `confidence`, and both have at least `minTrials` trials.
   */
  compareToIncumbent(candidateId: string, opts: FixComparisonOptions = {}): FixComparison {
    const confidence = opts.confidence ?? 0.95;
    const minTrials = opts.minTrials ?? 8;
    if (!(Number.isFinite(confidence) && confidence > 0 && confidence < 1)) {
      throw new RangeError(`confidence must be a number in (0, 1), got ${confidence}`);
    }
    if (!(Number.isInteger(minTrials) && minTrials >= 0)) {
      throw new RangeError(`minTrials must be an integer >= 0, got ${minTrials}`);
    }
    const k = this.#get(candidateId);
    const o = this.#candidates[0]!;
    const probabilityBetter = probabilityBetaGreater(
      1 + k.successes,
      1 + k.trials - k.successes,
      1 + o.successes,
      1 + o.trials - o.successes,
    );
    const improvement = (1 + k.successes) / (2 + k.trials) - (1 + o.successes) / (2 + o.trials);
    return {
      beats: k.trials >= minTrials && o.trials >= minTrials && probabilityBetter >= confidence,
      probabilityBetter,
      improvement,
      trials: k.trials,
      incumbentTrials: o.trials,
    };
  }

  toJSON(): FixPolicyJSON {
    return { version: 1, candidates: this.#candidates.map((c) => ({ ...c })) };
  }

  static fromJSON(json: FixPolicyJSON): FixPolicy {
    if (typeof json !== 'object' || json === null || json.version !== 1) {
      throw new TypeError('fix policy state must be an object with version 1');
    }
    if (!Array.isArray(json.candidates) || json.candidates.length === 0) {
      throw new TypeError('fix policy state candidates must be a non-empty array');
    }
    for (const [i, c] of json.candidates.entries()) {
      const valid =
        typeof c === 'object' &&
        c !== null &&
        Number.isFinite(c.theta) &&
        Number.isInteger(c.trials) &&
        c.trials >= 0 &&
        Number.isFinite(c.successes) &&
        c.successes >= 0 &&
        c.successes <= c.trials;
      if (!valid) throw new TypeError(`fix policy state candidates[${i}] is not a valid candidate`);
    }
    // The constructor checks the ids (non-empty, unique); the numbers were checked above.
    const policy = new FixPolicy(json.candidates.map((c) => c.id));
    for (const [i, c] of json.candidates.entries()) {
      Object.assign(policy.#candidates[i]!, { theta: c.theta, successes: c.successes, trials: c.trials });
    }
    return policy;
  }

  #add(c: FixCandidateStats): void {
    assertCandidateId(c.id, 'candidate id');
    if (this.#index.has(c.id)) throw new RangeError(`candidate '${c.id}' already exists`);
    this.#index.set(c.id, this.#candidates.length);
    this.#candidates.push(c);
  }

  #get(id: string): FixCandidateStats {
    const index = this.#index.get(id);
    if (index === undefined) throw new RangeError(`'${String(id)}' is not a candidate of this policy`);
    return this.#candidates[index]!;
  }
}
