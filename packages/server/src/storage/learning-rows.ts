// Row mapping shared by the learning query modules: JSON columns and the learning result, which
// approvals embed and the learner, people and approvals all store.

import type { Fix, FixRisk } from '@arc-agent/core';
import type { Selectable } from 'kysely';
import type { Database } from './database-schema.js';
import type { LearningResultRecord, ResultSource } from './learning-records.js';

export const json = (value: unknown): string => JSON.stringify(value ?? null);

export function resultFromRow(row: Selectable<Database['learning_results']>): LearningResultRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    step: row.step,
    patternId: row.pattern_id,
    function: row.function,
    candidateId: row.candidate_id,
    fix: JSON.parse(row.fix) as Fix,
    risk: row.risk as FixRisk,
    origin: row.origin,
    rationale: row.rationale,
    improvement: row.improvement,
    confidence: row.confidence,
    successRate: row.success_rate,
    incumbentSuccessRate: row.incumbent_success_rate,
    trials: row.trials,
    examples: row.examples,
    source: row.source as ResultSource,
    proposedBy: row.proposed_by,
    proposedByKeyId: row.proposed_by_key_id,
    createdAt: row.created_at,
  };
}
