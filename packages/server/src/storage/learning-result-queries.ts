// Learning results: what the learner measured for a candidate fix, or a fix a person proposed.

import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import type { Actor, LearningResultRecord, NewLearningResult } from './learning-records.js';
import { json, resultFromRow } from './learning-rows.js';
import type { Storage } from './storage.js';
import { run, type TransactionScript } from './transaction-script.js';

export type LearningResultQueries = Pick<Storage, 'listLearningResults'>;

/** A learned result, or with `proposer` a person's (source person). */
export function* insertResult(
  db: Kysely<Database>,
  id: string,
  projectId: string,
  step: number,
  result: NewLearningResult,
  at: number,
  proposer: Actor | null = null,
): TransactionScript<LearningResultRecord> {
  const row = {
    id,
    project_id: projectId,
    step,
    pattern_id: result.patternId,
    function: result.function,
    candidate_id: result.candidateId,
    fix: json(result.fix),
    risk: result.risk,
    origin: result.origin,
    rationale: result.rationale,
    improvement: result.improvement,
    confidence: result.confidence,
    success_rate: result.successRate,
    incumbent_success_rate: result.incumbentSuccessRate,
    trials: result.trials,
    examples: result.examples,
    created_at: at,
    source: proposer === null ? 'learner' : 'person',
    proposed_by: proposer?.name ?? null,
    proposed_by_key_id: proposer?.keyId ?? null,
  };
  yield* run(db.insertInto('learning_results').values(row));
  return resultFromRow(row);
}

export function createLearningResultQueries(db: Kysely<Database>): LearningResultQueries {
  return {
    async listLearningResults(projectId, query) {
      let select = db
        .selectFrom('learning_results')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('source', '=', 'learner');
      if (query.patternId !== undefined) select = select.where('pattern_id', '=', query.patternId);
      const rows = await select
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit)
        .execute();
      return rows.map(resultFromRow);
    },
  };
}
