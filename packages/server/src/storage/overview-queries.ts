// What the dashboard's overview counts (GET /v1/overview), the same Kysely queries for both
// backends. The failure timeline reads the events_pattern index (failures are the events with a
// pattern), one range per pattern seen in the window, so it costs what the window holds, not what
// the project ever ingested, and ingest carries no extra index for it.

import { type Kysely, sql } from 'kysely';
import type { Database } from './database-schema.js';
import type { Storage } from './storage.js';

export type OverviewQueries = Pick<Storage, 'failureTimeline' | 'countPatterns'>;

export function createOverviewQueries(db: Kysely<Database>): OverviewQueries {
  return {
    async failureTimeline(projectId, { from, bucketMs, buckets }) {
      const to = from + bucketMs * buckets;
      const rows = await db
        .selectFrom('events')
        .select((eb) => [
          sql<number>`cast((${eb.ref('timestamp')} - ${from}) / ${bucketMs} as integer)`.as('bucket'),
          eb.fn.countAll<number>().as('n'),
        ])
        .where('project_id', '=', projectId)
        .where('pattern_id', 'is not', null)
        .where('pattern_id', 'in', (eb) =>
          eb
            .selectFrom('patterns')
            .select('id')
            .where('project_id', '=', projectId)
            .where('last_seen', '>=', from),
        )
        .where('timestamp', '>=', from)
        .where('timestamp', '<', to)
        .groupBy('bucket')
        .execute();
      const counts = new Array<number>(buckets).fill(0);
      for (const row of rows) counts[Number(row.bucket)] = Number(row.n);
      return counts;
    },

    async countPatterns(projectId) {
      const row = await db
        .selectFrom('patterns')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
