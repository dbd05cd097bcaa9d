import type { CandidateOrigin } from './candidate-generators/candidate-fix.js';
import { bestAccepted, judgeCandidates } from './candidate-verdict.js';
import type { Fix, FixRisk } from './fix-types.js';
import { riskOf } from './fix-types.js';
import { meanAbsoluteAdvantage } from './grpo-advantages.js';
import { type LearnerConfig, type ResolvedLearnerConfig, resolveLearnerConfig } from './learner-config.js';
import {
  type Evidence,
  fixPolicyOf,
  isFixCandidate,
  type LearnerState,
  type PatternLearnerState,
} from './learner-state.js';
import { drawRandomCurriculum, randomCurriculumShares } from './random-curriculum.js';
import { SecCurriculum } from './sec-curriculum.js';
import { SeededRandom } from './seeded-random.js';
import { setOwnProperty } from './set-own-property.js';

/** A pattern the caller can replay: its id and the ids of its stored failing examples. */
export interface PlanPattern {
  id: string;
  exampleIds: readonly string[];
}

export interface PlanInput {
  patterns: readonly PlanPattern[];
  /** Ids of stored inputs that currently succeed, per function name. */
  succeedingInputs?: Readonly<Record<string, readonly string[]>>;
  config?: LearnerConfig;
  /** How the B patterns are drawn (default `sec`); see `CurriculumDraw`. */
  draw?: CurriculumDraw;
}

/**
 * How a step draws its B patterns: `sec` from softmax(Q / τ); the baselines a curriculum is
 * compared with, `random` (the SEC paper's: a problem uniformly from the whole pool, so a pattern
 * in proportion to its failing examples) and `uniform` (each pattern alike). Q is updated under
 * every draw; only SEC's draw reads it.
 */
export type CurriculumDraw = 'sec' | 'random' | 'uniform';

const CURRICULUM_DRAWS: readonly CurriculumDraw[] = ['sec', 'random', 'uniform'];

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
  /** In the order of `arms`; they sum to 1. */
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
  /** SEC reward of each pattern that got results: mean |A| over its rollouts drawn from its policy. */
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
  });
  if (input.draw !== undefined && !CURRICULUM_DRAWS.includes(input.draw)) {
    throw new TypeError(
      `input.draw must be one of ${CURRICULUM_DRAWS.join(', ')}, got ${String(input.draw)}`,
    );
  }
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
 * candidates for, that have failing examples and are not exhausted. SEC draws B of them with
 * replacement from softmax(Q / τ) (or a baseline `draw` does); for each draw one problem is taken
 * uniformly: with probability `successShare` (when its function has any) from the function's
 * currently succeeding inputs, otherwise from the pattern's failing examples. Each problem gets G
 * rollouts, each with a candidate drawn from the pattern's fix policy, except that on a working
 * input (with G >= 2) the first runs the incumbent as the control: candidates are judged there
 * against the incumbent (`judgeCandidates`), which the policy rarely draws once it fails the
 * pattern. Candidates shown to break working calls are set aside: the policy draws from the others,
 * since they can never become a result, and a fix that wins more failing inputs would otherwise
 * keep most of the rollouts and starve the fixes that can: the policy gradient prefers it whenever
 * (1 − successShare) · its gain on failing inputs exceeds successShare · its loss on working ones
 * (with a share of 0.1, 0.95 on failing and 0 on working inputs, 0.9 · 0.95 = 0.855, beats 0.7 and
 * 1, 0.9 · 0.7 + 0.1 = 0.73). Patterns left with no candidate besides the incumbent are not
 * planned. Deterministic under the state's RNG states; the returned state carries them forward (and
 * SEC's pull counts).
 */
