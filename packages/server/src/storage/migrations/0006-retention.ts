// Retention (event-retention.ts): the reservoirs' own sample counters, which restart from what is
// left when old examples are deleted (a reservoir sampling over lifetime occurrences would refill
// its emptied slots at a rate of size/occurrences: a busy pattern would keep almost no examples),
// and the indexes that find a project's oldest events and the slots pointing at them.

import { type Kysely, sql } from 'kysely';
import type { SchemaMigration } from './schema-migrations.js';

export const retentionSchema: SchemaMigration = {
  name: '0006-retention',
  async up(db: Kysely<unknown>, dialect) {
    const int8 = dialect === 'postgres' ? 'bigint' : 'integer';

    // Items each reservoir has sampled from (Algorithm R's n): the counts so far, until retention.
    await db.schema
      .alterTable('patterns')
      .addColumn('sampled', int8, (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`UPDATE patterns SET sampled = occurrences`.execute(db);
    await db.schema
      .alterTable('function_stats')
      .addColumn('success_sampled', int8, (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`UPDATE function_stats SET success_sampled = successes`.execute(db);

    await db.schema
      .createIndex('events_timestamp')
      .on('events')
      .columns(['project_id', 'timestamp'])
      .execute();
    for (const table of ['failure_examples', 'success_examples']) {
      await db.schema.createIndex(`${table}_event`).on(table).columns(['project_id', 'event_id']).execute();
    }
  },
};
