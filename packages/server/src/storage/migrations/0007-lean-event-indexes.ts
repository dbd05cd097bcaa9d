// Ingest writes every index of the events table once per event. events_function (project, function,
// timestamp) served no query: the one read that filters events by function (scanEvents, for an
// export limited to patterns) pages through the primary key in id order, and SQLite's plan for it
// searches the primary key with or without this index.

import type { Kysely } from 'kysely';
import type { SchemaMigration } from './schema-migrations.js';

export const leanEventIndexesSchema: SchemaMigration = {
  name: '0007-lean-event-indexes',
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('events_function').ifExists().execute();
  },
};
