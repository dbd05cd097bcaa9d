// The impact assessment approvers see (DESIGN.md section 6), made the same way for a learned fix
// and for a person's proposal: core's assessImpact over the pattern's counts and the distinct
// agents its stored failures came from.

import { assessImpact, type FixRisk, type ImpactAssessment } from '@arc-agent/core';
import type { ExampleRecord, PatternRecord } from '../storage/storage.js';

export interface PatternImpact extends Omit<ImpactAssessment, 'failuresPerDayPrevented'> {
  /** null when the fix's improvement was never measured (a person's proposal). */
  failuresPerDayPrevented: number | null;
}

/**
 * `improvement`: the fix's measured success-rate gain on the pattern, or null when unmeasured.
 * Times are clamped to `at`: an agent whose clock runs ahead must not make the assessment throw.
 */
export function patternImpact(
  pattern: PatternRecord,
  failures: readonly ExampleRecord[],
  fix: { improvement: number | null; risk: FixRisk },
  at: number,
): PatternImpact {
  const impact = assessImpact({
    occurrences: pattern.occurrences,
    firstSeen: Math.min(pattern.firstSeen, at),
    lastSeen: Math.min(pattern.lastSeen, at),
    now: at,
    agentsAffected: new Set(failures.map((e) => e.agentId ?? '')).size,
    category: pattern.category,
    improvement: Math.max(-1, Math.min(1, fix.improvement ?? 0)),
    risk: fix.risk,
  });
  return fix.improvement === null ? { ...impact, failuresPerDayPrevented: null } : impact;
}
