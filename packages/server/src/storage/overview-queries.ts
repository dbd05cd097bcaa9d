// What the dashboard's overview counts (GET /v1/overview), the same Kysely queries for both
// backends. The failure timeline reads the window's range of the events_failure_timeline index
// (failures, the events with a pattern, by project and timestamp, with their pattern id) and nothing
// else, so it costs what the window's failures are, not what the project ever ingested.

import { type Kysely, sql } from 'kysely';
import type { Database } from './database-schema.js';
import type { Storage, TimelineWindow } from './storage.js';

export type OverviewQueries = Pick<Storage, 'failureTimeline' | 'countPatterns'>;

export function createOverviewQueries(db: Kysely<Database>): OverviewQueries {
  return {
    async failureTimeline(projectId, window) {
      const rows = await failureTimelineQuery(db, projectId, window).execute();
      const counts = new Array<number>(window.buckets).fill(0);
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

/** Failures per bucket of the window (buckets without failures have no row). */
export function failureTimelineQuery(db: Kysely<Database>, projectId: string, window: TimelineWindow) {
  const { from, bucketMs, buckets } = window;
  return db
    .selectFrom('events')
    .select((eb) => [
      sql<number>`cast((${eb.ref('timestamp')} - ${from}) / ${bucketMs} as integer)`.as('bucket'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where('project_id', '=', projectId)
    .where('timestamp', '>=', from)
    .where('timestamp', '<', from + bucketMs * buckets)
    .where('pattern_id', 'is not', null)
    .groupBy('bucket');
}
