// The distributed backend: any number of stateless replicas over one PostgreSQL. Exact counts
// across replicas come from upserts (the row lock serialises concurrent increments of a pattern);
// the live stream crosses processes with LISTEN/NOTIFY. Each ingest is one transaction of a fixed
// number of set-based statements, whatever the batch size (rows travel as JSON parameters expanded
// by json_to_recordset).

import { Kysely, PostgresDialect, type RawBuilder, type Selectable, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { recordCanaryOutcomes, tallyCanaryOutcomes } from './canary-tally.js';
import type { Database, StreamEventsTable } from './database-schema.js';
import {
  aggregateBatch,
  firstOfEachId,
  ingestStreamEvents,
  type NewStreamEvent,
  patternResults,
  planReservoirs,
  type SlotWrite,
} from './ingest-plan.js';
import { createPgLeaderLocks } from './leader-locks.js';
import { createLearningQueries } from './learning-queries.js';
import { migrateToLatest } from './migrations/schema-migrations.js';
import { createOutputSchemaQueries } from './output-schema-queries.js';
import { createOverviewQueries } from './overview-queries.js';
import { capNewPatterns, pgPatternCapLock } from './pattern-cap.js';
import { notificationPayload, PgStreamListener, STREAM_CHANNEL } from './pg-stream-notifications.js';
import { createRetentionQueries } from './retention-queries.js';
import { createSessionQueries } from './session-queries.js';
import { createSharedQueries, pruneStreamQuery, streamEventFromRow } from './shared-queries.js';
import type { PreparedEvent, Storage, StreamEvent } from './storage.js';
import { type DescribedPattern, type JoinedPatternDescription, PatternDescriptions } from './stored-event.js';
import { reportStorageErrorToStderr, type StorageErrorHandler, StreamListeners } from './stream-listeners.js';
import { StreamRetention } from './stream-retention.js';
import { kyselyExecutor, runScriptAsync, type Transact } from './transaction-script.js';

export interface PostgresStorageOptions {
  connectionString: string;
  /** Connections in the pool (default 10, at least 2: migrate holds one while it runs on another). */
  poolSize?: number;
  /** Stream events kept per project (default 10,000). */
  streamRetention?: number;
  onError?: StorageErrorHandler;
}

/** Session advisory lock held around migration (single-bigint key space). */
export const MIGRATION_LOCK_KEY = 0x41524301;
/** Class of the per-project transaction lock that orders stream ids (two-int4 key space). */
export const STREAM_LOCK_CLASS = 0x41524302;

const INT8_OID = 20;
const JSON_OIDS = new Set([114, 3802]);

// int8 as numbers (epoch ms and counts stay far below 2^53); JSON as raw text, parsed by the shared
// row mappers exactly as on SQLite. Per pool, so other pg users in the process keep the defaults.
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return (value: string) => Number(value);
    if (JSON_OIDS.has(oid)) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Creates the pool (connections open lazily); call migrate() before anything else. */
export function createPostgresStorage(options: PostgresStorageOptions): Storage {
  const poolSize = options.poolSize ?? 10;
  if (!Number.isSafeInteger(poolSize) || poolSize < 2)
    throw new RangeError('poolSize must be an integer >= 2');
  const onError = options.onError ?? reportStorageErrorToStderr;
  const pool = new pg.Pool({ connectionString: options.connectionString, max: poolSize, types: typeParsers });
  // An idle client losing its connection is reported; the pool replaces it.
  pool.on('error', onError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const retention = new StreamRetention(options.streamRetention);
  const listeners = new StreamListeners(onError);
  const streamListener = new PgStreamListener(
    options.connectionString,
    listeners,
    {
      async get(projectId, id) {
        const row = await db
          .selectFrom('stream_events')
          .selectAll()
          .where('project_id', '=', projectId)
          .where('id', '=', id)
          .executeTakeFirst();
        return row === undefined ? undefined : streamEventFromRow(row);
      },
      async newestIds() {
        const rows = await db
          .selectFrom('stream_events')
          .select((eb) => ['project_id', eb.fn.max('id').as('id')])
          .groupBy('project_id')
          .execute();
        return new Map(rows.map((r) => [r.project_id, Number(r.id)]));
      },
      async above(marks, limit) {
        const result = await sql<Selectable<StreamEventsTable>>`
          SELECT s.* FROM stream_events s
          LEFT JOIN json_each_text(${JSON.stringify(Object.fromEntries(marks))}::json) m
            ON m.key COLLATE "C" = s.project_id
          WHERE s.id > coalesce(m.value::bigint, 0)
          ORDER BY s.id
          LIMIT ${limit}`.execute(db);
        return result.rows.map(streamEventFromRow);
      },
    },
    onError,
  );

  /**
   * Inside the caller's transaction, after its other writes: draws the stream ids (holding the
   * project's stream lock until commit), then writes the events.
   */
  const appendStream = async (
    trx: Transaction<Database>,
    projectId: string,
    events: readonly NewStreamEvent[],
    at: number,
  ): Promise<StreamEvent[]> => {
    if (events.length === 0) return [];
    return writeStream(trx, projectId, events, await lockedStreamIds(trx, projectId, events.length), at);
  };

  /**
   * The events under `ids` (drawn under the stream lock, at least one each) in one statement with
   * their notifications and, for an ingest, its reservoir slots; then the retention prune, when due.
   */
  const writeStream = async (
    trx: Transaction<Database>,
    projectId: string,
    events: readonly NewStreamEvent[],
    ids: readonly number[],
    at: number,
    slots: ReservoirSlots = NO_SLOTS,
  ): Promise<StreamEvent[]> => {
    if (ids.length < events.length) throw new Error(`${events.length} stream events for ${ids.length} ids`);
    const sorted = [...ids].sort((a, b) => a - b);
    const appended = events.map((event, i) => ({
      id: sorted[i] as number,
      projectId,
      type: event.type,
      at,
      data: event.data,
    }));
    if (appended.length === 0 && slots.failures.length === 0 && slots.successes.length === 0) return [];
    await sql`
      WITH ${slotWrites(projectId, slots)},
      inserted AS (
        INSERT INTO stream_events (id, project_id, type, at, data)
        SELECT r.id, ${projectId}, r.type, ${at}::bigint, r.data
        FROM ROWS FROM (
          json_to_recordset(${JSON.stringify(appended.map(({ id, type }) => ({ id, type })))}::json) AS (id bigint, type text),
          json_array_elements(${JSON.stringify(appended.map((e) => e.data))}::json)
        ) AS r(id, type, data))
      SELECT pg_notify(${STREAM_CHANNEL}, p) FROM unnest(${appended.map(notificationPayload)}::text[]) AS p`.execute(
      trx,
    );
    if (appended.length > 0 && retention.due(projectId, appended.length))
      await pruneStreamQuery(trx, projectId, retention.keep).execute();
    return appended;
  };

  const locks = createPgLeaderLocks(options.connectionString, onError);
  const descriptions = new PatternDescriptions();
  const transact: Transact = (projectId, at, script) =>
    db.transaction().execute(async (trx) => {
      const { value, stream } = await runScriptAsync(script(), kyselyExecutor(trx));
      return { value, streamEvents: await appendStream(trx, projectId, stream, at) };
    });

  return {
    ...createSharedQueries(db, transact),
    ...createLearningQueries(db, 'postgres', transact),
    ...createSessionQueries(db, transact),
    ...createOverviewQueries(db),
    ...createOutputSchemaQueries(db),
    ...createRetentionQueries(db, 'postgres', transact),
    dialect: 'postgres',

    async migrate() {
      // Kysely's migrator locks too, but only after creating its bookkeeping tables; this lock
      // covers the whole run, so a second replica starting at the same moment simply waits.
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await migrateToLatest(db as Kysely<unknown>, 'postgres', false);
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
        await streamListener.start();
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        throw error;
      } finally {
        // A client that failed mid-way is destroyed, which also drops any lock its session held.
        client.release(failure);
      }
    },

    async close() {
      await locks.close();
      await streamListener.close();
      await db.destroy();
    },

    tryLock(name) {
      return locks.tryLock(name);
    },

    async ingest(projectId, events, options) {
      const { result, described } = await db.transaction().execute(async (trx) => {
        const unique = firstOfEachId(events);
        const cap = options.maxPatternsPerFunction;
        const capped =
          cap === undefined
            ? unique
            : await runScriptAsync(
                capNewPatterns(db, projectId, unique, cap, (fn) => pgPatternCapLock(db, projectId, fn)),
                kyselyExecutor(trx),
              );
        const accepted = await insertEvents(trx, projectId, capped, (e) =>
          descriptions.storedForm(projectId, e),
        );
        const aggregate = aggregateBatch(accepted);
        // The stream lock comes after every row lock, as in every transaction that appends to the
        // stream (the monitor updates a deployment, then appends): a batch with canary outcomes
        // takes the lock only after its tally of the deployment rows, which deadlocked otherwise.
        const tallies = tallyCanaryOutcomes(accepted);
        const tallied = tallies.length > 0;
        // From here to commit, every batch of the project queues on the same pattern and function
        // rows: two round trips (counters with the stream lock and ids; slots with the stream
        // rows), two more for a batch with canary outcomes (the tally, then the lock and ids).
        const counters = await upsertCounters(trx, projectId, aggregate, !tallied);
        const { upserted, successesSampled } = counters;
        const failuresSampled = new Map([...upserted].map(([id, row]) => [id, row.sampled]));
        const slots = planReservoirs(aggregate, failuresSampled, successesSampled, options);
        if (tallied) await runScriptAsync(recordCanaryOutcomes(db, projectId, tallies), kyselyExecutor(trx));
        const patterns = patternResults(aggregate, upserted);
        const toStream = ingestStreamEvents(aggregate, patterns);
        const streamIds = tallied
          ? await lockedStreamIds(trx, projectId, toStream.length)
          : counters.streamIds;
        const streamEvents = await writeStream(trx, projectId, toStream, streamIds, Date.now(), slots);
        const result = {
          accepted: accepted.length,
          duplicates: events.length - accepted.length,
          patterns,
          streamEvents,
        };
        return { result, described: counters.described };
      });
      descriptions.remember(projectId, described);
      return result;
    },

    async appendStreamEvent(projectId, type, data, at) {
      const [event] = await db
        .transaction()
        .execute((trx) => appendStream(trx, projectId, [{ type, data: data ?? null }], at));
      if (event === undefined) throw new Error('stream event was not stored');
      return event;
    },

    subscribe(listener) {
      const unsubscribe = listeners.add(listener);
      // Already listening once migrate() has resolved; this covers a subscriber that came first.
      streamListener.start().catch(onError);
      return unsubscribe;
    },

    // LISTEN hears every connection's commits already.
    async catchUpStream() {},
  };
}

// Every multi-row write below takes its row locks in key order, so two replicas writing
// overlapping batches wait for each other instead of deadlocking.

/** Inserts the new events; returns those actually stored (not seen before), in batch order. */
async function insertEvents(
  trx: Transaction<Database>,
  projectId: string,
  events: readonly PreparedEvent[],
  storedForm: (event: PreparedEvent) => unknown,
): Promise<PreparedEvent[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({
    id: e.id,
    kind: e.kind,
    function: e.function,
    pattern_id: e.fingerprint?.patternId ?? null,
    timestamp: e.timestamp,
  }));
  // Event bodies travel as a second JSON array zipped in by ROWS FROM: json_array_elements hands
  // each element over verbatim, where json_to_recordset would de-escape every string in it and
  // refuse the \u0000 escapes that agent payloads can carry.
  const inserted = await sql<{ id: string }>`
    INSERT INTO events (project_id, id, kind, function, pattern_id, timestamp, data)
    SELECT ${projectId}, r.id, r.kind, r."function", r.pattern_id, r."timestamp", r.data
    FROM ROWS FROM (
      json_to_recordset(${JSON.stringify(rows)}::json)
        AS (id text, kind text, "function" text, pattern_id text, "timestamp" bigint),
      json_array_elements(${JSON.stringify(events.map(storedForm))}::json)
    ) AS r(id, kind, "function", pattern_id, "timestamp", data)
    ORDER BY r.id COLLATE "C"
    ON CONFLICT (project_id, id) DO NOTHING
    RETURNING id`.execute(trx);
  const stored = new Set(inserted.rows.map((r) => r.id));
  return events.filter((e) => stored.has(e.id));
}

