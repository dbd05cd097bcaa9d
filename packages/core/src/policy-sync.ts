import { type ApprovalDecision, type ApprovalPolicyOptions, decideApproval } from './approval-policy.js';
import { bestAccepted, judgeCandidates } from './candidate-verdict.js';
import type { Fix, FixRisk } from './fix-types.js';
import { riskOf } from './fix-types.js';
import { type LearnerConfig, resolveLearnerConfig } from './learner-config.js';
import { isFixCandidate, type LearnerState } from './learner-state.js';

/**
 * Semi-online sync (DESIGN.md section 3, Lanchantin et al. 2025): production agents get the
 * learner's policy after every `syncInterval` steps (s = 1 fully online, s = Infinity offline).
 */
export function shouldSync(step: number, syncInterval: number): boolean {
  if (!(Number.isInteger(step) && step >= 0))
    throw new RangeError(`step must be an integer >= 0, got ${step}`);
  if (!(syncInterval === Number.POSITIVE_INFINITY || (Number.isInteger(syncInterval) && syncInterval >= 1))) {
    throw new RangeError(`syncInterval must be an integer >= 1 or Infinity, got ${syncInterval}`);
  }
  return step > 0 && syncInterval !== Number.POSITIVE_INFINITY && step % syncInterval === 0;
}

export interface PolicyEntry {
  patternId: string;
  function: string;
  candidateId: string;
  fix: Fix;
  improvement: number;
  confidence: number;
  risk: FixRisk;
}

/**
 * What the learner would have production agents use now: per pattern, of the candidates that beat
 * the incumbent and pass the guard today (judged afresh, so a candidate whose lead has faded drops
 * out), the one with the largest improvement (ties: higher confidence, then id). Patterns where
 * nothing does are absent: they keep their incumbent.
 */
export function policySnapshot(state: LearnerState, configInput: LearnerConfig = {}): PolicyEntry[] {
  const config = resolveLearnerConfig(configInput);
  const entries: PolicyEntry[] = [];
  for (const pattern of state.patterns) {
    const fixOf = new Map(pattern.candidates.filter(isFixCandidate).map((c) => [c.id, c.fix]));
    const best = bestAccepted(judgeCandidates(pattern, config), (v) => fixOf.has(v.candidateId));
    if (best === undefined) continue;
    const fix = fixOf.get(best.candidateId)!;
    entries.push({
      patternId: pattern.id,
      function: pattern.function,
      candidateId: best.candidateId,
      fix,
      improvement: best.comparison.improvement,
      confidence: best.comparison.probabilityBetter,
      risk: riskOf(fix, pattern.category),
    });
  }
  return entries;
}

/** An entry of the learner's policy to put up for approval, with the approval policy's decision. */
export interface ApprovalRequest {
  entry: PolicyEntry;
  /** The candidate's observed success rate on the pattern's failing inputs. */
  successRate: number;
  decision: ApprovalDecision;
}

/**
 * What a sync step puts up for approval (DESIGN.md section 6): the entries of `policySnapshot`
 * whose candidate was reported as a learning result and that were not asked about before (`asked`),
 * each with `decideApproval`'s verdict: auto-approved (deployed as a canary) or waiting for a person.
 */
export function approvalRequests(
  state: LearnerState,
  configInput: LearnerConfig,
  asked: (patternId: string, candidateId: string) => boolean,
  approval: ApprovalPolicyOptions = {},
): ApprovalRequest[] {
  const requests: ApprovalRequest[] = [];
  for (const entry of policySnapshot(state, configInput)) {
    const pattern = state.patterns.find((p) => p.id === entry.patternId)!;
    // Only candidates reported as learning results can be approved; each is asked about once.
    if (!pattern.reported.includes(entry.candidateId) || asked(entry.patternId, entry.candidateId)) continue;
    const failing = pattern.candidates.find((c) => c.id === entry.candidateId)!.failing;
    const successRate = failing.trials > 0 ? failing.successes / failing.trials : 0;
    const decision = decideApproval(
      { confidence: entry.confidence, successRate, risk: entry.risk },
      approval,
    );
    requests.push({ entry, successRate, decision });
  }
  return requests;
}
