import type { CandidateOrigin } from './candidate-generators/candidate-fix.js';
import { bestAccepted, candidatesBreakingWorkingCalls, judgeCandidates } from './candidate-verdict.js';
import {
  type CurriculumArm,
  curriculumProbabilities,
  drawCurriculum,
  failureShareWeights,
} from './curriculum-draw.js';
import type { FixPolicy } from './fix-policy.js';
import type { Fix, FixRisk } from './fix-types.js';
import { riskOf } from './fix-types.js';
import { meanAbsoluteAdvantage } from './grpo-advantages.js';
import { learnability, unpreventedShare } from './learnable-traffic.js';
import { type LearnerConfig, type ResolvedLearnerConfig, resolveLearnerConfig } from './learner-config.js';
import {
  type Evidence,
  fixPolicyOf,
  isFixCandidate,
  type LearnerState,
  type PatternLearnerState,
} from './learner-state.js';
import { nextTraffic } from './recent-failures.js';
import { SecCurriculum } from './sec-curriculum.js';
import { SeededRandom } from './seeded-random.js';
import { setOwnProperty } from './set-own-property.js';

/** A pattern the caller can replay: its id and the ids of its stored failing examples. */
export interface PlanPattern {
  id: string;
  exampleIds: readonly string[];
  /**
   * Its failures counted so far (the server's occurrences), whose recent rate (`nextTraffic`) is the
   * traffic weight of the `random`, `greedy` and `sec-weighted` curricula. Default: its number of
   * failing examples.
   */
  occurrences?: number;
}

export interface PlanInput {
  patterns: readonly PlanPattern[];
  /** Ids of stored inputs that currently succeed, per function name. */
  succeedingInputs?: Readonly<Record<string, readonly string[]>>;
  /** The curriculum is `config.curriculum`. */
  config?: LearnerConfig;
}

/** One rollout for a worker: replay `problemId` with `fix` applied and report a reward in [0, 1]. */
export interface LearningJob {
  jobId: string;
  patternId: string;
  problemId: string;
  /** A failing example of the pattern, or a currently succeeding input of its function. */
  problemKind: 'failing' | 'succeeding';
  /** The G rollouts of one problem share a group; GRPO compares them with each other. */
  group: string;
  candidateId: string;
  /** null: run the call as it is (the incumbent "no fix"). */
  fix: Fix | null;
  /**
   * true: the incumbent run as the control of a working-input group, not drawn from the fix policy.
   * Its reward is the incumbent's guard evidence (what candidates are compared with there) but no
   * policy sample, so it stays out of the group's advantages and the gradient.
   */
  control?: boolean;
}

/** What a step drew its patterns from: the arms that could be drawn and each one's probability. */
export interface CurriculumDrawn {
  arms: string[];
  /** In the order of `arms`; they sum to 1 (under greedy: each arm's share of the B draws). */
  probabilities: number[];
  /** The B arms drawn, in draw order (with repeats). */
  drawn: string[];
}

export interface LearningPlan {
  /** The step these jobs belong to: `state.step + 1`. */
  step: number;
  jobs: LearningJob[];
  /** Absent when there was nothing to draw. */
  draw?: CurriculumDrawn;
  /**
   * Per pattern, the candidates its policy left out because they were shown to break working calls
   * (`CandidateVerdict.guardFails`): the gradient is that of the softmax over the others, which the
   * rollouts were drawn from. Absent: none.
   */
  setAside?: Readonly<Record<string, readonly string[]>>;
  /**
   * Under `sec-weighted`: per drawn pattern, the weight of its SEC reward (`failureShareWeights`).
   * Absent: rewards count as they are.
   */
  rewardWeights?: Readonly<Record<string, number>>;
}

export interface JobResult {
  jobId: string;
  reward: number;
}

