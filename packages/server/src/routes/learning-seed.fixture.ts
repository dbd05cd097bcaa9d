// Test data for the learning-loop routes: learning results put up for approval (pending or
// auto-approved and deployed), committed as the learner commits them, one step each.

import { createLearnerState, type PromptAdjustmentFix, type RetryPolicyFix } from '@arc-agent/core';
import type { LearningStepOutcome, NewLearningResult, Storage } from '../storage/storage.js';

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
