// The learning loop's tables: the learner's persisted state, rollout jobs handed to workers,
// learning results, approvals with their audit log, deployments with their canary counters, the
// per-project learning configuration, and the curricula external trainers sample from.

import { type Kysely, sql } from 'kysely';
import type { SchemaMigration } from './schema-migrations.js';

export const learningLoopSchema: SchemaMigration = {
  name: '0002-learning-loop',
  async up(db: Kysely<unknown>, dialect) {
    const pg = dialect === 'postgres';
    // Same column conventions as 0001: byte-order keys, int8 times and counters, verbatim JSON.
    const key = pg ? sql`text collate "C"` : sql`text`;
    const int8 = pg ? 'bigint' : 'integer';
    const json = pg ? 'json' : 'text';
    const real = pg ? 'double precision' : 'real';

    await db.schema
      .createTable('learner_state')
      .addColumn('project_id', key, (c) => c.primaryKey().references('projects.id'))
      .addColumn('step', int8, (c) => c.notNull())
      .addColumn('state', json, (c) => c.notNull())
      .addColumn('failures_seen', int8, (c) => c.notNull())
      .addColumn('updated_at', int8, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('rollout_jobs')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('step', int8, (c) => c.notNull())
      .addColumn('pattern_id', key, (c) => c.notNull())
      .addColumn('example_id', key, (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('input', json, (c) => c.notNull())
      .addColumn('candidate_id', key, (c) => c.notNull())
      .addColumn('fix', json)
      .addColumn('function', key, (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', int8)
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('reward', real)
      .addColumn('output', json)
      .addColumn('error', 'text')
      .addColumn('duration_ms', real)
      .addColumn('created_at', int8, (c) => c.notNull())
      .addColumn('completed_at', int8)
      .execute();
    // The lease scan: open jobs of a project, oldest first.
    await db.schema
      .createIndex('rollout_jobs_open')
      .on('rollout_jobs')
      .columns(['project_id', 'created_at', 'id'])
      .where(sql.ref('status'), 'in', sql`('queued', 'leased')`)
      .execute();
    await db.schema
      .createIndex('rollout_jobs_step')
      .on('rollout_jobs')
      .columns(['project_id', 'step'])
      .execute();
    await db.schema
      .createIndex('rollout_jobs_created')
      .on('rollout_jobs')
      .columns(['project_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('learning_results')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('step', int8, (c) => c.notNull())
      .addColumn('pattern_id', key, (c) => c.notNull())
      .addColumn('function', key, (c) => c.notNull())
      .addColumn('candidate_id', key, (c) => c.notNull())
      .addColumn('fix', json, (c) => c.notNull())
      .addColumn('risk', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('rationale', 'text', (c) => c.notNull())
      .addColumn('improvement', real, (c) => c.notNull())
      .addColumn('confidence', real, (c) => c.notNull())
      .addColumn('success_rate', real, (c) => c.notNull())
      .addColumn('incumbent_success_rate', real, (c) => c.notNull())
      .addColumn('trials', int8, (c) => c.notNull())
      .addColumn('examples', int8, (c) => c.notNull())
      .addColumn('created_at', int8, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('learning_results_project')
      .on('learning_results')
      .columns(['project_id', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('approvals')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('result_id', key, (c) => c.notNull().unique().references('learning_results.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('impact', json, (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_by_key_id', 'text')
      .addColumn('comment', 'text')
      .addColumn('created_at', int8, (c) => c.notNull())
      .addColumn('decided_at', int8)
      .execute();
    await db.schema
      .createIndex('approvals_project')
      .on('approvals')
      .columns(['project_id', 'status', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) =>
        pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('project_id', key, (c) => c.notNull())
      .addColumn('at', int8, (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('actor_key_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', key, (c) => c.notNull())
      .addColumn('detail', json, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_subject')
      .on('audit_log')
      .columns(['project_id', 'subject_id', 'id'])
      .execute();

    await db.schema
      .createTable('deployments')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('approval_id', key, (c) => c.notNull().references('approvals.id'))
      .addColumn('fix_id', key, (c) => c.notNull())
      .addColumn('pattern_id', key, (c) => c.notNull())
      .addColumn('function', key, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('canary_share', real, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('treatment_trials', int8, (c) => c.notNull())
      .addColumn('treatment_failures', int8, (c) => c.notNull())
      .addColumn('treatment_pattern_failures', int8, (c) => c.notNull())
      .addColumn('control_trials', int8, (c) => c.notNull())
      .addColumn('control_failures', int8, (c) => c.notNull())
      .addColumn('control_pattern_failures', int8, (c) => c.notNull())
      .addColumn('created_at', int8, (c) => c.notNull())
      .addColumn('decided_at', int8)
      .addColumn('reason', 'text')
      .execute();
    // A fix id is live (canary or promoted) at most once per project: the SDK tells canary arms
    // apart by fix id, and ingest counts a canary's outcomes by it.
    await db.schema
      .createIndex('deployments_live_fix')
      .on('deployments')
      .columns(['project_id', 'fix_id'])
      .unique()
      .where(sql.ref('status'), 'in', sql`('canary', 'promoted')`)
      .execute();
    await db.schema
      .createIndex('deployments_project')
      .on('deployments')
      .columns(['project_id', 'status', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('learning_config')
      .addColumn('project_id', key, (c) => c.primaryKey().references('projects.id'))
      .addColumn('config', json, (c) => c.notNull())
      .addColumn('updated_at', int8, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('curricula')
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('name', key, (c) => c.notNull())
      .addColumn('state', json, (c) => c.notNull())
      .addColumn('version', int8, (c) => c.notNull())
      .addColumn('updated_at', int8, (c) => c.notNull())
      .addPrimaryKeyConstraint('curricula_pk', ['project_id', 'name'])
      .execute();
  },
};