/** A candidate that beat its pattern's incumbent (DESIGN.md section 3), for approval. */
export interface LearningResult {
  patternId: string;
  candidateId: string;
  fix: Fix;
  origin: CandidateOrigin;
  rationale: string;
  /** Posterior mean success rate minus the incumbent's, on the pattern's failing inputs. */
  improvement: number;
  /** Posterior probability that it beats the incumbent. */
  confidence: number;
  /** Observed success rate on the pattern's failing inputs. */
  successRate: number;
  /** Rollouts on failing inputs. */
  trials: number;
  /** Rollouts on working inputs of the same function, and their summed rewards. */
  guard: Evidence;
  /** Distinct failing examples it was tried on. */
  examplesLearnedFrom: number;
  risk: FixRisk;
  /** The step that produced it. */
  step: number;
}

export interface StepOutcome {
  nextState: LearnerState;
  /**
   * SEC reward of each pattern that got results: mean |A| over its rollouts drawn from its policy
   * (times the plan's reward weight, under `sec-weighted`).
   */
  patternRewards: Record<string, number>;
  learningResults: LearningResult[];
  /**
   * Patterns whose candidates all keep failing, or all break working calls: generate new ones
   * (combinations, the analyst).
   */
  exhaustedPatterns: string[];
}

function assertIdList(value: unknown, field: string): asserts value is readonly string[] {
  if (!Array.isArray(value)) throw new TypeError(`${field} must be an array of ids`);
  value.forEach((id, i) => {
    if (typeof id !== 'string' || id === '') throw new TypeError(`${field}[${i}] must be a non-empty string`);
  });
}

function validatePlanInput(input: PlanInput): void {
  if (typeof input !== 'object' || input === null) throw new TypeError('input must be an object');
  if (!Array.isArray(input.patterns)) throw new TypeError('input.patterns must be an array');
  const seen = new Set<string>();
  input.patterns.forEach((p, i) => {
    if (typeof p?.id !== 'string' || p.id === '')
      throw new TypeError(`input.patterns[${i}].id must be a non-empty string`);
    if (seen.has(p.id)) throw new TypeError(`input.patterns[${i}].id repeats '${p.id}'`);
    seen.add(p.id);
    assertIdList(p.exampleIds, `input.patterns[${i}].exampleIds`);
    if (p.occurrences !== undefined && !(Number.isFinite(p.occurrences) && p.occurrences >= 0)) {
      throw new TypeError(`input.patterns[${i}].occurrences must be a finite number >= 0`);
    }
  });
  const succeeding = input.succeedingInputs;
  if (succeeding === undefined) return;
  if (typeof succeeding !== 'object' || succeeding === null || Array.isArray(succeeding)) {
    throw new TypeError('input.succeedingInputs must be an object of id arrays per function');
  }
  for (const [fn, ids] of Object.entries(succeeding))
    assertIdList(ids, `input.succeedingInputs[${JSON.stringify(fn)}]`);
}

/**
 * Plans one learning step (DESIGN.md section 3). Arms are the given patterns the learner has
 * candidates for, that have failing examples and are not exhausted. The configured curriculum
 * draws B of them with replacement (`drawCurriculum`: SEC from softmax(Q / τ)); for each draw one
 * problem is taken uniformly: with probability `successShare` (when its function has any) from the
 * function's currently succeeding inputs, otherwise from the pattern's failing examples. Each
 * problem gets G rollouts, each with a candidate drawn from the pattern's fix policy, except that
 * on a working input (with G >= 2) the first runs the incumbent as the control: candidates are
 * judged there against the incumbent (`judgeCandidates`), which the policy rarely draws once it
 * fails the pattern. Candidates shown to break working calls are set aside: the policy draws from
 * the others, since they can never become a result, and a fix that wins more failing inputs would
 * otherwise keep most of the rollouts and starve the fixes that can: the policy gradient prefers
 * it whenever (1 − successShare) · its gain on failing inputs exceeds successShare · its loss on
 * working ones (with a share of 0.1, 0.95 on failing and 0 on working inputs, 0.9 · 0.95 = 0.855,
 * beats 0.7 and 1, 0.9 · 0.7 + 0.1 = 0.73). Patterns left with no candidate besides the incumbent
 * are not planned. Deterministic under the state's RNG states; the returned state carries them
 * forward, with SEC's pull counts and what the plan saw of each pattern (working inputs, failing
 * examples, failures: `nextTraffic`).
 */