export function planLearningStep(
  state: LearnerState,
  input: PlanInput,
): LearningPlan & { nextState: LearnerState } {
  validatePlanInput(input);
  const config = resolveLearnerConfig(input.config);
  const step = state.step + 1;
  const known = new Map(state.patterns.map((p) => [p.id, p]));
  const succeedingOf = (fn: string): readonly string[] =>
    input.succeedingInputs !== undefined && Object.hasOwn(input.succeedingInputs, fn)
      ? input.succeedingInputs[fn]!
      : [];

  // Whether working inputs exist now decides whether candidates must be tried on them before a verdict.
  const guardedNow = new Map<string, boolean>();
  for (const p of input.patterns) {
    const pattern = known.get(p.id);
    if (pattern) guardedNow.set(p.id, config.successShare > 0 && succeedingOf(pattern.function).length > 0);
  }
  const patterns = state.patterns.map((p) =>
    guardedNow.has(p.id) && guardedNow.get(p.id) !== p.guarded ? { ...p, guarded: guardedNow.get(p.id)! } : p,
  );

  const setAside = new Map<string, Set<string>>();
  const arms = input.patterns.filter((p) => {
    const pattern = known.get(p.id);
    if (pattern === undefined || pattern.exhausted || p.exampleIds.length === 0) return false;
    const aside = setAsideOf(pattern, config);
    if (aside.size > 0) setAside.set(p.id, aside);
    return pattern.candidates.length - aside.size > 1;
  });
  if (arms.length === 0) return { step, jobs: [], nextState: { ...state, patterns } };

  const sec = SecCurriculum.fromJSON(state.sec);
  const rng = SeededRandom.fromState(state.rng);
  const curriculum = input.draw ?? 'sec';
  const probabilities = drawProbabilities(curriculum, arms, sec);
  const draws = drawArms(curriculum, arms, sec, rng, config.batchSize);
  const armById = new Map(arms.map((a) => [a.id, a]));
  const policies = new Map(arms.map((a) => [a.id, fixPolicyOf(known.get(a.id)!, setAside.get(a.id))]));
  const fixesById = new Map(
    arms.map((a) => [a.id, new Map(known.get(a.id)!.candidates.map((c) => [c.id, c.fix]))]),
  );
  const jobs: LearningJob[] = [];
  draws.forEach((patternId, d) => {
    const pattern = known.get(patternId)!;
    const succeeding = succeedingOf(pattern.function);
    const onWorkingInput =
      succeeding.length > 0 && config.successShare > 0 && rng.next() < config.successShare;
    const pool = onWorkingInput ? succeeding : armById.get(patternId)!.exampleIds;
    const problemId = pool[rng.nextInt(pool.length)]!;
    const group = `${step}:${d}`;
    const fixes = fixesById.get(patternId)!;
    const policy = policies.get(patternId)!;
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
    draw: { arms: arms.map((a) => a.id), probabilities, drawn: draws },
  };
  if (setAside.size > 0) plan.setAside = Object.fromEntries([...setAside].map(([id, ids]) => [id, [...ids]]));
  return { ...plan, nextState: { ...state, rng: rng.getState(), sec: sec.toJSON(), patterns } };
}

/** Candidates of a pattern shown to break working calls (`CandidateVerdict.guardFails`). */
function setAsideOf(pattern: PatternLearnerState, config: ResolvedLearnerConfig): Set<string> {
  return new Set(
    judgeCandidates(pattern, config)
      .filter((v) => v.guardFails)
      .map((v) => v.candidateId),
  );
}

/** Drawn rollouts (controls left out) per group. */
function groupSizes(jobs: readonly LearningJob[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const job of jobs) if (job.control !== true) sizes.set(job.group, (sizes.get(job.group) ?? 0) + 1);
  return sizes;
}

/** The probability of each arm under the chosen curriculum: what `drawArms` draws from. */
function drawProbabilities(draw: CurriculumDraw, arms: readonly PlanPattern[], sec: SecCurriculum): number[] {
  switch (draw) {
    case 'sec':
      return sec.probabilities(arms.map((a) => a.id));
    case 'random':
      return randomCurriculumShares(arms.map((a) => a.exampleIds.length));
    case 'uniform':
      return arms.map(() => 1 / arms.length);
  }
}

/** The B arms of a step, with replacement, under the chosen curriculum. */
function drawArms(
  draw: CurriculumDraw,
  arms: readonly PlanPattern[],
  sec: SecCurriculum,
  rng: SeededRandom,
  count: number,
): string[] {
  switch (draw) {
    case 'sec':
      return sec.sample(
        arms.map((a) => a.id),
        count,
      );
    case 'random':
      return drawRandomCurriculum(
        arms.map((a) => a.exampleIds.length),
        rng,
        count,
      ).map((i) => arms[i]!.id);
    case 'uniform':
      return Array.from({ length: count }, () => arms[rng.nextInt(arms.length)]!.id);
  }
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

const addTo = (e: Evidence, reward: number): Evidence => ({
  successes: e.successes + reward,
  trials: e.trials + 1,
});

/**
 * Applies the rewards of a plan's jobs (DESIGN.md section 3). Per pattern with results: GRPO
 * advantages per problem group of the rollouts drawn from its policy (a group with missing rollouts
 * uses those that arrived, unless only one did: a lone survivor of a larger group is evidence but
 * no advantage; controls are not drawn), one policy gradient step of that policy (the
 * softmax over the candidates not set aside), the candidates' evidence from all rollouts (failing
 * and working inputs apart), and its SEC reward, mean |A| over its drawn rollouts; then one SEC
 * update with those rewards. Patterns without results are left as they were. A pattern's best
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
      setOwnProperty(patternRewards, patternId, meanAbsoluteAdvantage(advantages));
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