type BatchAggregate = ReturnType<typeof aggregateBatch>;

/**
 * The project's stream lock, held until commit and taken just before stream ids are drawn, so a
 * project's stream ids grow in commit order across replicas: a reader resuming after id N can
 * never later see a smaller id commit.
 */
function streamLock(projectId: string) {
  return sql`SELECT pg_advisory_xact_lock(${STREAM_LOCK_CLASS}, hashtext(${projectId}))`;
}

/** `count` stream ids under the project's stream lock (none, and no lock, for 0). */
async function lockedStreamIds(
  trx: Transaction<Database>,
  projectId: string,
  count: number,
): Promise<number[]> {
  if (count === 0) return [];
  const drawn = await sql<{ id: number }>`
    WITH stream_lock AS MATERIALIZED (${streamLock(projectId)})
    ${drawStreamIds(sql.lit(count))}`.execute(trx);
  return drawn.rows.map((r) => r.id);
}

/** `count` stream ids, drawn once the WITH entry `stream_lock` holds the lock. */
function drawStreamIds(count: RawBuilder<unknown>) {
  return sql`SELECT nextval(pg_get_serial_sequence('stream_events', 'id')) AS id
    FROM stream_lock, generate_series(1, (${count})::int)`;
}

/**
 * The batch's pattern and function counters in one statement (patterns first, then functions, each
 * in key order, as every ingest takes them), and then, `withStreamIds` and for a batch with
 * failures, the stream lock and an id for each stream event it will write (one per pattern it creates, and one for the
 * batch). Returns each pattern's totals after the batch and whether this batch created it, each
 * function's success reservoir count (Algorithm R's n), and the stream ids.
 */
