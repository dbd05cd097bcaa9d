// One learning step of a project (DESIGN.md sections 3, 5, 6), run by its single learner:
// gather the patterns with replayable examples and the succeeding inputs of their functions, give
// new patterns candidate fixes, plan with core (the project's curriculum draws patterns, the fix
// policies draw candidates), queue the rollouts for workers and wait for them (bounded), apply the rewards with
// core, renew the candidates of exhausted patterns, and at sync steps put the learner's policy up
// for approval. Everything the step changes is committed in one transaction with its stream events,
// so a learner that dies mid-step leaves the previous step's state, and a restarted one resumes it.

import {
  addCandidates,
  applyStepResults,
  approvalRequests,
  type CurriculumDrawn,
  createLearnerState,
  type LearnedFix,
  type LearnerState,
  type LearningJob,
  learnerStateFromJSON,
  type PlanPattern,
  planLearningStep,
  type RandomSeed,
  shouldSync,
  withPromotedIncumbents,
} from '@arc-agent/core';
import { OVERFLOW_FUNCTION } from '../storage/function-cap.js';
import type {
  ApprovalRecord,
  DeploymentRecord,
  ExampleRecord,
  LearningResultRecord,
  NewApproval,
  NewLearningResult,
  NewRolloutJob,
  PatternRecord,
  RolloutJob,
  Storage,
} from '../storage/storage.js';
import { sleep } from './abortable-sleep.js';
import {
  type CandidateSourcingOptions,
  candidatesForExhaustedPattern,
  candidatesForNewPattern,
  type PatternMaterial,
} from './candidate-sourcing.js';
import { type LearningSettings, learnerConfigOf, secOptionsOf } from './learning-settings.js';
import { patternImpact } from './pattern-impact.js';

const HOUR_MS = 3_600_000;
/** Finished rollout jobs are kept this long (the hourly budget counts them), then pruned. */
const ROLLOUT_RETENTION_MS = 24 * HOUR_MS;
/** Patterns a step considers, most frequent first: the arms of the curriculum. */
export const MAX_PATTERNS_PER_STEP = 500;
const PATTERN_PAGE = 200;

export interface LearnerStepContext {
  storage: Storage;
  projectId: string;
  settings: LearningSettings;
  now: () => number;
  sourcing: CandidateSourcingOptions;
  /** How often the step looks at its rollouts while waiting (default 100 ms). */
  pollMs?: number;
  /** Abandons the step uncommitted (shutdown, lost leadership). */
  signal?: AbortSignal;
  /** Seed of a learner that has no stored state yet (default: the project id). */
  learnerSeed?: RandomSeed;
}

export interface LearnerStepReport {
  step: number;
  rollouts: number;
  completed: number;
  patternRewards: Record<string, number>;
  /** The arms the step drew from, their probabilities, and what it drew. */
  draw: CurriculumDrawn;
  results: LearningResultRecord[];
  approvals: ApprovalRecord[];
  deployments: DeploymentRecord[];
  exhausted: string[];
  /** Patterns left to people (authentication failures), with why. */
  escalated: { patternId: string; reason: string }[];
  /** A sync step: the learner's policy was put up for approval. */
  synced: boolean;
}

export type LearnerStepOutcome =
  | { ran: true; report: LearnerStepReport }
  /** budget: the hourly rollout budget cannot pay for one problem; idle: no pattern can be learned yet. */
  | { ran: false; reason: 'budget' | 'idle' };

