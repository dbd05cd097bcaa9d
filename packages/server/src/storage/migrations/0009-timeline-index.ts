// Every failure wrote an entry into events_pattern (project, pattern, timestamp), whose only reader
// was the overview's failure timeline. Its entries land wherever their pattern's range is, so a batch
// of failures over many patterns dirtied about one index page per failure, and the commit wrote them
// all: on SQLite that index was about half of an event's insert and commit. The timeline now reads
// the events of its window in time order instead, from the retention index with the pattern id
// added, so the read needs no table lookups, and the entries of new events go to the index's end.

import type { Kysely } from 'kysely';
import type { SchemaMigration } from './schema-migrations.js';

export const timelineIndexSchema: SchemaMigration = {
  name: '0009-timeline-index',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('events_timeline')
      .on('events')
      .columns(['project_id', 'timestamp', 'pattern_id'])
      .execute();
    await db.schema.dropIndex('events_timestamp').execute();
    await db.schema.dropIndex('events_pattern').execute();
  },
};