async function upsertCounters(
  trx: Transaction<Database>,
  projectId: string,
  aggregate: BatchAggregate,
  withStreamIds: boolean,
): Promise<{
  upserted: Map<string, { occurrences: number; sampled: number; created: boolean }>;
  successesSampled: Map<string, number>;
  streamIds: number[];
  /** The description columns of each pattern row, as stored (what stored-event.ts compares against). */
  described: DescribedPattern[];
}> {
  const patterns = aggregate.patterns.map((p) => ({
    id: p.id,
    category: p.category,
    function: p.function,
    error_type: p.errorType,
    normalized_message: p.normalizedMessage,
    occurrences: p.count,
    first_seen: p.firstSeen,
    last_seen: p.lastSeen,
  }));
  const functions = aggregate.functions.map((f) => ({
    function: f.function,
    successes: f.successes,
    failures: f.failures,
    last_seen: f.lastSeen,
    sampled: f.sampled,
  }));
  // xmax = 0 only on a freshly inserted row version: the pattern did not exist before this batch.
  // UNION ALL reads its parts in order: the pattern upsert to its end, then the function upsert,
  // then (locking only then) the stream ids.
  const ids =
    aggregate.patterns.length === 0 || !withStreamIds
      ? sql``
      : sql`UNION ALL
    SELECT 'stream', NULL, id, 0, false, NULL, NULL, NULL, NULL FROM (
      ${drawStreamIds(sql`(SELECT count(*) FROM upserted_patterns WHERE created) + 1`)}) AS drawn`;
  const result = await sql<
    {
      kind: 'pattern' | 'function' | 'stream';
      key: string;
      total: number;
      sampled: number;
      created: boolean;
    } & JoinedPatternDescription
  >`
    WITH upserted_patterns AS (
      INSERT INTO patterns (project_id, id, category, function, error_type, normalized_message, signature,
                            occurrences, first_seen, last_seen, sampled)
      SELECT ${projectId}, r.id, r.category, r."function", r.error_type, r.normalized_message, r.signature,
             r.occurrences, r.first_seen, r.last_seen, r.occurrences
      FROM ROWS FROM (
        json_to_recordset(${JSON.stringify(patterns)}::json)
          AS (id text, category text, "function" text, error_type text, normalized_message text,
              occurrences bigint, first_seen bigint, last_seen bigint),
        json_array_elements(${JSON.stringify(aggregate.patterns.map((p) => p.signature))}::json)
      ) AS r(id, category, "function", error_type, normalized_message, occurrences, first_seen, last_seen, signature)
      ORDER BY r.id COLLATE "C"
      ON CONFLICT (project_id, id) DO UPDATE SET
        occurrences = patterns.occurrences + EXCLUDED.occurrences,
        first_seen = LEAST(patterns.first_seen, EXCLUDED.first_seen),
        last_seen = GREATEST(patterns.last_seen, EXCLUDED.last_seen),
        sampled = patterns.sampled + EXCLUDED.sampled
      RETURNING id, occurrences, sampled, (xmax = 0) AS created,
                category, error_type, normalized_message, signature),
    upserted_functions AS (
      INSERT INTO function_stats (project_id, function, successes, failures, last_seen, success_sampled)
      SELECT ${projectId}, r."function", r.successes, r.failures, r.last_seen, r.sampled
      FROM json_to_recordset(${JSON.stringify(functions)}::json)
        AS r("function" text, successes bigint, failures bigint, last_seen bigint, sampled bigint)
      ORDER BY r."function" COLLATE "C"
      ON CONFLICT (project_id, function) DO UPDATE SET
        successes = function_stats.successes + EXCLUDED.successes,
        failures = function_stats.failures + EXCLUDED.failures,
        last_seen = GREATEST(function_stats.last_seen, EXCLUDED.last_seen),
        success_sampled = function_stats.success_sampled + EXCLUDED.success_sampled
      RETURNING function, success_sampled),
    stream_lock AS MATERIALIZED (${streamLock(projectId)})
    SELECT 'pattern' AS kind, id AS key, occurrences AS total, sampled, created,
           category, error_type, normalized_message, signature::text FROM upserted_patterns
    UNION ALL
    SELECT 'function', function, 0, success_sampled, false, NULL, NULL, NULL, NULL FROM upserted_functions
    ${ids}`.execute(trx);
  const upserted = new Map<string, { occurrences: number; sampled: number; created: boolean }>();
  const successesSampled = new Map<string, number>();
  const streamIds: number[] = [];
  const described: DescribedPattern[] = [];
  for (const r of result.rows) {
    if (r.kind === 'pattern') {
      upserted.set(r.key, { occurrences: r.total, sampled: r.sampled, created: r.created });
      const { category, error_type, normalized_message, signature } = r;
      if (category !== null && error_type !== null && normalized_message !== null && signature !== null)
        described.push({ id: r.key, category, error_type, normalized_message, signature });
    } else if (r.kind === 'function') successesSampled.set(r.key, r.sampled);
    else streamIds.push(r.total);
  }
  return { upserted, successesSampled, streamIds, described };
}