export function planLearningStep(
  state: LearnerState,
  input: PlanInput,
): LearningPlan & { nextState: LearnerState } {
  validatePlanInput(input);
  const config = resolveLearnerConfig(input.config);
  const step = state.step + 1;
  const given = new Map(input.patterns.map((p) => [p.id, p]));
  const succeedingOf = (fn: string): readonly string[] =>
    input.succeedingInputs !== undefined && Object.hasOwn(input.succeedingInputs, fn)
      ? input.succeedingInputs[fn]!
      : [];

  const patterns = state.patterns.map((pattern): PatternLearnerState => {
    const p = given.get(pattern.id);
    if (p === undefined) return pattern.replayable ? { ...pattern, replayable: false } : pattern;
    return {
      ...pattern,
      // Whether working inputs exist now decides whether candidates must be tried on them before a verdict.
      guarded: config.successShare > 0 && succeedingOf(pattern.function).length > 0,
      replayable: p.exampleIds.length > 0,
      traffic: nextTraffic(pattern.traffic, p.occurrences ?? p.exampleIds.length),
    };
  });
  const known = new Map(patterns.map((p) => [p.id, p]));
  const arms = armsAmong(
    input.patterns.flatMap((p) => known.get(p.id) ?? []),
    config,
  );
  if (arms.length === 0) return { step, jobs: [], nextState: { ...state, patterns } };

  const sec = SecCurriculum.fromJSON(state.sec);
  const rng = SeededRandom.fromState(state.rng);
  const curriculumArms = arms.map((a) => curriculumArm(a.pattern, sec));
  const probabilities = curriculumProbabilities(
    config.curriculum,
    curriculumArms,
    sec.options.temperature,
    config.batchSize,
  );
  const draws = drawCurriculum(config.curriculum, curriculumArms, config.batchSize, sec, rng);
  const armById = new Map(arms.map((a) => [a.pattern.id, a]));
  // Only drawn arms need their policy and fixes: with hundreds of arms, most are not drawn.
  const policies = new Map<string, { policy: FixPolicy; fixes: Map<string, Fix | null> }>();
  const policyOf = (patternId: string) => {
    let entry = policies.get(patternId);
    if (entry === undefined) {
      const { pattern, setAside } = armById.get(patternId)!;
      entry = {
        policy: fixPolicyOf(pattern, setAside),
        fixes: new Map(pattern.candidates.map((c) => [c.id, c.fix])),
      };
      policies.set(patternId, entry);
    }
    return entry;
  };
  const jobs: LearningJob[] = [];
  draws.forEach((patternId, d) => {
    const pattern = known.get(patternId)!;
    const succeeding = succeedingOf(pattern.function);
    const onWorkingInput =
      succeeding.length > 0 && config.successShare > 0 && rng.next() < config.successShare;
    const pool = onWorkingInput ? succeeding : given.get(patternId)!.exampleIds;
    const problemId = pool[rng.nextInt(pool.length)]!;
    const group = `${step}:${d}`;
    const { policy, fixes } = policyOf(patternId);
    const control = onWorkingInput && config.groupSize >= 2;
    const drawn = policy.sample(rng, control ? config.groupSize - 1 : config.groupSize);
    (control ? [policy.incumbentId, ...drawn] : drawn).forEach((candidateId, g) => {
      jobs.push({
        jobId: `${group}:${g}`,
        patternId,
        problemId,
        problemKind: onWorkingInput ? 'succeeding' : 'failing',
        group,
        candidateId,
        fix: fixes.get(candidateId)!,
        ...(control && g === 0 ? { control: true } : {}),
      });
    });
  });
  const plan: LearningPlan = {
    step,
    jobs,
    draw: { arms: curriculumArms.map((a) => a.id), probabilities, drawn: draws },
  };
  const setAside = arms.filter((a) => a.setAside.size > 0);
  if (setAside.length > 0)
    plan.setAside = Object.fromEntries(setAside.map((a) => [a.pattern.id, [...a.setAside]]));
  if (config.curriculum === 'sec-weighted') {
    const weights = failureShareWeights(curriculumArms);
    const drawnIds = new Set(draws);
    plan.rewardWeights = Object.fromEntries(
      curriculumArms.flatMap((a, i) => (drawnIds.has(a.id) ? [[a.id, weights[i]!]] : [])),
    );
  }
  return { ...plan, nextState: { ...state, rng: rng.getState(), sec: sec.toJSON(), patterns } };
}

