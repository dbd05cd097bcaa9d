// The learning loop's Storage methods, written once for both backends: reads are plain Kysely
// queries, writes are transaction scripts (transaction-script.ts) that each backend runs in one
// transaction of its own kind, together with the stream events that describe them.

import { randomUUID } from 'node:crypto';
import type { Fix, FixRisk } from '@arc-agent/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, DeploymentsTable, RolloutJobsTable } from './database-schema.js';
import type { NewStreamEvent } from './ingest-plan.js';
import {
  type Actor,
  type ApprovalRecord,
  type ApprovalStatus,
  type AuditEntry,
  type CompleteRolloutOutcome,
  type ConcludeDeploymentOutcome,
  type DecideApprovalOutcome,
  type DeploymentRecord,
  type DeploymentStatus,
  type LearningResultRecord,
  type NewLearningResult,
  type ProposeFixOutcome,
  type ResultSource,
  type RolloutJob,
  StaleLearnerStateError,
} from './learning-records.js';
import type { Storage } from './storage.js';
import {
  all,
  first,
  kyselyExecutor,
  run,
  runScriptAsync,
  type Transact,
  type TransactionScript,
} from './transaction-script.js';

export type LearningQueries = Pick<
  Storage,
  | 'listProjects'
  | 'getLearnerState'
  | 'commitLearningStep'
  | 'enqueueRollouts'
  | 'leaseRollouts'
  | 'completeRollout'
  | 'listRollouts'
  | 'countDoneRollouts'
  | 'countRolloutsSince'
  | 'listLearningResults'
  | 'listApprovals'
  | 'listApprovalCandidates'
  | 'getApproval'
  | 'proposeFix'
  | 'decideApproval'
  | 'listDeployments'
  | 'getDeployment'
  | 'concludeDeployment'
  | 'listAuditLog'
  | 'getLearningConfig'
  | 'saveLearningConfig'
  | 'getCurriculum'
  | 'saveCurriculum'
>;

/** Rows per multi-row insert: far below SQLite's limit of 32 766 bound parameters. */
const INSERT_CHUNK = 200;
/** Who the audit log names for what Arc decides by itself. */
export const ARC_ACTOR: Actor = { name: 'arc', keyId: null };

const json = (value: unknown): string => JSON.stringify(value ?? null);
const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

