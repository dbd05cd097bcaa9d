// Rollout jobs: the learner's trials of candidate fixes on failing inputs, leased to workers
// (several at once on PostgreSQL) and reported back once.

import { randomUUID } from 'node:crypto';
import type { Fix } from '@arc-agent/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, RolloutJobsTable } from './database-schema.js';
import type { CompleteRolloutOutcome, RolloutJob } from './learning-records.js';
import { json } from './learning-rows.js';
import { planOrderedId } from './plan-ordered-id.js';
import type { Storage } from './storage.js';
import { all, first, run, type Transact } from './transaction-script.js';

export type RolloutQueries = Pick<
  Storage,
  | 'enqueueRollouts'
  | 'leaseRollouts'
  | 'completeRollout'
  | 'listRollouts'
  | 'countDoneRollouts'
  | 'countRolloutsSince'
>;

/** Rows per multi-row insert: far below SQLite's limit of 32 766 bound parameters. */
const INSERT_CHUNK = 200;

const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

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

export function createRolloutQueries(
  db: Kysely<Database>,
  dialect: Storage['dialect'],
  transact: Transact,
): RolloutQueries {
  const pg = dialect === 'postgres';
  return {
    async enqueueRollouts(projectId, step, jobs, at) {
      const enqueued = randomUUID();
      const rows = jobs.map((job, index) => ({
        id: planOrderedId(enqueued, index, jobs.length),
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
  };
}