type ReservoirSlots = ReturnType<typeof planReservoirs>;
const NO_SLOTS: ReservoirSlots = { failures: [], successes: [] };

/** The reservoir slot writes as two WITH entries (`failure_slots`, `success_slots`), each in key order. */
function slotWrites(projectId: string, slots: ReservoirSlots) {
  const rows = (writes: readonly SlotWrite[]) =>
    JSON.stringify(writes.map((w) => ({ owner: w.owner, slot: w.slot, event_id: w.eventId })));
  const upsert = (
    table: 'failure_examples' | 'success_examples',
    owner: 'pattern_id' | 'function',
    writes: readonly SlotWrite[],
  ) => sql`
    INSERT INTO ${sql.table(table)} (project_id, ${sql.ref(owner)}, slot, event_id)
    SELECT ${projectId}, r.owner, r.slot, r.event_id
    FROM json_to_recordset(${rows(writes)}::json) AS r(owner text, slot int, event_id text)
    ORDER BY r.owner COLLATE "C", r.slot
    ON CONFLICT (project_id, ${sql.ref(owner)}, slot) DO UPDATE SET event_id = EXCLUDED.event_id`;
  return sql`
    failure_slots AS (${upsert('failure_examples', 'pattern_id', slots.failures)}),
    success_slots AS (${upsert('success_examples', 'function', slots.successes)})`;
}