export function createLearningQueries(
  db: Kysely<Database>,
  dialect: Storage['dialect'],
  transact: Transact,
): LearningQueries {
  const pg = dialect === 'postgres';
  /** Runs a read-only script outside any transaction. */
  const read = <T>(script: TransactionScript<T>) => runScriptAsync(script, kyselyExecutor(db));

  // --- row loading, shared by reads and by the scripts that answer with full records ---

  function resultFromRow(row: Selectable<Database['learning_results']>): LearningResultRecord {
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

  const approvalQuery = (projectId: string) =>
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

  function* loadApproval(projectId: string, id: string): TransactionScript<ApprovalRecord | undefined> {
    const row = yield* first(approvalQuery(projectId).where('a.id', '=', id));
    return row === undefined ? undefined : approvalFromRow(row);
  }

  const deploymentQuery = (projectId: string) =>
    db
      .selectFrom('deployments as d')
      .innerJoin('approvals as a', 'a.id', 'd.approval_id')
      .innerJoin('learning_results as r', 'r.id', 'a.result_id')
      .selectAll('d')
      .select(['a.result_id', 'r.fix', 'r.risk', 'r.confidence', 'r.source'])
      .where('d.project_id', '=', projectId);
  type DeploymentRow = Selectable<DeploymentsTable> & {
    result_id: string;
    fix: string;
    risk: string;
    confidence: number;
    source: string;
  };

  function deploymentFromRow(row: DeploymentRow): DeploymentRecord {
    return {
      id: row.id,
      projectId: row.project_id,
      approvalId: row.approval_id,
      resultId: row.result_id,
      fixId: row.fix_id,
      patternId: row.pattern_id,
      function: row.function,
      fix: JSON.parse(row.fix) as Fix,
      risk: row.risk as FixRisk,
      confidence: row.confidence,
      source: row.source as ResultSource,
      version: row.version,
      canaryShare: row.canary_share,
      status: row.status as DeploymentStatus,
      treatment: {
        trials: row.treatment_trials,
        failures: row.treatment_failures,
        patternFailures: row.treatment_pattern_failures,
      },
      control: {
        trials: row.control_trials,
        failures: row.control_failures,
        patternFailures: row.control_pattern_failures,
      },
      createdAt: row.created_at,
      decidedAt: row.decided_at,
      reason: row.reason,
    };
  }

  function* loadDeployments(
    projectId: string,
    ids: readonly string[],
  ): TransactionScript<DeploymentRecord[]> {
    if (ids.length === 0) return [];
    const rows = yield* all(
      deploymentQuery(projectId).where('d.id', 'in', ids).orderBy('d.created_at').orderBy('d.id'),
    );
    return rows.map(deploymentFromRow);
  }

  function jobFromRow(row: Selectable<RolloutJobsTable>): RolloutJob {
    return {
      id: row.id,
      projectId: row.project_id,
      step: row.step,
      patternId: row.pattern_id,
      exampleId: row.example_id,
      source: row.source as RolloutJob['source'],
      input: parseJson(row.input),
      candidateId: row.candidate_id,
      fix: parseJson(row.fix) as Fix | null,
      function: row.function,
      group: row.group_id,
      status: row.status as RolloutJob['status'],
      leaseOwner: row.lease_owner,
      leaseExpiresAt: row.lease_expires_at,
      attempts: row.attempts,
      reward: row.reward,
      output: parseJson(row.output),
      error: row.error,
      durationMs: row.duration_ms,
      createdAt: row.created_at,
      completedAt: row.completed_at,
    };
  }

  const byCreation = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) =>
    a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  // --- writes shared by several scripts ---

  function* audit(
    projectId: string,
    at: number,
    actor: Actor,
    action: string,
    subject: { type: AuditEntry['subjectType']; id: string },
    detail: Record<string, unknown>,
  ): TransactionScript<void> {
    yield* run(
      db.insertInto('audit_log').values({
        project_id: projectId,
        at,
        actor: actor.name,
        actor_key_id: actor.keyId,
        action,
        subject_type: subject.type,
        subject_id: subject.id,
        detail: json(detail),
      }),
    );
  }

  /**
   * Deploys an approved result as a canary. None when the same fix is already live in the project
   * (approved twice through two results): it is deployed once.
   */
  function* deploy(
    approval: ApprovalRecord,
    canaryShare: number,
    actor: Actor,
    at: number,
  ): TransactionScript<DeploymentRecord | null> {
    const { projectId, result } = approval;
    const live = yield* first(
      db
        .selectFrom('deployments')
        .select('id')
        .where('project_id', '=', projectId)
        .where('fix_id', '=', result.candidateId)
        .where('status', 'in', ['canary', 'promoted']),
    );
    if (live !== undefined) return null;
    const earlier = yield* first(
      db
        .selectFrom('deployments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId)
        .where('fix_id', '=', result.candidateId),
    );
    const id = randomUUID();
    yield* run(
      db.insertInto('deployments').values({
        id,
        project_id: projectId,
        approval_id: approval.id,
        fix_id: result.candidateId,
        pattern_id: result.patternId,
        function: result.function,
        version: Number(earlier?.n ?? 0) + 1,
        canary_share: canaryShare,
        status: 'canary',
        treatment_trials: 0,
        treatment_failures: 0,
        treatment_pattern_failures: 0,
        control_trials: 0,
        control_failures: 0,
        control_pattern_failures: 0,
        created_at: at,
        decided_at: null,
        reason: null,
      }),
    );
    yield* audit(projectId, at, actor, 'deployment.created', { type: 'deployment', id }, { canaryShare });
    const [deployment] = yield* loadDeployments(projectId, [id]);
    return deployment ?? null;
  }

  /** A learned result, or with `proposer` a person's (source person). */
  function* insertResult(
    projectId: string,
    step: number,
    result: NewLearningResult,
    at: number,
    proposer: Actor | null = null,
  ): TransactionScript<LearningResultRecord> {
    const row = {
      id: randomUUID(),
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

  /**
   * Stores an approval request for a stored result, audited as asked for by `requester`: pending,
   * or approved by Arc at once with `autoApproval` (its deployment is the caller's to make).
   */
  function* insertApproval(
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
      projectId,
      at,
      requester,
      'approval.created',
      { type: 'approval', id },
      { resultId, ...detail },
    );
    const approval = yield* loadApproval(projectId, id);
    if (approval === undefined) throw new Error(`approval ${id} was not stored`);
    return approval;
  }

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
        for (const item of commit.results) {
          const result = yield* insertResult(projectId, commit.step, item, at);
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
          yield* audit(projectId, at, ARC_ACTOR, 'approval.approved', subject, {
            auto: true,
            reason: auto.reason,
          });
          stream.push({ type: 'approval.approved', data: approval });
          const deployment = yield* deploy(approval, auto.canaryShare, ARC_ACTOR, at);
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

    async enqueueRollouts(projectId, step, jobs, at) {
      const rows = jobs.map((job) => ({
        id: randomUUID(),
        project_id: projectId,
        step,
        pattern_id: job.patternId,
        example_id: job.exampleId,
        source: job.source,
        input: json(job.input),
        candidate_id: job.candidateId,
        fix: job.fix === null ? null : json(job.fix),
        function: job.function,
        group_id: job.group,
        status: 'queued',
        lease_owner: null,
        lease_expires_at: null,
        attempts: 0,
        reward: null,
        output: null,
        error: null,
        duration_ms: null,
        created_at: at,
        completed_at: null,
      }));
      await transact(projectId, at, function* () {
        // One step is in flight per project. A learner that died mid-step left its jobs behind:
        // open ones are closed rather than run for nothing, and finished ones of this step number
        // (never committed) are closed too, so this step's finished jobs are its own.
        yield* run(
          db
            .updateTable('rollout_jobs')
            .set({ status: 'expired' })
            .where('project_id', '=', projectId)
            .where((eb) => eb.or([eb('status', 'in', ['queued', 'leased']), eb('step', '>=', step)])),
        );
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          yield* run(db.insertInto('rollout_jobs').values(rows.slice(i, i + INSERT_CHUNK)));
        }
        return { value: undefined, stream: [] };
      });
      return rows.map(jobFromRow);
    },

    async leaseRollouts(projectId, request) {
      if (request.functions.length === 0 || request.max <= 0) return [];
      const { value } = await transact(projectId, request.now, function* () {
        // PostgreSQL: rows another worker is leasing right now are skipped, not waited for, so any
        // number of workers lease disjoint jobs at once. SQLite: the IMMEDIATE transaction already
        // makes each lease exclusive.
        let open = db
          .selectFrom('rollout_jobs')
          .select('id')
          .where('project_id', '=', projectId)
          .where('function', 'in', request.functions)
          .where((eb) =>
            eb.or([
              eb('status', '=', 'queued'),
              eb.and([eb('status', '=', 'leased'), eb('lease_expires_at', '<=', request.now)]),
            ]),
          )
          .orderBy('created_at')
          .orderBy('id')
          .limit(request.max);
        if (pg) open = open.forUpdate().skipLocked();
        const picked = yield* all(open);
        if (picked.length === 0) return { value: [] as RolloutJob[], stream: [] };
        const rows = yield* all(
          db
            .updateTable('rollout_jobs')
            .set((eb) => ({
              status: 'leased',
              lease_owner: request.workerId,
              lease_expires_at: request.now + request.leaseMs,
              attempts: eb('attempts', '+', 1),
            }))
            .where('project_id', '=', projectId)
            .where(
              'id',
              'in',
              picked.map((p) => p.id),
            )
            .returningAll(),
        );
        return { value: rows.map(jobFromRow).sort(byCreation), stream: [] };
      });
      return value;
    },

    async completeRollout(projectId, id, report) {
      const { value } = await transact<CompleteRolloutOutcome>(projectId, report.now, function* () {
        const done = yield* first(
          db
            .updateTable('rollout_jobs')
            .set({
              status: 'done',
              reward: report.reward,
              output: report.output === undefined ? null : json(report.output),
              error: report.error ?? null,
              duration_ms: report.durationMs ?? null,
              completed_at: report.now,
            })
            .where('project_id', '=', projectId)
            .where('id', '=', id)
            .where('status', '=', 'leased')
            .where('lease_owner', '=', report.workerId)
            .returningAll(),
        );
        if (done !== undefined) return { value: { ok: true, job: jobFromRow(done) }, stream: [] };
        const row = yield* first(
          db.selectFrom('rollout_jobs').selectAll().where('project_id', '=', projectId).where('id', '=', id),
        );
        if (row === undefined) return { value: { ok: false, reason: 'not_found' }, stream: [] };
        // The same worker reporting again (a retry after a lost answer) is told what was recorded.
        if (row.status === 'done' && row.lease_owner === report.workerId) {
          return { value: { ok: true, job: jobFromRow(row) }, stream: [] };
        }
        const reason = row.status === 'expired' ? 'closed' : 'not_holder';
        return { value: { ok: false, reason }, stream: [] };
      });
      return value;
    },

    async listRollouts(projectId, step) {
      const rows = await db
        .selectFrom('rollout_jobs')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('step', '=', step)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(jobFromRow);
    },

    async countDoneRollouts(projectId, step) {
      const row = await db
        .selectFrom('rollout_jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId)
        .where('step', '=', step)
        .where('status', '=', 'done')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async countRolloutsSince(projectId, since) {
      const row = await db
        .selectFrom('rollout_jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

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

    async listApprovals(projectId, query) {
      let select = approvalQuery(projectId);
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
      return read(loadApproval(projectId, id));
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
          approvalQuery(projectId)
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
        const approval = yield* loadApproval(projectId, id);
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
          projectId,
          at,
          decision.actor,
          `approval.${decision.status}`,
          { type: 'approval', id },
          {
            comment: decision.comment,
          },
        );
        const updated = yield* loadApproval(projectId, id);
        if (updated === undefined) throw new Error(`approval ${id} vanished`);
        const stream: NewStreamEvent[] = [{ type: `approval.${decision.status}`, data: updated }];
        let deployment: DeploymentRecord | null = null;
        if (decision.status === 'approved') {
          deployment = yield* deploy(updated, decision.canaryShare, decision.actor, at);
          if (deployment !== null) stream.push({ type: 'deployment.created', data: deployment });
        }
        return { value: { ok: true, approval: updated, deployment }, stream };
      });
      return value;
    },

    async listDeployments(projectId, query) {
      let select = deploymentQuery(projectId);
      if (query.statuses !== undefined) select = select.where('d.status', 'in', query.statuses);
      if (query.function !== undefined) select = select.where('d.function', '=', query.function);
      const rows = await select
        .orderBy('d.created_at', 'desc')
        .orderBy('d.id', 'desc')
        .limit(query.limit)
        .execute();
      return rows.map(deploymentFromRow);
    },

    async getDeployment(projectId, id) {
      const [deployment] = await read(loadDeployments(projectId, [id]));
      return deployment;
    },

    async concludeDeployment(projectId, id, change, at) {
      const { value } = await transact<ConcludeDeploymentOutcome>(projectId, at, function* () {
        const [current] = yield* loadDeployments(projectId, [id]);
        if (current === undefined) return { value: { ok: false, reason: 'not_found' }, stream: [] };
        const changed = yield* run(
          db
            .updateTable('deployments')
            .set({ status: change.status, decided_at: at, reason: change.reason })
            .where('project_id', '=', projectId)
            .where('id', '=', id)
            .where('status', 'in', change.from),
        );
        if (changed === 0) {
          return { value: { ok: false, reason: 'conflict', deployment: current }, stream: [] };
        }
        // A promoted fix replaces whatever was promoted before for the same pattern and function.
        let supersededIds: string[] = [];
        if (change.status === 'promoted') {
          const replaced = yield* all(
            db
              .updateTable('deployments')
              .set({ status: 'superseded', decided_at: at, reason: `superseded by deployment ${id}` })
              .where('project_id', '=', projectId)
              .where('pattern_id', '=', current.patternId)
              .where('function', '=', current.function)
              .where('status', '=', 'promoted')
              .where('id', '!=', id)
              .returning('id'),
          );
          supersededIds = replaced.map((r) => r.id);
        }
        yield* audit(
          projectId,
          at,
          change.actor,
          `deployment.${change.status}`,
          { type: 'deployment', id },
          {
            reason: change.reason,
            ...(supersededIds.length > 0 ? { superseded: supersededIds } : {}),
            ...change.detail,
          },
        );
        const [deployment] = yield* loadDeployments(projectId, [id]);
        if (deployment === undefined) throw new Error(`deployment ${id} vanished`);
        const superseded = yield* loadDeployments(projectId, supersededIds);
        const type = change.status === 'promoted' ? 'deployment.promoted' : 'deployment.rolled_back';
        return {
          value: { ok: true, deployment, superseded },
          stream: [{ type, data: { ...deployment, superseded: supersededIds } }],
        };
      });
      return value;
    },

    async listAuditLog(projectId, query) {
      let select = db.selectFrom('audit_log').selectAll().where('project_id', '=', projectId);
      if (query.subjectId !== undefined) select = select.where('subject_id', '=', query.subjectId);
      const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map((r) => ({
        id: r.id,
        projectId: r.project_id,
        at: r.at,
        actor: r.actor,
        actorKeyId: r.actor_key_id,
        action: r.action,
        subjectType: r.subject_type as AuditEntry['subjectType'],
        subjectId: r.subject_id,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      }));
    },

    async getLearningConfig(projectId) {
      const row = await db
        .selectFrom('learning_config')
        .select('config')
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return row === undefined ? undefined : (JSON.parse(row.config) as Record<string, unknown>);
    },

    async saveLearningConfig(projectId, config, at) {
      await db
        .insertInto('learning_config')
        .values({ project_id: projectId, config: json(config), updated_at: at })
        .onConflict((oc) => oc.column('project_id').doUpdateSet({ config: json(config), updated_at: at }))
        .execute();
    },

    async getCurriculum(projectId, name) {
      const row = await db
        .selectFrom('curricula')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined
        ? undefined
        : { state: JSON.parse(row.state), version: row.version, updatedAt: row.updated_at };
    },

    async saveCurriculum(projectId, name, state, expectedVersion, at) {
      const values = { state: json(state), version: expectedVersion + 1, updated_at: at };
      const result =
        expectedVersion === 0
          ? await db
              .insertInto('curricula')
              .values({ project_id: projectId, name, ...values })
              .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
              .executeTakeFirst()
          : await db
              .updateTable('curricula')
              .set(values)
              .where('project_id', '=', projectId)
              .where('name', '=', name)
              .where('version', '=', expectedVersion)
              .executeTakeFirst();
      const changed =
        'numInsertedOrUpdatedRows' in result ? result.numInsertedOrUpdatedRows : result.numUpdatedRows;
      return Number(changed ?? 0n) === 1;
    },
  };
}
