// The first schema: projects and keys, events, patterns with their replay reservoirs, per-function
// success counters with theirs, and the live stream's bounded tail.

import { type Kysely, sql } from 'kysely';
import type { SchemaMigration } from './schema-migrations.js';

export const initialSchema: SchemaMigration = {
  name: '0001-initial-schema',
  async up(db: Kysely<unknown>, dialect) {
    const pg = dialect === 'postgres';
    // Byte-order collation on PostgreSQL so text keys sort (and keyset cursors compare) exactly as
    // SQLite's BINARY collation does, whatever locale the database was created with.
    const key = pg ? sql`text collate "C"` : sql`text`;
    const int8 = pg ? 'bigint' : 'integer';
    // `json`, not `jsonb`: stored verbatim and never queried inside, so jsonb's parse-and-rebuild is
    // wasted work on the ingest path, and json also takes the \u0000 escapes jsonb refuses.
    const json = pg ? 'json' : 'text';

    await db.schema
      .createTable('projects')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', int8, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('scopes', json, (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', int8, (c) => c.notNull())
      .addColumn('revoked_at', int8)
      .addColumn('last_used_at', int8)
      .execute();
    await db.schema
      .createIndex('api_keys_project')
      .on('api_keys')
      .columns(['project_id', 'created_at'])
      .execute();

    // No foreign key on the ingest-volume tables (events, examples, stream): a per-row check costs
    // ingest throughput, and every non-empty batch already upserts function_stats, whose foreign key
    // rejects (and so rolls back) a batch for an unknown project.
    await db.schema
      .createTable('events')
      .addColumn('project_id', key, (c) => c.notNull())
      .addColumn('id', key, (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('function', key, (c) => c.notNull())
      .addColumn('pattern_id', key)
      .addColumn('timestamp', int8, (c) => c.notNull())
      .addColumn('data', json, (c) => c.notNull())
      .addPrimaryKeyConstraint('events_pk', ['project_id', 'id'])
      .execute();
    await db.schema
      .createIndex('events_pattern')
      .on('events')
      .columns(['project_id', 'pattern_id', 'timestamp'])
      .where(sql.ref('pattern_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('events_function')
      .on('events')
      .columns(['project_id', 'function', 'timestamp'])
      .execute();

    await db.schema
      .createTable('patterns')
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('id', key, (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('function', key, (c) => c.notNull())
      .addColumn('error_type', 'text', (c) => c.notNull())
      .addColumn('normalized_message', 'text', (c) => c.notNull())
      .addColumn('signature', json, (c) => c.notNull())
      .addColumn('occurrences', int8, (c) => c.notNull())
      .addColumn('first_seen', int8, (c) => c.notNull())
      .addColumn('last_seen', int8, (c) => c.notNull())
      .addPrimaryKeyConstraint('patterns_pk', ['project_id', 'id'])
      .execute();
    // The two keyset orders of listPatterns.
    await db.schema
      .createIndex('patterns_by_occurrences')
      .on('patterns')
      .columns(['project_id', 'occurrences desc', 'id'])
      .execute();
    await db.schema
      .createIndex('patterns_by_last_seen')
      .on('patterns')
      .columns(['project_id', 'last_seen desc', 'id'])
      .execute();

    await db.schema
      .createTable('failure_examples')
      .addColumn('project_id', key, (c) => c.notNull())
      .addColumn('pattern_id', key, (c) => c.notNull())
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('event_id', key, (c) => c.notNull())
      .addPrimaryKeyConstraint('failure_examples_pk', ['project_id', 'pattern_id', 'slot'])
      .execute();

    await db.schema
      .createTable('function_stats')
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('function', key, (c) => c.notNull())
      .addColumn('successes', int8, (c) => c.notNull())
      .addColumn('failures', int8, (c) => c.notNull())
      .addColumn('last_seen', int8, (c) => c.notNull())
      .addPrimaryKeyConstraint('function_stats_pk', ['project_id', 'function'])
      .execute();

    await db.schema
      .createTable('success_examples')
      .addColumn('project_id', key, (c) => c.notNull())
      .addColumn('function', key, (c) => c.notNull())
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('event_id', key, (c) => c.notNull())
      .addPrimaryKeyConstraint('success_examples_pk', ['project_id', 'function', 'slot'])
      .execute();

    // AUTOINCREMENT on SQLite so an id is never handed out twice, even after pruning.
    await db.schema
      .createTable('stream_events')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) =>
        pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('project_id', key, (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('at', int8, (c) => c.notNull())
      .addColumn('data', json, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('stream_events_project')
      .on('stream_events')
      .columns(['project_id', 'id'])
      .execute();
  },
};
