import type { CandidateOrigin } from './candidate-generators/candidate-fix.js';
import { bestAccepted, judgeCandidates } from './candidate-verdict.js';
import type { Fix, FixRisk } from './fix-types.js';
import { riskOf } from './fix-types.js';
import { meanAbsoluteAdvantage } from './grpo-advantages.js';
import { type LearnerConfig, resolveLearnerConfig } from './learner-config.js';
import {
  type Evidence,
  fixPolicyOf,
  isFixCandidate,
  type LearnerState,
  type PatternLearnerState,
} from './learner-state.js';
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
  /**
   * How the B patterns are drawn: `sec` (default) from softmax(Q / τ); `uniform` uniformly at
   * random, the baseline a curriculum is compared with (Q is still updated, only the draw ignores it).
   */
  draw?: 'sec' | 'uniform';
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
}

export interface LearningPlan {
  /** The step these jobs belong to: `state.step + 1`. */
  step: number;
  jobs: LearningJob[];
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
  /** SEC reward of each pattern that got results: mean |A| over all its rollouts this step. */
  patternRewards: Record<string, number>;
  learningResults: LearningResult[];
  /** Patterns whose candidates all keep failing: generate new ones (combinations, the analyst). */
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
  if (input.draw !== undefined && input.draw !== 'sec' && input.draw !== 'uniform') {
    throw new TypeError(`input.draw must be 'sec' or 'uniform', got ${String(input.draw)}`);
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
 * replacement from softmax(Q / τ); for each draw one problem is taken uniformly: with probability
 * `successShare` (when its function has any) from the function's currently succeeding inputs,
 * otherwise from the pattern's failing examples. Each problem gets G rollouts, each with a candidate
 * drawn from the pattern's fix policy. Deterministic under the state's RNG states; the returned
 * state carries them forward (and SEC's pull counts).
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

  const arms = input.patterns.filter((p) => {
    const pattern = known.get(p.id);
    return (
      pattern !== undefined && !pattern.exhausted && pattern.candidates.length > 1 && p.exampleIds.length > 0
    );
  });
  if (arms.length === 0) return { step, jobs: [], nextState: { ...state, patterns } };

  const sec = SecCurriculum.fromJSON(state.sec);
  const rng = SeededRandom.fromState(state.rng);
  const draws =
    input.draw === 'uniform'
      ? Array.from({ length: config.batchSize }, () => arms[rng.nextInt(arms.length)]!.id)
      : sec.sample(
          arms.map((a) => a.id),
          config.batchSize,
        );
  const armById = new Map(arms.map((a) => [a.id, a]));
  const policies = new Map(arms.map((a) => [a.id, fixPolicyOf(known.get(a.id)!)]));
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
    policies
      .get(patternId)!
      .sample(rng, config.groupSize)
      .forEach((candidateId, g) => {
        jobs.push({
          jobId: `${group}:${g}`,
          patternId,
          problemId,
          problemKind: onWorkingInput ? 'succeeding' : 'failing',
          group,
          candidateId,
          fix: fixes.get(candidateId)!,
        });
      });
  });
  return { step, jobs, nextState: { ...state, rng: rng.getState(), sec: sec.toJSON(), patterns } };
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

const addTo = (e: Evidence, reward: number): Evidence => ({
  successes: e.successes + reward,
  trials: e.trials + 1,
});

/**
 * Applies the rewards of a plan's jobs (DESIGN.md section 3). Per pattern with results: GRPO
 * advantages per problem group (a group with missing rollouts uses those that arrived), one policy
 * gradient step of its fix policy, the candidates' evidence (failing and working inputs apart), and
 * its SEC reward, mean |A| over all its rollouts; then one SEC update with those rewards. Patterns
 * without results are left as they were. A pattern's best candidate among those that now beat the
 * incumbent and pass the guard (`bestAccepted`) is returned as a learning result, each candidate
 * once per incumbent (a different best later is a new result); patterns whose failing-input rewards
 * were all 0 for `exhaustAfterSteps` steps in a row while Q <= `exhaustedQ` are returned as exhausted,
 * once, and not planned again until new candidates are added.
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
    const list = arrived.get(job.patternId);
    if (list) list.push(job);
    else arrived.set(job.patternId, [job]);
  });

  const patternRewards: Record<string, number> = {};
  const updated = new Map<string, PatternLearnerState>();
  const learningResults: LearningResult[] = [];
  for (const [patternId, jobs] of arrived) {
    const pattern = byId.get(patternId)!;
    const policy = fixPolicyOf(pattern);
    const advantages = policy.update(
      jobs.map((job) => ({
        candidateId: job.candidateId,
        reward: rewards.get(job.jobId)!,
        group: job.group,
      })),
      { learningRate: config.learningRate, normalizeByStd: config.normalizeByStd },
    );
    setOwnProperty(patternRewards, patternId, meanAbsoluteAdvantage(advantages));
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
      return { ...c, theta: thetas.get(c.id)!, failing, guard, examples: [...examples] };
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
    const best = bestAccepted(judgeCandidates(next, config), (v) => fixOf(next, v.candidateId) !== undefined);
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
    if (pattern.exhausted || pattern.zeroRewardSteps < config.exhaustAfterSteps) continue;
    if (sec.q(pattern.id) > config.exhaustedQ) continue;
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