async function listAllPatterns(storage: Storage, projectId: string): Promise<PatternRecord[]> {
  const patterns: PatternRecord[] = [];
  let cursor: string | undefined;
  while (patterns.length < MAX_PATTERNS_PER_STEP) {
    const page = await storage.listPatterns(projectId, {
      sort: 'occurrences',
      limit: Math.min(PATTERN_PAGE, MAX_PATTERNS_PER_STEP - patterns.length),
      ...(cursor !== undefined ? { cursor } : {}),
    });
    // An overflow pattern is a mix of unrelated failures (pattern-cap.ts): no one fix is its to learn.
    // Nor the patterns of the overflow function (function-cap.ts): no worker serves it to replay them.
    patterns.push(...page.patterns.filter((p) => !p.overflow && p.function !== OVERFLOW_FUNCTION));
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return patterns;
}

/** The learner's state: as stored, or new (seeded by the project unless told, so each project draws its own sequence). */
async function loadState(ctx: LearnerStepContext): Promise<LearnerState> {
  const stored = await ctx.storage.getLearnerState(ctx.projectId);
  const state = stored
    ? learnerStateFromJSON(stored.state)
    : createLearnerState({ seed: ctx.learnerSeed ?? ctx.projectId });
  return { ...state, sec: { ...state.sec, options: secOptionsOf(state.sec.options, ctx.settings) } };
}

/** Waits until every one of the step's jobs is done, the deadline passes, or the signal aborts. */
async function waitForRollouts(
  ctx: LearnerStepContext,
  step: number,
  ids: ReadonlySet<string>,
): Promise<RolloutJob[]> {
  const deadline = ctx.now() + ctx.settings.stepTimeoutMs;
  const pollMs = ctx.pollMs ?? 100;
  for (;;) {
    ctx.signal?.throwIfAborted();
    const done = await ctx.storage.countDoneRollouts(ctx.projectId, step);
    if (done >= ids.size || ctx.now() >= deadline) break;
    await sleep(pollMs, ctx.signal ?? new AbortController().signal);
  }
  const jobs = await ctx.storage.listRollouts(ctx.projectId, step);
  return jobs.filter((j) => j.status === 'done' && ids.has(j.id));
}

export async function runLearnerStep(ctx: LearnerStepContext): Promise<LearnerStepOutcome> {
  const { storage, projectId, settings } = ctx;
  const config = learnerConfigOf(settings);
  const startedAt = ctx.now();

  const used = await storage.countRolloutsSince(projectId, startedAt - HOUR_MS);
  const batchSize = Math.min(
    settings.batchSize,
    Math.floor((settings.rolloutBudgetPerHour - used) / settings.groupSize),
  );
  if (batchSize < 1) return { ran: false, reason: 'budget' };

  const failuresSeen = await storage.countFailures(projectId);
  const promoted = await storage.listDeployments(projectId, { statuses: ['promoted'], limit: 10_000 });
  let state = await loadState(ctx);

  const materials = new Map<string, PatternMaterial>();
  const successesOf = new Map<string, ExampleRecord[]>();
  const learnable: Omit<PatternMaterial, 'outputSchema'>[] = [];
  for (const pattern of await listAllPatterns(storage, projectId)) {
    const failures = await storage.listFailureExamples(projectId, pattern.id);
    if (failures.length === 0) continue;
    let successes = successesOf.get(pattern.function);
    if (successes === undefined) {
      successes = await storage.listSuccessExamples(projectId, pattern.function);
      successesOf.set(pattern.function, successes);
    }
    learnable.push({ pattern, failures, successes });
  }
  // The schemas of the functions with something to learn, not every function's.
  const declaredSchemas = new Map(
    (await storage.listOutputSchemas(projectId, [...successesOf.keys()])).map((d) => [d.function, d.schema]),
  );
  for (const m of learnable) {
    materials.set(m.pattern.id, { ...m, outputSchema: declaredSchemas.get(m.pattern.function) });
  }

  const escalated: LearnerStepReport['escalated'] = [];
  const fresh = [...materials.values()].filter((m) => !state.patterns.some((p) => p.id === m.pattern.id));
  if (fresh.length > 0) {
    const messages = new Map([...materials.values()].map((m) => [m.pattern.id, m.pattern.normalizedMessage]));
    const learnedFixes: LearnedFix[] = (await storage.listLearningResults(projectId, { limit: 500 })).flatMap(
      (r) => {
        const message = messages.get(r.patternId);
        return message === undefined
          ? []
          : [{ patternId: r.patternId, normalizedMessage: message, fix: r.fix, improvement: r.improvement }];
      },
    );
    for (const material of fresh) {
      const generated = await candidatesForNewPattern(material, learnedFixes, ctx.sourcing);
      if (generated.kind === 'escalate') {
        escalated.push({ patternId: material.pattern.id, reason: generated.reason });
      } else if (generated.candidates.length > 0) {
        state = addCandidates(state, material.pattern, generated.candidates);
      }
    }
  }

  // After new patterns joined: a fix promoted before the learner met its pattern is its baseline too.
  state = withPromotedIncumbents(state, promoted);

  const arms: PlanPattern[] = [...materials.values()].map((m) => ({
    id: m.pattern.id,
    exampleIds: m.failures.map((f) => f.eventId),
    occurrences: m.pattern.occurrences,
  }));
  const succeedingInputs = Object.fromEntries(
    [...successesOf].map(([fn, list]) => [fn, list.map((s) => s.eventId)]),
  );
  const plan = planLearningStep(state, {
    patterns: arms,
    succeedingInputs,
    config: { ...config, batchSize },
  });
  if (plan.jobs.length === 0) return { ran: false, reason: 'idle' };

  const inputs = new Map<string, unknown>();
  for (const m of materials.values())
    for (const e of [...m.failures, ...m.successes]) inputs.set(e.eventId, e.input);
  const functionOf = new Map(plan.nextState.patterns.map((p) => [p.id, p.function]));
  const queued = await storage.enqueueRollouts(
    projectId,
    plan.step,
    plan.jobs.map(
      (job): NewRolloutJob => ({
        patternId: job.patternId,
        exampleId: job.problemId,
        source: job.problemKind === 'failing' ? 'failure' : 'success',
        input: inputs.get(job.problemId) ?? null,
        candidateId: job.candidateId,
        fix: job.fix,
        function: functionOf.get(job.patternId)!,
        group: job.group,
      }),
    ),
    ctx.now(),
  );
  // Stored jobs come back in plan order; the plan knows its jobs by its own ids.
  const planJobOf = new Map<string, LearningJob>(queued.map((q, i) => [q.id, plan.jobs[i]!]));
  const done = await waitForRollouts(ctx, plan.step, new Set(planJobOf.keys()));
  const outcome = applyStepResults(
    plan.nextState,
    plan,
    done.map((j) => ({ jobId: planJobOf.get(j.id)!.jobId, reward: j.reward! })),
    config,
  );

  let next = outcome.nextState;
  for (const patternId of outcome.exhaustedPatterns) {
    const material = materials.get(patternId);
    if (material === undefined) continue;
    const renewed = await candidatesForExhaustedPattern(next, material, ctx.sourcing);
    if (renewed.length > 0) next = addCandidates(next, material.pattern, renewed);
  }

  const results: NewLearningResult[] = outcome.learningResults.map((r) => {
    const pattern = next.patterns.find((p) => p.id === r.patternId)!;
    const incumbent = pattern.candidates[0]!.failing;
    return {
      patternId: r.patternId,
      function: pattern.function,
      candidateId: r.candidateId,
      fix: r.fix,
      risk: r.risk,
      origin: r.origin,
      rationale: r.rationale,
      improvement: r.improvement,
      confidence: r.confidence,
      successRate: r.successRate,
      incumbentSuccessRate: incumbent.trials > 0 ? incumbent.successes / incumbent.trials : 0,
      trials: r.trials,
      examples: r.examplesLearnedFrom,
    };
  });

  const synced = shouldSync(plan.step, config.syncInterval!);
  const approvals: NewApproval[] = [];
  if (synced) {
    const asked = new Set(
      (await storage.listApprovalCandidates(projectId)).map((a) => `${a.patternId}\u0000${a.candidateId}`),
    );
    const at = ctx.now();
    const requests = approvalRequests(
      next,
      config,
      (patternId, candidateId) => asked.has(`${patternId}\u0000${candidateId}`),
      {
        minConfidence: settings.autoApproveMinConfidence,
        minSuccessRate: settings.autoApproveMinSuccessRate,
        autoApproveRisk: settings.autoApproveRisks,
      },
    );
    for (const { entry, decision } of requests) {
      const material = materials.get(entry.patternId);
      if (material === undefined) continue;
      const impact = patternImpact(
        material.pattern,
        material.failures,
        { improvement: entry.improvement, risk: entry.risk },
        at,
      );
      approvals.push({
        patternId: entry.patternId,
        candidateId: entry.candidateId,
        impact: { ...impact, reasons: decision.reasons },
        autoApproval:
          decision.decision === 'auto_approved'
            ? { canaryShare: settings.canaryShare, reason: `auto-approved: ${decision.reasons.join('; ')}` }
            : null,
      });
    }
  }

  const committedAt = ctx.now();
  const committed = await storage.commitLearningStep(
    projectId,
    {
      step: plan.step,
      state: next,
      failuresSeen,
      summary: {
        rollouts: queued.length,
        completed: done.length,
        batchSize,
        patternRewards: outcome.patternRewards,
        exhausted: outcome.exhaustedPatterns,
        escalated: escalated.map((e) => e.patternId),
        synced,
        durationMs: committedAt - startedAt,
      },
      results,
      approvals,
      pruneRolloutsBefore: committedAt - ROLLOUT_RETENTION_MS,
    },
    committedAt,
  );
  return {
    ran: true,
    report: {
      step: plan.step,
      rollouts: queued.length,
      completed: done.length,
      patternRewards: outcome.patternRewards,
      // A plan with jobs drew them.
      draw: plan.draw!,
      results: committed.results,
      approvals: committed.approvals,
      deployments: committed.deployments,
      exhausted: outcome.exhaustedPatterns,
      escalated,
      synced,
    },
  };
}
