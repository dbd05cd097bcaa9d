// The seed's dashboard metrics, derived from what the API answers: patterns identified and learned,
// success improvement against the baseline, agent downtime saved, learning health and the next
// sync; plus where each pattern stands in the loop.

import type { Approval, Deployment, LearningResult } from './api-types.js';

export type LearningHealth = 'excellent' | 'good' | 'fair' | 'needs_attention';

const isLive = (d: Deployment) => d.status === 'canary' || d.status === 'promoted';

/** Patterns with a fix live now (a canary or promoted deployment). */
export function patternsWithLiveFix(deployments: readonly Deployment[]): number {
  return new Set(deployments.filter(isLive).map((d) => d.patternId)).size;
}

/** Patterns with at least one learning result (a fix that beat what was deployed). */
export function patternsLearned(results: readonly LearningResult[]): number {
  return new Set(results.map((r) => r.patternId)).size;
}

/**
 * The seed's health score: the share of identified patterns that have a fix deployed, in bands
 * (above 0.8 excellent, 0.6 good, 0.4 fair, else needs attention).
 */
export function learningHealth(
  patternsFixed: number,
  patternsIdentified: number,
): { health: LearningHealth; share: number } {
  const share = patternsFixed / Math.max(patternsIdentified, 1);
  const health = share > 0.8 ? 'excellent' : share > 0.6 ? 'good' : share > 0.4 ? 'fair' : 'needs_attention';
  return { health, share };
}

const failureRate = (c: { trials: number; failures: number }) => c.failures / c.trials;

export interface SuccessImprovement {
  /** Success rate with the fixes minus without, in [-1, 1]. */
  improvement: number;
  /** Calls behind it. */
  calls: number;
  /** Measured on canaries (treatment vs control), or estimated from replays of failing inputs. */
  source: 'canary' | 'replay';
}

/**
 * Success improvement against the baseline. Measured where canaries have calls in both arms: each
 * deployment's success rate with the fix minus without it (control), weighted by its treatment
 * calls (per deployment, since canary shares differ). Before any canary data, the replay estimate:
 * the mean of each pattern's latest result's success rate minus the incumbent's.
 */
export function successImprovement(
  deployments: readonly Deployment[],
  results: readonly LearningResult[],
): SuccessImprovement | null {
  let weighted = 0;
  let calls = 0;
  for (const d of deployments) {
    if (d.treatment.trials === 0 || d.control.trials === 0) continue;
    weighted += d.treatment.trials * (failureRate(d.control) - failureRate(d.treatment));
    calls += d.treatment.trials;
  }
  if (calls > 0) return { improvement: weighted / calls, calls, source: 'canary' };
  const latest = new Map<string, LearningResult>();
  for (const r of results) if (!latest.has(r.patternId)) latest.set(r.patternId, r);
  if (latest.size === 0) return null;
  let sum = 0;
  let trials = 0;
  for (const r of latest.values()) {
    sum += r.successRate - r.incumbentSuccessRate;
    trials += r.trials;
  }
  return { improvement: sum / latest.size, calls: trials, source: 'replay' };
}

export interface DowntimeSaved {
  /** Failures per day the live fixes prevent, from their approvals' impact assessments. */
  perDay: number;
  /** Failures canaries avoided so far: treatment calls times the failure rate they were spared. */
  avoidedOnCanaries: number;
}

export function downtimeSaved(
  deployments: readonly Deployment[],
  approvals: readonly Approval[],
): DowntimeSaved {
  const impactOf = new Map(approvals.map((a) => [a.id, a.impact]));
  let perDay = 0;
  let avoided = 0;
  for (const d of deployments) {
    if (isLive(d)) perDay += impactOf.get(d.approvalId)?.failuresPerDayPrevented ?? 0;
    if (d.status !== 'rolled_back' && d.treatment.trials > 0 && d.control.trials > 0) {
      avoided += Math.max(0, d.treatment.trials * (failureRate(d.control) - failureRate(d.treatment)));
    }
  }
  return { perDay, avoidedOnCanaries: avoided };
}

/**
 * Learning steps until agents next get the learner's policy: syncs happen at the steps that are
 * multiples of the interval; null when syncing is off.
 */
export function stepsToNextSync(step: number, syncInterval: number | null): number | null {
  if (syncInterval === null) return null;
  return syncInterval - (step % syncInterval);
}

export type PatternStatus = 'fixed' | 'canary' | 'awaiting_approval' | 'learned' | 'learning' | 'waiting';

export const PATTERN_STATUS_LABELS: Record<PatternStatus, string> = {
  fixed: 'fixed',
  canary: 'canary',
  awaiting_approval: 'awaiting approval',
  learned: 'learned',
  learning: 'learning',
  waiting: 'not yet learning',
};

/** Where a pattern stands, furthest stage first: fix promoted, canary, approval pending, learned, in the curriculum. */
export function patternStatus(
  patternId: string,
  loop: {
    deployments: readonly Deployment[];
    approvals: readonly Approval[];
    results: readonly LearningResult[];
    curriculumArms: ReadonlySet<string>;
  },
): PatternStatus {
  const deployed = loop.deployments.filter((d) => d.patternId === patternId);
  if (deployed.some((d) => d.status === 'promoted')) return 'fixed';
  if (deployed.some((d) => d.status === 'canary')) return 'canary';
  if (loop.approvals.some((a) => a.status === 'pending' && a.result.patternId === patternId)) {
    return 'awaiting_approval';
  }
  if (loop.results.some((r) => r.patternId === patternId)) return 'learned';
  return loop.curriculumArms.has(patternId) ? 'learning' : 'waiting';
}