/** An arm of the curriculum, with the candidates its policy leaves out. */
interface Arm {
  pattern: PatternLearnerState;
  /** Candidates shown to break working calls (`CandidateVerdict.guardFails`). */
  setAside: Set<string>;
}

/**
 * The arms among `patterns`: those with failing examples at the last plan, not exhausted, and with
 * a candidate besides the incumbent that was not shown to break working calls.
 */
function armsAmong(patterns: readonly PatternLearnerState[], config: ResolvedLearnerConfig): Arm[] {
  const arms: Arm[] = [];
  for (const pattern of patterns) {
    if (pattern.exhausted || !pattern.replayable) continue;
    const setAside = candidatesBreakingWorkingCalls(pattern, config);
    if (pattern.candidates.length - setAside.size > 1) arms.push({ pattern, setAside });
  }
  return arms;
}

function curriculumArm(pattern: PatternLearnerState, sec: SecCurriculum): CurriculumArm {
  const q = sec.q(pattern.id);
  return {
    id: pattern.id,
    q,
    failures: pattern.traffic?.recentFailures ?? 0,
    unprevented: unpreventedShare(pattern),
    learnability: learnability(q, sec.updates(pattern.id), sec.options.alpha),
  };
}

/** One arm of `drawProbabilities`. */
export interface ArmProbability {
  patternId: string;
  /** The probability that one draw of the step picks it (for greedy: its share of the B draws). */
  probability: number;
  /** Its recent failures, the traffic weight of `random`, `greedy` and `sec-weighted`. */
  recentFailures: number;
}

/**
 * What the learner's next step draws its patterns from, were the patterns those of its last plan:
 * the arms (patterns that had failing examples then, are not exhausted and have a candidate besides
 * the incumbent not shown to break working calls), in the state's order, each with the probability
 * the configured curriculum gives it, SEC's at the state's τ. Patterns that are not arms are absent.
 */
export function drawProbabilities(state: LearnerState, configInput: LearnerConfig = {}): ArmProbability[] {
  const config = resolveLearnerConfig(configInput);
  const sec = SecCurriculum.fromJSON(state.sec);
  const arms = armsAmong(state.patterns, config).map((a) => curriculumArm(a.pattern, sec));
  const probabilities = curriculumProbabilities(
    config.curriculum,
    arms,
    sec.options.temperature,
    config.batchSize,
  );
  return arms.map((a, i) => ({
    patternId: a.id,
    probability: probabilities[i]!,
    recentFailures: a.failures,
  }));
}

/** Drawn rollouts (controls left out) per group. */
function groupSizes(jobs: readonly LearningJob[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const job of jobs) if (job.control !== true) sizes.set(job.group, (sizes.get(job.group) ?? 0) + 1);
  return sizes;
}

