// Approvals: requests to deploy a learning result, asked for by the learner or by a person who
// proposes a fix, and decided by a person or by Arc itself.

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ARC_ACTOR, audit } from './audit-queries.js';
import type { Database } from './database-schema.js';
import { deploy } from './deployment-queries.js';
import type { NewStreamEvent } from './ingest-plan.js';
import type {
  Actor,
  ApprovalRecord,
  ApprovalStatus,
  DecideApprovalOutcome,
  DeploymentRecord,
  ProposeFixOutcome,
} from './learning-records.js';
import { insertResult } from './learning-result-queries.js';
import { json, resultFromRow } from './learning-rows.js';
import type { Storage } from './storage.js';
import {
  first,
  kyselyExecutor,
  run,
  runScriptAsync,
  type Transact,
  type TransactionScript,
} from './transaction-script.js';

export type ApprovalQueries = Pick<
  Storage,
  'listApprovals' | 'listApprovalCandidates' | 'getApproval' | 'proposeFix' | 'decideApproval'
>;

const approvalQuery = (db: Kysely<Database>, projectId: string) =>
  db
    .selectFrom('approvals as a')
    .innerJoin('learning_results as r', 'r.id', 'a.result_id')
    .selectAll('a')
    .select([
      'r.step',
      'r.pattern_id',
      'r.function',
      'r.candidate_id',
      'r.fix',
      'r.risk',
      'r.origin',
      'r.rationale',
      'r.improvement',
      'r.confidence',
      'r.success_rate',
      'r.incumbent_success_rate',
      'r.trials',
      'r.examples',
      'r.source',
      'r.proposed_by',
      'r.proposed_by_key_id',
      'r.created_at as result_created_at',
    ])
    .where('a.project_id', '=', projectId);
type ApprovalRow = Awaited<ReturnType<ReturnType<typeof approvalQuery>['executeTakeFirstOrThrow']>>;

function approvalFromRow(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    status: row.status as ApprovalStatus,
    impact: JSON.parse(row.impact) as Record<string, unknown>,
    decidedBy: row.decided_by,
    decidedByKeyId: row.decided_by_key_id,
    comment: row.comment,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    result: resultFromRow({ ...row, id: row.result_id, created_at: row.result_created_at }),
  };
}

function* loadApproval(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): TransactionScript<ApprovalRecord | undefined> {
  const row = yield* first(approvalQuery(db, projectId).where('a.id', '=', id));
  return row === undefined ? undefined : approvalFromRow(row);
}

/**
 * Stores an approval request for a stored result, audited as asked for by `requester`: pending,
 * or approved by Arc at once with `autoApproval` (its deployment is the caller's to make).
 */
export function* insertApproval(
  db: Kysely<Database>,
  projectId: string,
  resultId: string,
  impact: Record<string, unknown>,
  autoApproval: { reason: string } | null,
  requester: Actor,
  detail: Record<string, unknown>,
  at: number,
): TransactionScript<ApprovalRecord> {
  const id = randomUUID();
  yield* run(
    db.insertInto('approvals').values({
      id,
      project_id: projectId,
      result_id: resultId,
      status: autoApproval === null ? 'pending' : 'approved',
      impact: json(impact),
      decided_by: autoApproval === null ? null : ARC_ACTOR.name,
      decided_by_key_id: null,
      comment: autoApproval === null ? null : autoApproval.reason,
      created_at: at,
      decided_at: autoApproval === null ? null : at,
    }),
  );
  yield* audit(
    db,
    projectId,
    at,
    requester,
    'approval.created',
    { type: 'approval', id },
    { resultId, ...detail },
  );
  const approval = yield* loadApproval(db, projectId, id);
  if (approval === undefined) throw new Error(`approval ${id} was not stored`);
  return approval;
}

