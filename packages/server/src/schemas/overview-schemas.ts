// GET /v1/overview: the counts behind the dashboard's overview that no other route answers.

import { Type } from 'typebox';

/** A timeline has at most this many buckets. */
export const MAX_TIMELINE_BUCKETS = 1_000;

export const OverviewQuerySchema = Type.Object({
  hours: Type.Integer({ minimum: 1, maximum: 24 * 30, default: 24, description: 'Timeline length' }),
  bucketMinutes: Type.Integer({
    minimum: 1,
    maximum: 24 * 60,
    default: 15,
    description: 'Timeline resolution',
  }),
});

export const OverviewSchema = Type.Object({
  at: Type.String({ format: 'date-time', description: 'When the counts were taken' }),
  patterns: Type.Integer({ description: 'Failure patterns identified' }),
  failuresLastHour: Type.Integer({ description: 'Failed calls with a timestamp in the last 60 minutes' }),
  timeline: Type.Object({
    from: Type.String({ format: 'date-time', description: 'Start of the first bucket' }),
    bucketMinutes: Type.Integer(),
    failures: Type.Array(Type.Integer(), {
      description: 'Failed calls per bucket by their timestamp, oldest first; the last bucket ends at `at`',
    }),
  }),
});