function validateResults(plan: LearningPlan, results: readonly JobResult[]): Map<string, number> {
  if (!Array.isArray(results)) throw new TypeError('results must be an array');
  const jobIds = new Set<string>();
  plan.jobs.forEach((job, i) => {
    if (typeof job?.jobId !== 'string' || jobIds.has(job.jobId)) {
      throw new TypeError(`plan.jobs[${i}].jobId must be a string unique in the plan`);
    }
    jobIds.add(job.jobId);
  });
  const rewards = new Map<string, number>();
  results.forEach((r, i) => {
    if (typeof r !== 'object' || r === null) throw new TypeError(`results[${i}] must be an object`);
    if (!jobIds.has(r.jobId))
      throw new RangeError(`results[${i}].jobId '${String(r.jobId)}' is not a job of this plan`);
    if (rewards.has(r.jobId)) throw new RangeError(`results[${i}].jobId '${r.jobId}' is reported twice`);
    if (!(typeof r.reward === 'number' && r.reward >= 0 && r.reward <= 1)) {
      throw new RangeError(`results[${i}].reward must be a number in [0, 1], got ${String(r.reward)}`);
    }
    rewards.set(r.jobId, r.reward);
  });
  return rewards;
}

/** The plan's `setAside`, checked against the state: ids of candidates other than the incumbent. */
function validateSetAside(
  plan: LearningPlan,
  byId: ReadonlyMap<string, PatternLearnerState>,
): Map<string, Set<string>> {
  const setAside = new Map<string, Set<string>>();
  if (plan.setAside === undefined) return setAside;
  if (typeof plan.setAside !== 'object' || plan.setAside === null || Array.isArray(plan.setAside)) {
    throw new TypeError('plan.setAside must be an object of candidate id arrays per pattern');
  }
  for (const [patternId, ids] of Object.entries(plan.setAside)) {
    const field = `plan.setAside[${JSON.stringify(patternId)}]`;
    assertIdList(ids, field);
    const pattern = byId.get(patternId);
    if (pattern === undefined) throw new RangeError(`${field}: '${patternId}' is not a pattern`);
    ids.forEach((id, i) => {
      if (!pattern.candidates.slice(1).some((c) => c.id === id)) {
        throw new RangeError(
          `${field}[${i}] '${id}' is not a candidate of '${patternId}' (besides its incumbent)`,
        );
      }
    });
    setAside.set(patternId, new Set(ids));
  }
  return setAside;
}

/** The plan's `rewardWeights`, checked: numbers in [0, 1] for patterns of the state. */
function validateRewardWeights(
  plan: LearningPlan,
  byId: ReadonlyMap<string, PatternLearnerState>,
): Map<string, number> {
  const weights = new Map<string, number>();
  if (plan.rewardWeights === undefined) return weights;
  if (
    typeof plan.rewardWeights !== 'object' ||
    plan.rewardWeights === null ||
    Array.isArray(plan.rewardWeights)
  ) {
    throw new TypeError('plan.rewardWeights must be an object of numbers per pattern');
  }
  for (const [patternId, weight] of Object.entries(plan.rewardWeights)) {
    const field = `plan.rewardWeights[${JSON.stringify(patternId)}]`;
    if (!byId.has(patternId)) throw new RangeError(`${field}: '${patternId}' is not a pattern`);
    if (!(typeof weight === 'number' && weight >= 0 && weight <= 1))
      throw new RangeError(`${field} must be a number in [0, 1], got ${String(weight)}`);
    weights.set(patternId, weight);
  }
  return weights;
}

const addTo = (e: Evidence, reward: number): Evidence => ({
  successes: e.successes + reward,
  trials: e.trials + 1,
});

