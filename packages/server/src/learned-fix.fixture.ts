// Test helper: commits one learning step the way the learner would after judging a pattern's
// candidate (SEC drew the pattern, the candidate beat "no fix"), with its learning result and an
// approval request, so routes and the dashboard have real learning records to show.

import {
  addCandidates,
  assessImpact,
  candidateFix,
  createLearnerState,
  decideApproval,
  type Fix,
  type LearnerState,
  learnerStateFromJSON,
  posteriorMean,
  probabilityBetaGreater,
  riskOf,
  SecCurriculum,
} from '@arc-agent/core';
import type { LearningStepOutcome, PatternRecord, Storage } from './storage/storage.js';

export const ASK_FOR_JSON: Fix = {
  type: 'prompt_adjustment',
  instructions: 'Answer with one JSON object and nothing else.',
};

export interface LearnedFixOptions {
  fix?: Fix;
  /** Why the candidate was proposed. */
  rationale?: string;
  /** The SEC reward of the pattern in this step (mean |A|). */
  reward?: number;
  /** Rollouts on failing inputs: [incumbent successes, candidate successes] of `trials` each. */
  successes?: [number, number];
  trials?: number;
  /** Auto-approve and deploy as a canary at this share instead of waiting for a person. */
  autoApproveShare?: number;
  at: number;
}

export async function commitLearnedFix(
  storage: Storage,
  projectId: string,
  pattern: PatternRecord,
  options: LearnedFixOptions,
): Promise<LearningStepOutcome> {
  const fix = options.fix ?? ASK_FOR_JSON;
  const trials = options.trials ?? 8;
  const [incumbentSuccesses, candidateSuccesses] = options.successes ?? [1, 7];
  const stored = await storage.getLearnerState(projectId);
  let state: LearnerState = stored
    ? learnerStateFromJSON(stored.state)
    : createLearnerState({ seed: projectId });
  const candidate = candidateFix(
    fix,
    'rule',
    options.rationale ?? 'Failures of this pattern are unparseable answers',
  );
  state = addCandidates(state, pattern, [candidate]);
  const step = state.step + 1;
  const examples = (await storage.listFailureExamples(projectId, pattern.id)).map((e) => e.eventId);
  const failing = (successes: number) => ({ successes, trials });
  state = {
    ...state,
    step,
    patterns: state.patterns.map((p) =>
      p.id !== pattern.id
        ? p
        : {
            ...p,
            // As the step that learned it planned it: replayable, its failures counted.
            replayable: examples.length > 0,
            traffic: { occurrences: pattern.occurrences, recentFailures: pattern.occurrences },
            reported: [...p.reported, candidate.id],
            candidates: p.candidates.map((c, i) =>
              // Working inputs: 20 of 20 against the incumbent's 2 of 2 clears the guard (it needs 18).
              i === 0
                ? { ...c, failing: failing(incumbentSuccesses), guard: { successes: 2, trials: 2 } }
                : c.id === candidate.id
                  ? {
                      ...c,
                      theta: 1,
                      failing: failing(candidateSuccesses),
                      guard: { successes: 20, trials: 20 },
                      examples,
                    }
                  : c,
            ),
          },
    ),
  };
  const sec = SecCurriculum.fromJSON(state.sec);
  sec.sample([pattern.id], 1);
  sec.update({ [pattern.id]: options.reward ?? 0.81 });
  state = { ...state, sec: sec.toJSON() };

  const incumbent = failing(incumbentSuccesses);
  const judged = failing(candidateSuccesses);
  const improvement = posteriorMean(judged) - posteriorMean(incumbent);
  const confidence = probabilityBetaGreater(
    1 + candidateSuccesses,
    1 + trials - candidateSuccesses,
    1 + incumbentSuccesses,
    1 + trials - incumbentSuccesses,
  );
  const risk = riskOf(fix);
  const impact = assessImpact({
    occurrences: pattern.occurrences,
    firstSeen: pattern.firstSeen,
    lastSeen: Math.min(pattern.lastSeen, options.at),
    now: options.at,
    agentsAffected: 1,
    category: pattern.category,
    improvement,
    risk,
  });
  return storage.commitLearningStep(
    projectId,
    {
      step,
      state,
      failuresSeen: pattern.occurrences,
      summary: {
        rollouts: 2 * trials,
        completed: 2 * trials,
        patternRewards: { [pattern.id]: options.reward ?? 0.81 },
      },
      results: [
        {
          patternId: pattern.id,
          function: pattern.function,
          candidateId: candidate.id,
          fix,
          risk,
          origin: 'rule',
          rationale: candidate.rationale,
          improvement,
          confidence,
          successRate: candidateSuccesses / trials,
          incumbentSuccessRate: incumbentSuccesses / trials,
          trials,
          examples: examples.length,
        },
      ],
      approvals: [
        {
          patternId: pattern.id,
          candidateId: candidate.id,
          impact: {
            ...impact,
            reasons: decideApproval({ confidence, successRate: candidateSuccesses / trials, risk }).reasons,
          },
          autoApproval:
            options.autoApproveShare === undefined
              ? null
              : { canaryShare: options.autoApproveShare, reason: 'auto-approved: low risk, high confidence' },
        },
      ],
      pruneRolloutsBefore: 0,
    },
    options.at,
  );
}