export function createApprovalQueries(
  db: Kysely<Database>,
  dialect: Storage['dialect'],
  transact: Transact,
): ApprovalQueries {
  const pg = dialect === 'postgres';
  return {
    async listApprovals(projectId, query) {
      let select = approvalQuery(db, projectId);
      if (query.status !== undefined) select = select.where('a.status', '=', query.status);
      const rows = await select
        .orderBy('a.created_at', 'desc')
        .orderBy('a.id', 'desc')
        .limit(query.limit)
        .execute();
      return rows.map(approvalFromRow);
    },

    async listApprovalCandidates(projectId) {
      const rows = await db
        .selectFrom('approvals as a')
        .innerJoin('learning_results as r', 'r.id', 'a.result_id')
        .select(['r.pattern_id', 'r.candidate_id'])
        .distinct()
        .where('a.project_id', '=', projectId)
        .execute();
      return rows.map((r) => ({ patternId: r.pattern_id, candidateId: r.candidate_id }));
    },

    async getApproval(projectId, id) {
      return runScriptAsync(loadApproval(db, projectId, id), kyselyExecutor(db));
    },

    async proposeFix(projectId, proposal, at) {
      const { value } = await transact<ProposeFixOutcome>(projectId, at, function* () {
        const refused = (reason: 'pending' | 'live') => ({
          value: { ok: false as const, reason },
          stream: [],
        });
        // Proposals of one pattern wait for each other on its row, so the same fix cannot slip into
        // the queue twice (SQLite's write transactions are serial already).
        if (pg) {
          yield* first(
            db
              .selectFrom('patterns')
              .select('id')
              .where('project_id', '=', projectId)
              .where('id', '=', proposal.patternId)
              .forUpdate(),
          );
        }
        const waiting = yield* first(
          approvalQuery(db, projectId)
            .where('a.status', '=', 'pending')
            .where('r.pattern_id', '=', proposal.patternId)
            .where('r.candidate_id', '=', proposal.candidateId),
        );
        if (waiting !== undefined) return refused('pending');
        // Approving it would deploy nothing (deploy() deploys a fix once per project).
        const live = yield* first(
          db
            .selectFrom('deployments')
            .select('id')
            .where('project_id', '=', projectId)
            .where('fix_id', '=', proposal.candidateId)
            .where('status', 'in', ['canary', 'promoted']),
        );
        if (live !== undefined) return refused('live');
        const learner = yield* first(
          db.selectFrom('learner_state').select('step').where('project_id', '=', projectId),
        );
        const result = yield* insertResult(
          db,
          randomUUID(),
          projectId,
          learner?.step ?? 0,
          {
            patternId: proposal.patternId,
            function: proposal.function,
            candidateId: proposal.candidateId,
            fix: proposal.fix,
            risk: proposal.risk,
            origin: 'person',
            rationale: proposal.comment ?? '',
            improvement: 0,
            confidence: 0,
            successRate: 0,
            incumbentSuccessRate: 0,
            trials: 0,
            examples: 0,
          },
          at,
          proposal.proposer,
        );
        const approval = yield* insertApproval(
          db,
          projectId,
          result.id,
          proposal.impact,
          null,
          proposal.proposer,
          { proposed: true, comment: proposal.comment },
          at,
        );
        return { value: { ok: true, approval }, stream: [{ type: 'approval.created', data: approval }] };
      });
      return value;
    },

    async decideApproval(projectId, id, decision, at) {
      const { value } = await transact<DecideApprovalOutcome>(projectId, at, function* () {
        const approval = yield* loadApproval(db, projectId, id);
        if (approval === undefined) return { value: { ok: false, reason: 'not_found' }, stream: [] };
        const decided = yield* run(
          db
            .updateTable('approvals')
            .set({
              status: decision.status,
              decided_by: decision.actor.name,
              decided_by_key_id: decision.actor.keyId,
              comment: decision.comment,
              decided_at: at,
            })
            .where('project_id', '=', projectId)
            .where('id', '=', id)
            .where('status', '=', 'pending'),
        );
        if (decided === 0) {
          return { value: { ok: false, reason: 'already_decided', approval }, stream: [] };
        }
        yield* audit(
          db,
          projectId,
          at,
          decision.actor,
          `approval.${decision.status}`,
          { type: 'approval', id },
          {
            comment: decision.comment,
          },
        );
        const updated = yield* loadApproval(db, projectId, id);
        if (updated === undefined) throw new Error(`approval ${id} vanished`);
        const stream: NewStreamEvent[] = [{ type: `approval.${decision.status}`, data: updated }];
        let deployment: DeploymentRecord | null = null;
        if (decision.status === 'approved') {
          deployment = yield* deploy(db, updated, decision.canaryShare, decision.actor, at);
          if (deployment !== null) stream.push({ type: 'deployment.created', data: deployment });
        }
        return { value: { ok: true, approval: updated, deployment }, stream };
      });
      return value;
    },
  };
}