/**
 * Applies the rewards of a plan's jobs (DESIGN.md section 3). Per pattern with results: GRPO
 * advantages per problem group of the rollouts drawn from its policy (a group with missing rollouts
 * uses those that arrived, unless only one did: a lone survivor of a larger group is evidence but
 * no advantage; controls are not drawn), one policy gradient step of that policy (the softmax over
 * the candidates not set aside), the candidates' evidence from all rollouts (failing
 * and working inputs apart), and its SEC reward, mean |A| over its drawn rollouts (times its
 * `rewardWeights` entry, under `sec-weighted`); then one SEC update with those rewards. Patterns without results are left as they were. A pattern's best
 * candidate among those that now beat the incumbent and pass the guard (`bestAccepted`) is returned
 * as a learning result, each candidate once per incumbent (a different best later is a new result).
 * Patterns whose failing-input rewards were all 0 for `exhaustAfterSteps` steps in a row while
 * Q <= `exhaustedQ`, or whose candidates were all shown to break working calls, are returned as
 * exhausted, once, and not planned again until new candidates are added.
 */
export function applyStepResults(
  state: LearnerState,
  plan: LearningPlan,
  results: readonly JobResult[],
  configInput: LearnerConfig = {},
): StepOutcome {
  const config = resolveLearnerConfig(configInput);
  if (typeof plan !== 'object' || plan === null || !Array.isArray(plan.jobs)) {
    throw new TypeError('plan must be an object with a jobs array');
  }
  if (plan.step !== state.step + 1) {
    throw new RangeError(
      `plan.step ${String(plan.step)} is not the next step of this state (${state.step + 1})`,
    );
  }
  const rewards = validateResults(plan, results);
  const byId = new Map(state.patterns.map((p) => [p.id, p]));
  const setAside = validateSetAside(plan, byId);
  const rewardWeights = validateRewardWeights(plan, byId);

  // Rollouts per pattern in plan order, whatever order the results came in: same sums, same state.
  const arrived = new Map<string, LearningJob[]>();
  plan.jobs.forEach((job, i) => {
    if (!rewards.has(job.jobId)) return;
    const pattern = byId.get(job.patternId);
    if (pattern === undefined)
      throw new RangeError(`plan.jobs[${i}].patternId '${job.patternId}' is not a pattern`);
    if (!pattern.candidates.some((c) => c.id === job.candidateId)) {
      throw new RangeError(
        `plan.jobs[${i}].candidateId '${job.candidateId}' is not a candidate of '${job.patternId}'`,
      );
    }
    if (job.control === true && job.candidateId !== pattern.candidates[0]!.id) {
      throw new RangeError(
        `plan.jobs[${i}] is a control but does not run the incumbent of '${job.patternId}'`,
      );
    }
    if (job.control !== true && setAside.get(job.patternId)?.has(job.candidateId)) {
      throw new RangeError(`plan.jobs[${i}].candidateId '${job.candidateId}' was set aside by the plan`);
    }
    const list = arrived.get(job.patternId);
    if (list) list.push(job);
    else arrived.set(job.patternId, [job]);
  });

  // A group that lost rollouts down to one would be scored as a group of one sample (A = r), as
  // if it had been planned so: its one rollout is evidence, but stays out of advantages.
  const plannedSizes = groupSizes(plan.jobs);
  const arrivedSizes = groupSizes(plan.jobs.filter((job) => rewards.has(job.jobId)));
  const orphaned = (job: LearningJob) =>
    plannedSizes.get(job.group)! > 1 && arrivedSizes.get(job.group) === 1;

  const patternRewards: Record<string, number> = {};
  const updated = new Map<string, PatternLearnerState>();
  const learningResults: LearningResult[] = [];
  const brokeWorkingCalls = new Set<string>();
  for (const [patternId, jobs] of arrived) {
    const pattern = byId.get(patternId)!;
    const policy = fixPolicyOf(pattern, setAside.get(patternId));
    const drawn = jobs.filter((job) => job.control !== true && !orphaned(job));
    if (drawn.length > 0) {
      const advantages = policy.update(
        drawn.map((job) => ({
          candidateId: job.candidateId,
          reward: rewards.get(job.jobId)!,
          group: job.group,
        })),
        { learningRate: config.learningRate, normalizeByStd: config.normalizeByStd },
      );
      setOwnProperty(
        patternRewards,
        patternId,
        meanAbsoluteAdvantage(advantages) * (rewardWeights.get(patternId) ?? 1),
      );
    }
    const thetas = new Map(policy.toJSON().candidates.map((c) => [c.id, c.theta]));
    const candidates = pattern.candidates.map((c) => {
      let { failing, guard } = c;
      const examples = new Set(c.examples);
      for (const job of jobs) {
        if (job.candidateId !== c.id) continue;
        const reward = rewards.get(job.jobId)!;
        if (job.problemKind === 'succeeding') guard = addTo(guard, reward);
        else {
          failing = addTo(failing, reward);
          examples.add(job.problemId);
        }
      }
      return { ...c, theta: thetas.get(c.id) ?? c.theta, failing, guard, examples: [...examples] };
    });
    const failingRewards = jobs.filter((j) => j.problemKind === 'failing').map((j) => rewards.get(j.jobId)!);
    let zeroRewardSteps = pattern.zeroRewardSteps;
    if (failingRewards.length > 0)
      zeroRewardSteps = failingRewards.every((r) => r === 0) ? zeroRewardSteps + 1 : 0;
    const next: PatternLearnerState = {
      ...pattern,
      candidates,
      zeroRewardSteps,
      reported: [...pattern.reported],
    };
    // Only the pattern's best accepted candidate, so people are asked about the fix worth deploying
    // rather than every candidate that beats nothing-at-all; a better one later is a new result.
    const verdicts = judgeCandidates(next, config);
    if (verdicts.length > 0 && verdicts.every((v) => v.guardFails)) brokeWorkingCalls.add(patternId);
    const best = bestAccepted(verdicts, (v) => fixOf(next, v.candidateId) !== undefined);
    if (best !== undefined && !next.reported.includes(best.candidateId)) {
      next.reported.push(best.candidateId);
      learningResults.push(learningResult(next, best.candidateId, best.comparison, plan.step));
    }
    updated.set(patternId, next);
  }

  const sec = SecCurriculum.fromJSON(state.sec);
  if (updated.size > 0) {
    sec.update(
      patternRewards,
      state.patterns.map((p) => p.id),
    );
  }
  const exhaustedPatterns: string[] = [];
  for (const pattern of updated.values()) {
    if (pattern.exhausted) continue;
    const keepsFailing =
      pattern.zeroRewardSteps >= config.exhaustAfterSteps && sec.q(pattern.id) <= config.exhaustedQ;
    if (!keepsFailing && !brokeWorkingCalls.has(pattern.id)) continue;
    pattern.exhausted = true;
    exhaustedPatterns.push(pattern.id);
  }
  return {
    nextState: {
      version: 1,
      step: plan.step,
      rng: state.rng,
      sec: sec.toJSON(),
      patterns: state.patterns.map((p) => updated.get(p.id) ?? p),
    },
    patternRewards,
    learningResults,
    exhaustedPatterns,
  };
}

function fixOf(pattern: PatternLearnerState, candidateId: string) {
  const c = pattern.candidates.find((k) => k.id === candidateId);
  // "No fix" beating a deployed fix is a rollback, which the canary test handles, not a result.
  return c !== undefined && isFixCandidate(c) ? c : undefined;
}

function learningResult(
  pattern: PatternLearnerState,
  candidateId: string,
  comparison: { improvement: number; probabilityBetter: number },
  step: number,
): LearningResult {
  const c = fixOf(pattern, candidateId)!;
  return {
    patternId: pattern.id,
    candidateId,
    fix: c.fix,
    origin: c.origin,
    rationale: c.rationale,
    improvement: comparison.improvement,
    confidence: comparison.probabilityBetter,
    successRate: c.failing.trials === 0 ? 0 : c.failing.successes / c.failing.trials,
    trials: c.failing.trials,
    guard: { ...c.guard },
    examplesLearnedFrom: c.examples.length,
    risk: riskOf(c.fix, pattern.category),
    step,
  };
}
