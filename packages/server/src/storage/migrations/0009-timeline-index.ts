// Every failure wrote an entry into events_pattern (project, pattern, timestamp), whose only reader
// was the overview's failure timeline. Its entries land wherever their pattern's range is, so a batch
// of failures over many patterns dirtied about one index page per failure, and the commit wrote them
// all: on SQLite that index was about half of an event's insert and commit. The timeline now reads
// failures in time order from events_failure_timeline, which holds failures only (the events with a
// pattern) and their pattern id, so the read needs no table lookups and costs what the window's
// failures are, as before; new failures' entries go to its end, as events arrive in time order.

import { type Kysely, sql } from 'kysely';
import type { SchemaMigration } from './schema-migrations.js';

export const timelineIndexSchema: SchemaMigration = {
  name: '0009-timeline-index',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('events_failure_timeline')
      .on('events')
      .columns(['project_id', 'timestamp', 'pattern_id'])
      .where(sql.ref('pattern_id'), 'is not', null)
      .execute();
    await db.schema.dropIndex('events_pattern').execute();
  },
};
