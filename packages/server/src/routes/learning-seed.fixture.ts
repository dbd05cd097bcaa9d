// Test data for the learning-loop routes: learning results put up for approval (pending or
// auto-approved and deployed), committed as the learner commits them, one step each; rollout jobs
// queued as the learner queues them.

import { createLearnerState, type PromptAdjustmentFix, type RetryPolicyFix } from '@arc-agent/core';
import type { LearningStepOutcome, NewLearningResult, NewRolloutJob, Storage } from '../storage/storage.js';
import type { TestServer } from '../test-server.fixture.js';

export const RETRY_FIX: RetryPolicyFix = {
  type: 'retry_policy',
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  jitter: 'full',
  retryOn: { categories: ['timeout'], statuses: [] },
};

export const PROMPT_FIX: PromptAdjustmentFix = {
  type: 'prompt_adjustment',
  instructions: 'Answer with JSON only.',
};

export function learningResult(overrides: Partial<NewLearningResult> = {}): NewLearningResult {
  return {
    patternId: 'p-timeout',
    function: 'search',
    candidateId: 'fix_retry',
    fix: RETRY_FIX,
    risk: 'low',
    origin: 'rule',
    rationale: 'timeouts are transient',
    improvement: 0.6,
    confidence: 0.97,
    successRate: 0.9,
    incumbentSuccessRate: 0.3,
    trials: 40,
    examples: 10,
    ...overrides,
  };
}

/**
 * Commits one learner step whose results are each put up for approval (auto-approved at
 * `autoApproveAt` when given). The state it stores is a valid, empty learner state, so a learner
 * started afterwards carries on from it; seed before starting one, never while it runs.
 */
export async function seedApprovals(
  storage: Storage,
  projectId: string,
  items: { result: NewLearningResult; autoApproveAt?: number }[],
  at = Date.now(),
): Promise<LearningStepOutcome> {
  const step = ((await storage.getLearnerState(projectId))?.step ?? 0) + 1;
  return storage.commitLearningStep(
    projectId,
    {
      step,
      state: { ...createLearnerState(), step },
      failuresSeen: 0,
      summary: {},
      results: items.map((i) => i.result),
      approvals: items.map((i) => ({
        patternId: i.result.patternId,
        candidateId: i.result.candidateId,
        impact: {
          severity: 'medium',
          agentsAffected: 2,
          failuresPerDay: 48,
          failuresPerDayPrevented: 28.8,
          riskLevel: i.result.risk,
        },
        autoApproval:
          i.autoApproveAt === undefined ? null : { canaryShare: i.autoApproveAt, reason: 'auto-approved' },
      })),
      pruneRolloutsBefore: 0,
    },
    at,
  );
}

/** One rollout job of `fn` as the learner queues it: replay a failing example as it is (no fix). */
export function rolloutJob(fn: string, patternId = 'p-test'): NewRolloutJob {
  return {
    patternId,
    exampleId: 'e-1',
    source: 'failure',
    input: {},
    candidateId: 'none',
    fix: null,
    function: fn,
    group: 'g',
  };
}

/**
 * A failure of `fn` ingested over HTTP (its pattern is `patternId`), and a rollout job of that
 * pattern queued at step 1 and leased over HTTP by worker `w` (`jobId`); the admin key does both.
 */
export async function leasedRollout(
  server: TestServer,
  fn: string,
): Promise<{ patternId: string; jobId: string }> {
  const key = server.adminKey;
  const ingested = await server.request('POST', '/v1/events', {
    key,
    body: { events: [{ kind: 'failure', function: fn, error: { type: 'E', message: 'bad JSON' } }] },
  });
  const patternId = ingested.body.patterns[0].id as string;
  await server.storage.enqueueRollouts(server.projectId, 1, [rolloutJob(fn, patternId)], Date.now());
  const leased = await server.request('POST', '/v1/rollouts/lease', {
    key,
    body: { workerId: 'w', functions: [fn] },
  });
  return { patternId, jobId: leased.body.jobs[0].id as string };
}
