// The learner's own state per project: the projects it walks, its state, and the step commit that
// stores a step's results, approval requests and automatic deployments in one transaction.

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { insertApproval } from './approval-queries.js';
import { ARC_ACTOR, audit } from './audit-queries.js';
import type { Database } from './database-schema.js';
import { deploy } from './deployment-queries.js';
import type { NewStreamEvent } from './ingest-plan.js';
import {
  type ApprovalRecord,
  type DeploymentRecord,
  type LearningResultRecord,
  StaleLearnerStateError,
} from './learning-records.js';
import { insertResult } from './learning-result-queries.js';
import { json } from './learning-rows.js';
import { planOrderedId } from './plan-ordered-id.js';
import type { Storage } from './storage.js';
import { first, run, type Transact } from './transaction-script.js';

export type LearnerStateQueries = Pick<Storage, 'listProjects' | 'getLearnerState' | 'commitLearningStep'>;

export function createLearnerStateQueries(db: Kysely<Database>, transact: Transact): LearnerStateQueries {
  return {
    async listProjects() {
      const rows = await db.selectFrom('projects').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
    },

    async getLearnerState(projectId) {
      const row = await db
        .selectFrom('learner_state')
        .selectAll()
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return row === undefined
        ? undefined
        : {
            projectId,
            step: row.step,
            state: JSON.parse(row.state),
            failuresSeen: row.failures_seen,
            updatedAt: row.updated_at,
          };
    },

    async commitLearningStep(projectId, commit, at) {
      const { value } = await transact(projectId, at, function* () {
        const expected = commit.step - 1;
        const state = {
          step: commit.step,
          state: json(commit.state),
          failures_seen: commit.failuresSeen,
          updated_at: at,
        };
        // The step number is the optimistic lock: a second learner (a replica that lost the
        // advisory lock mid-step) cannot overwrite a newer state.
        const saved =
          expected === 0
            ? yield* run(
                db
                  .insertInto('learner_state')
                  .values({ project_id: projectId, ...state })
                  .onConflict((oc) => oc.column('project_id').doNothing()),
              )
            : yield* run(
                db
                  .updateTable('learner_state')
                  .set(state)
                  .where('project_id', '=', projectId)
                  .where('step', '=', expected),
              );
        if (saved !== 1) {
          const found = yield* first(
            db.selectFrom('learner_state').select('step').where('project_id', '=', projectId),
          );
          throw new StaleLearnerStateError(projectId, expected, found?.step ?? null);
        }
        // What workers did not finish in time is closed: a late report gets 409.
        yield* run(
          db
            .updateTable('rollout_jobs')
            .set({ status: 'expired' })
            .where('project_id', '=', projectId)
            .where('step', '<=', commit.step)
            .where('status', 'in', ['queued', 'leased']),
        );
        yield* run(
          db
            .deleteFrom('rollout_jobs')
            .where('project_id', '=', projectId)
            .where('status', 'in', ['done', 'expired'])
            .where('created_at', '<', commit.pruneRolloutsBefore),
        );

        const stream: NewStreamEvent[] = [];
        const outcome = {
          results: [] as LearningResultRecord[],
          approvals: [] as ApprovalRecord[],
          deployments: [] as DeploymentRecord[],
        };
        // One step's results share a creation time; plan-ordered ids list them alike in every run.
        const committed = randomUUID();
        for (const [index, item] of commit.results.entries()) {
          const id = planOrderedId(committed, index, commit.results.length);
          const result = yield* insertResult(db, id, projectId, commit.step, item, at);
          outcome.results.push(result);
          stream.push({ type: 'learning.result', data: result });
        }
        for (const request of commit.approvals) {
          const result = yield* first(
            db
              .selectFrom('learning_results')
              .select('id')
              .where('project_id', '=', projectId)
              .where('pattern_id', '=', request.patternId)
              .where('candidate_id', '=', request.candidateId)
              .where('source', '=', 'learner')
              .orderBy('step', 'desc')
              .limit(1),
          );
          if (result === undefined) {
            throw new Error(
              `no learning result for ${request.patternId} / ${request.candidateId} to approve`,
            );
          }
          const auto = request.autoApproval;
          const approval = yield* insertApproval(
            db,
            projectId,
            result.id,
            request.impact,
            auto,
            ARC_ACTOR,
            {},
            at,
          );
          outcome.approvals.push(approval);
          stream.push({ type: 'approval.created', data: approval });
          if (auto === null) continue;
          const subject = { type: 'approval' as const, id: approval.id };
          yield* audit(db, projectId, at, ARC_ACTOR, 'approval.approved', subject, {
            auto: true,
            reason: auto.reason,
          });
          stream.push({ type: 'approval.approved', data: approval });
          const deployment = yield* deploy(db, approval, auto.canaryShare, ARC_ACTOR, at);
          if (deployment === null) continue;
          outcome.deployments.push(deployment);
          stream.push({ type: 'deployment.created', data: deployment });
        }
        stream.unshift({
          type: 'learner.step',
          data: { ...commit.summary, step: commit.step, results: outcome.results.map((r) => r.id) },
        });
        return { value: outcome, stream };
      });
      return value;
    },
  };
}
