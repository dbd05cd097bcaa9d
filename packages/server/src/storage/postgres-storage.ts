// The distributed backend: any number of stateless replicas over one PostgreSQL. Exact counts
// across replicas come from upserts (the row lock serialises concurrent increments of a pattern);
// the live stream crosses processes with LISTEN/NOTIFY. Each ingest is one transaction of a fixed
// number of set-based statements, whatever the batch size (rows travel as JSON parameters expanded
// by json_to_recordset).

import {
  type CompiledQuery,
  Kysely,
  PostgresDialect,
  type RawBuilder,
  type Selectable,
  sql,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { recordCanaryOutcomes, tallyCanaryOutcomes } from './canary-tally.js';
import type { Database, StreamEventsTable } from './database-schema.js';
import { capNewFunctions, KnownFunctions, pgFunctionCapLock } from './function-cap.js';
import {
  aggregateBatch,
  firstOfEachId,
  ingestStreamEvents,
  type NewStreamEvent,
  patternResults,
  type ReservoirCandidate,
  reservoirCandidates,
} from './ingest-plan.js';
import { createPgLeaderLocks } from './leader-locks.js';
import { createLearningQueries } from './learning-queries.js';
import { migrateToLatest } from './migrations/schema-migrations.js';
import { createOutputSchemaQueries } from './output-schema-queries.js';
import { createOverviewQueries } from './overview-queries.js';
import { capNewPatterns, FullFunctions, pgPatternCapLocks } from './pattern-cap.js';
import { inlineParameters, PgPreparedStatements } from './pg-inline-parameters.js';
import {
  INLINE_PAYLOAD_LIMIT_BYTES,
  notificationPayload,
  PgStreamListener,
  STREAM_CHANNEL,
} from './pg-stream-notifications.js';
import { createRetentionQueries } from './retention-queries.js';
import { createSessionQueries } from './session-queries.js';
import { createSharedQueries, pruneStreamQuery, streamEventFromRow } from './shared-queries.js';
import type { IngestOptions, IngestResult, PreparedEvent, Storage, StreamEvent } from './storage.js';
import { type DescribedPattern, type JoinedPatternDescription, PatternDescriptions } from './stored-event.js';
import { reportStorageErrorToStderr, type StorageErrorHandler, StreamListeners } from './stream-listeners.js';
import { StreamRetention } from './stream-retention.js';
import {
  kyselyExecutor,
  pgClientExecutor,
  pgScriptRows,
  runScriptAsync,
  type ScriptRows,
  type Transact,
} from './transaction-script.js';

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
   * their notifications; then the retention prune, when due.
   */
  const writeStream = async (
    trx: Transaction<Database>,
    projectId: string,
    events: readonly NewStreamEvent[],
    ids: readonly number[],
    at: number,
  ): Promise<StreamEvent[]> => {
    if (ids.length < events.length) throw new Error(`${events.length} stream events for ${ids.length} ids`);
    const appended = streamEventsUnder(projectId, events, ids, at);
    if (appended.length === 0) return [];
    await sql`
      WITH inserted AS (
        INSERT INTO stream_events (id, project_id, type, at, data)
        SELECT r.id, ${projectId}, r.type, ${at}::bigint, r.data
        FROM ROWS FROM (
          json_to_recordset(${JSON.stringify(appended.map(({ id, type }) => ({ id, type })))}::json) AS (id bigint, type text),
          json_array_elements(${JSON.stringify(appended.map((e) => e.data))}::json)
        ) AS r(id, type, data))
      SELECT pg_notify(${STREAM_CHANNEL}, p) FROM unnest(${appended.map(notificationPayload)}::text[]) AS p`.execute(
      trx,
    );
    if (retention.due(projectId, appended.length))
      await pruneStreamQuery(trx, projectId, retention.keep).execute();
    return appended;
  };

  const locks = createPgLeaderLocks(options.connectionString, onError);
  const descriptions = new PatternDescriptions();
  const knownFunctions = new KnownFunctions();
  const fullFunctions = new FullFunctions();
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
      // A connection of our own rather than a Kysely transaction: the locked statement goes out with
      // its COMMIT in one message (see lockedIngest).
      const client = await pool.connect();
      const execute = afterBegin(client);
      let committed: { result: IngestResult; described: DescribedPattern[]; functions: string[] };
      try {
        const first = firstOfEachId(events);
        // Before the pattern cap's locks, so every transaction takes the project's lock first.
        const unique =
          options.maxFunctionsPerProject === undefined
            ? first
            : await runScriptAsync(
                capNewFunctions(db, projectId, first, options.maxFunctionsPerProject, knownFunctions, () =>
                  pgFunctionCapLock(db, projectId),
                ),
                execute,
              );
        const storedForm = (event: PreparedEvent) => descriptions.storedForm(projectId, event);
        const cap = options.maxPatternsPerFunction;
        // Encoded (as first fingerprinted) only if the cap takes locks, with the message that takes them.
        const capRun = capWithInsert(client, execute, db, projectId, () =>
          insertEventsQuery(db, projectId, encodeEvents(unique, storedForm)),
        );
        const capped =
          cap === undefined
            ? unique
            : await runScriptAsync(
                capNewPatterns(db, projectId, unique, cap, fullFunctions, descriptions, capRun.lock),
                capRun.execute,
              );
        const early = capRun.inserted();
        const inserted =
          early ?? (await execute(insertEventsQuery(db, projectId, encodeEvents(capped, storedForm))));
        const stored = new Set((inserted.rows as { id: string }[]).map((r) => r.id));
        const accepted = capped.filter((event) => stored.has(event.id));
        // Inserted under the cap's locks, the events went in as first fingerprinted: those the cap
        // sent to an overflow pattern move now.
        const movedIds = new Set(capped.filter((event, i) => event !== unique[i]).map((event) => event.id));
        const moved = early === undefined ? [] : accepted.filter((event) => movedIds.has(event.id));
        if (moved.length > 0) await execute(moveEventsQuery(db, projectId, encodeEvents(moved, storedForm)));
        const aggregate = aggregateBatch(accepted);
        // Canary tallies lock deployment rows, which the monitor locks before the stream lock: a
        // batch with outcomes tallies before the locked statement takes the stream lock.
        const tallies = tallyCanaryOutcomes(accepted);
        if (tallies.length > 0) await runScriptAsync(recordCanaryOutcomes(db, projectId, tallies), execute);
        const at = Date.now();
        const answer = await lockedIngest(client, db, projectId, aggregate, options, at);
        const patterns = patternResults(aggregate, answer.upserted);
        const streamEvents = streamEventsUnder(
          projectId,
          ingestStreamEvents(aggregate, patterns),
          answer.streamIds,
          at,
        );
        const result = {
          accepted: accepted.length,
          duplicates: events.length - accepted.length,
          patterns,
          streamEvents,
        };
        committed = {
          result,
          described: answer.described,
          functions: aggregate.functions.map((f) => f.function),
        };
      } catch (thrown) {
        const error = thrown instanceof ConnectionUnusable ? thrown.original : thrown;
        if (thrown instanceof ConnectionUnusable) {
          client.release(error instanceof Error ? error : new Error(String(error)));
          throw error;
        }
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          client.release(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)));
          throw error;
        }
        client.release();
        throw error;
      }
      client.release();
      descriptions.remember(projectId, committed.described);
      knownFunctions.remember(projectId, committed.functions);
      const appended = committed.result.streamEvents.length;
      // After commit, on its own: the prune need not hold the batch's row locks.
      if (appended > 0 && retention.due(projectId, appended))
        await pruneStreamQuery(db, projectId, retention.keep).execute().catch(onError);
      return committed.result;
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

/** The events as insertEventsQuery and moveEventsQuery send them: their columns, and their stored forms as a second array. */
function encodeEvents(
  events: readonly PreparedEvent[],
  storedForm: (event: PreparedEvent) => unknown,
): { rows: string; bodies: string } {
  const rows = events.map((e) => ({
    id: e.id,
    kind: e.kind,
    function: e.function,
    pattern_id: e.fingerprint?.patternId ?? null,
    timestamp: e.timestamp,
  }));
  return { rows: JSON.stringify(rows), bodies: JSON.stringify(events.map(storedForm)) };
}

/** Inserts the events `encoded` (by encodeEvents) that are new; returns the ids of those it stored. */
function insertEventsQuery(
  db: Kysely<Database>,
  projectId: string,
  encoded: { rows: string; bodies: string },
): CompiledQuery {
  // Event bodies travel as a second JSON array zipped in by ROWS FROM: json_array_elements hands
  // each element over verbatim, where json_to_recordset would de-escape every string in it and
  // refuse the \u0000 escapes that agent payloads can carry.
  return sql`
    INSERT INTO events (project_id, id, kind, function, pattern_id, timestamp, data)
    SELECT ${projectId}, r.id, r.kind, r."function", r.pattern_id, r."timestamp", r.data
    FROM ROWS FROM (
      json_to_recordset(${encoded.rows}::json)
        AS (id text, kind text, "function" text, pattern_id text, "timestamp" bigint),
      json_array_elements(${encoded.bodies}::json)
    ) AS r(id, kind, "function", pattern_id, "timestamp", data)
    ORDER BY r.id COLLATE "C"
    ON CONFLICT (project_id, id) DO NOTHING
    RETURNING id`.compile(db);
}

/** Gives the stored events `encoded` (by encodeEvents) their pattern and stored form again. */
function moveEventsQuery(
  db: Kysely<Database>,
  projectId: string,
  encoded: { rows: string; bodies: string },
): CompiledQuery {
  return sql`
    UPDATE events SET pattern_id = r.pattern_id, data = r.data
    FROM ROWS FROM (
      json_to_recordset(${encoded.rows}::json) AS (id text, pattern_id text),
      json_array_elements(${encoded.bodies}::json)
    ) AS r(id, pattern_id, data)
    WHERE events.project_id = ${projectId} AND events.id = r.id`.compile(db);
}

/**
 * The pattern cap's locks and executor for one ingest: the locks go out in one message with the
 * reads under them and the batch's events insert (made by `insert` then), so no answer waits on
 * this process while they are held before the insert; `inserted()` then has its rows, and is
 * undefined when the cap took no lock. Other queries run alone.
 */
function capWithInsert(
  client: pg.PoolClient,
  execute: (query: CompiledQuery) => Promise<ScriptRows>,
  db: Kysely<Database>,
  projectId: string,
  insert: () => CompiledQuery,
) {
  let locks: CompiledQuery | undefined;
  let lockPending = false;
  let inserted: ScriptRows | undefined;
  return {
    lock: (functions: readonly string[]) => {
      locks = pgPatternCapLocks(db, projectId, functions);
      return locks;
    },
    async execute(query: CompiledQuery): Promise<ScriptRows> {
      if (query === locks) {
        lockPending = true;
        return { rows: [], affected: 0 };
      }
      if (!lockPending || locks === undefined) return execute(query);
      lockPending = false;
      const [, reads, insertion] = (await client.query(
        [locks, query, insert()].map(inlineParameters).join(';\n'),
      )) as unknown as pg.QueryResult[];
      if (reads === undefined || insertion === undefined)
        throw new Error('the cap reads or the insert did not answer');
      inserted = pgScriptRows(insertion);
      return pgScriptRows(reads);
    },
    inserted(): ScriptRows | undefined {
      if (lockPending) throw new Error('the cap took its locks without reading under them');
      return inserted;
    },
  };
}

type BatchAggregate = ReturnType<typeof aggregateBatch>;

/**
 * Executes an ingest's queries on its connection, the first one sent with the BEGIN before it in
 * one message (parameters written in): a round trip less per batch.
 */
function afterBegin(client: pg.PoolClient): (query: CompiledQuery) => Promise<ScriptRows> {
  const execute = pgClientExecutor(client);
  let begun = false;
  return async (query) => {
    if (begun) return execute(query);
    begun = true;
    const [, first] = (await client.query(
      `BEGIN;\n${inlineParameters(query)}`,
    )) as unknown as pg.QueryResult[];
    if (first === undefined) throw new Error('the first statement did not answer');
    return pgScriptRows(first);
  };
}

/** The locked statement's texts (with and without failures), prepared once per connection. */
const preparedStatements = new PgPreparedStatements('arc_ingest_locked');

/** An error after which the connection's state is unknown: it is closed, not returned to the pool. */
class ConnectionUnusable extends Error {
  constructor(readonly original: unknown) {
    super('connection state unknown after a failed message', { cause: original });
  }
}

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

/** The stream events under `ids` (as many or more), in id order. */
function streamEventsUnder(
  projectId: string,
  events: readonly NewStreamEvent[],
  ids: readonly number[],
  at: number,
): StreamEvent[] {
  if (ids.length < events.length) throw new Error(`${events.length} stream events for ${ids.length} ids`);
  const sorted = [...ids].sort((a, b) => a - b);
  return events.map((event, i) => ({
    id: sorted[i] as number,
    projectId,
    type: event.type,
    at,
    data: event.data,
  }));
}

/**
 * An ingest's locked section and its COMMIT. From its pattern upsert to commit, every batch of the
 * project queues on the same pattern and function rows, so that section is one statement, sent
 * with COMMIT in one message (the simple query protocol, its parameters written in as literals):
 * the rows stay locked for one statement and the commit, never while an answer waits for this
 * process's busy event loop. The statement upserts the pattern and function counters (patterns,
 * then functions, each in key order, as every ingest takes them), places the reservoir candidates
 * drawn beforehand by the totals it has just counted, and, for a batch with failures, takes the
 * stream lock only then, draws the stream ids and writes and notifies the stream events (one per
 * pattern it creates, in first-appearance order, then one for the batch, as ingestStreamEvents
 * makes them). Returns each pattern's totals after the batch and whether this batch created it,
 * the stream ids, and the description columns of each pattern row, as stored (what
 * stored-event.ts compares against).
 */
async function lockedIngest(
  client: pg.PoolClient,
  db: Kysely<Database>,
  projectId: string,
  aggregate: BatchAggregate,
  options: IngestOptions,
  at: number,
): Promise<{
  upserted: Map<string, { occurrences: number; created: boolean }>;
  streamIds: number[];
  described: DescribedPattern[];
}> {
  const patterns = aggregate.patterns.map((p, ord) => ({
    ord,
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
  const candidates = reservoirCandidates(aggregate, options);
  const failures = aggregate.patterns.reduce((sum, p) => sum + p.count, 0);
  // Read by the UNION ALL's last part, after the counters: the stream lock comes after every row lock.
  const stream =
    aggregate.patterns.length === 0
      ? sql``
      : sql`,
    stream_lock AS MATERIALIZED (${streamLock(projectId)}),
    created AS MATERIALIZED (
      SELECT b.* FROM batch_patterns b JOIN upserted_patterns u ON u.id = b.id WHERE u.created),
    drawn AS MATERIALIZED (
      SELECT id, row_number() OVER (ORDER BY id) AS rn
      FROM (${drawStreamIds(sql`(SELECT count(*) FROM created) + 1`)}) AS d),
    new_stream AS (
      SELECT row_number() OVER (ORDER BY ord) AS rn, 'pattern.created' AS type,
             json_build_object('patternId', id, 'category', category, 'function', "function",
                               'errorType', error_type, 'normalizedMessage', normalized_message,
                               'firstSeen', first_seen) AS data
      FROM created
      UNION ALL
      SELECT (SELECT count(*) FROM created) + 1, 'failures.ingested',
             json_build_object('failures', ${failures}::bigint, 'patterns', json_agg(
               json_build_object('id', b.id, 'category', b.category, 'count', b.occurrences,
                                 'occurrences', u.occurrences) ORDER BY b.ord))
      FROM batch_patterns b JOIN upserted_patterns u ON u.id = b.id),
    inserted_stream AS (
      INSERT INTO stream_events (id, project_id, type, at, data)
      SELECT d.id, ${projectId}, n.type, ${at}::bigint, n.data FROM new_stream n JOIN drawn d ON d.rn = n.rn
      RETURNING id, type, data),
    notified AS (
      SELECT s.id, s.type, pg_notify(${STREAM_CHANNEL}, CASE
        WHEN octet_length(e.inline) < ${INLINE_PAYLOAD_LIMIT_BYTES} THEN e.inline
        ELSE json_build_object('ref', json_build_object('projectId', ${projectId}::text, 'id', s.id))::text END)
      FROM (SELECT * FROM inserted_stream ORDER BY id) AS s
      CROSS JOIN LATERAL (
        SELECT json_build_object('event', json_build_object('id', s.id, 'projectId', ${projectId}::text,
          'type', s.type, 'at', ${at}::bigint, 'data', s.data))::text AS inline) AS e)`;
  const streamRows =
    aggregate.patterns.length === 0
      ? sql``
      : sql`UNION ALL
    SELECT 'stream', type, id, 0, false, NULL, NULL, NULL, NULL FROM notified`;
  // xmax = 0 only on a freshly inserted row version: the pattern did not exist before this batch.
  // UNION ALL reads its parts in order: the pattern upsert to its end, then the function upsert,
  // then the stream; the slot writes, read by no part, run last.
  const statement = sql`
    WITH batch_patterns AS MATERIALIZED (
      SELECT * FROM ROWS FROM (
        json_to_recordset(${JSON.stringify(patterns)}::json)
          AS (ord int, id text, category text, "function" text, error_type text, normalized_message text,
              occurrences bigint, first_seen bigint, last_seen bigint),
        json_array_elements(${JSON.stringify(aggregate.patterns.map((p) => p.signature))}::json)
      ) AS r(ord, id, category, "function", error_type, normalized_message, occurrences, first_seen, last_seen, signature)),
    upserted_patterns AS (
      INSERT INTO patterns (project_id, id, category, function, error_type, normalized_message, signature,
                            occurrences, first_seen, last_seen, sampled)
      SELECT ${projectId}, r.id, r.category, r."function", r.error_type, r.normalized_message, r.signature,
             r.occurrences, r.first_seen, r.last_seen, r.occurrences
      FROM batch_patterns r
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
    failure_slots AS (${placeCandidates(projectId, 'failure_examples', 'pattern_id', sql`SELECT id AS owner, sampled FROM upserted_patterns`, candidates.failures, options.failureReservoirSize)}),
    success_slots AS (${placeCandidates(projectId, 'success_examples', 'function', sql`SELECT function AS owner, success_sampled AS sampled FROM upserted_functions`, candidates.successes, options.successReservoirSize)})
    ${stream}
    SELECT 'pattern' AS kind, id AS key, occurrences AS total, sampled, created,
           category, error_type, normalized_message, signature::text FROM upserted_patterns
    UNION ALL
    SELECT 'function', function, 0, success_sampled, false, NULL, NULL, NULL, NULL FROM upserted_functions
    ${streamRows}`.compile(db);
  const { sql: text, prepares } = preparedStatements.statement(client, statement);
  let results: pg.QueryResult[];
  try {
    results = (await client.query(`${text};\nCOMMIT`)) as unknown as pg.QueryResult[];
  } catch (error) {
    throw prepares ? new ConnectionUnusable(error) : error;
  }
  const [answer] = results.slice(prepares ? 1 : 0) as unknown as [
    pg.QueryResult<
      {
        kind: 'pattern' | 'function' | 'stream';
        key: string;
        total: number;
        created: boolean;
      } & JoinedPatternDescription
    >,
  ];
  const upserted = new Map<string, { occurrences: number; created: boolean }>();
  const streamIds: number[] = [];
  const described: DescribedPattern[] = [];
  for (const r of answer.rows) {
    if (r.kind === 'pattern') {
      upserted.set(r.key, { occurrences: r.total, created: r.created });
      const { category, error_type, normalized_message, signature } = r;
      if (category !== null && error_type !== null && normalized_message !== null && signature !== null)
        described.push({ id: r.key, category, error_type, normalized_message, signature });
    } else if (r.kind === 'stream') streamIds.push(r.total);
  }
  return { upserted, streamIds, described };
}

/**
 * Algorithm R's placements (reservoirPlacements) of the candidates in SQL, by the sample counts
 * `owners` gives after the batch (columns owner, sampled): the k-th of an owner's m candidates is
 * item n = sampled - m + k. Written in key order; the last candidate placed in a slot keeps it.
 * The candidates travel grouped by owner, their ids and draws as two arrays: a batch offers every
 * failure and success, and one JSON object each cost PostgreSQL more to read than the rest of the
 * statement.
 */
function placeCandidates(
  projectId: string,
  table: 'failure_examples' | 'success_examples',
  owner: 'pattern_id' | 'function',
  owners: RawBuilder<unknown>,
  candidates: readonly ReservoirCandidate[],
  size: number,
) {
  const groups = new Map<string, { owner: string; m: number; ids: string[]; us: number[] }>();
  for (const c of candidates) {
    let group = groups.get(c.owner);
    if (group === undefined) {
      group = { owner: c.owner, m: c.m, ids: [], us: [] };
      groups.set(c.owner, group);
    }
    group.ids.push(c.eventId);
    group.us.push(c.u);
  }
  return sql`
    INSERT INTO ${sql.table(table)} (project_id, ${sql.ref(owner)}, slot, event_id)
    SELECT DISTINCT ON (c.owner COLLATE "C", placed.slot) ${projectId}, c.owner, placed.slot, item.event_id
    FROM json_to_recordset(${JSON.stringify([...groups.values()])}::json) AS c(owner text, m bigint, ids json, us json)
    JOIN (${owners}) AS o ON o.owner = c.owner
    CROSS JOIN LATERAL ROWS FROM (json_array_elements_text(c.ids), json_array_elements_text(c.us))
      WITH ORDINALITY AS item(event_id, u, k)
    CROSS JOIN LATERAL (SELECT o.sampled - c.m + item.k AS n) AS seen
    CROSS JOIN LATERAL (
      SELECT (CASE WHEN seen.n <= ${size}::bigint THEN seen.n - 1 ELSE floor(item.u::float8 * seen.n) END)::bigint AS slot
    ) AS placed
    WHERE placed.slot < ${size}::bigint
    ORDER BY c.owner COLLATE "C", placed.slot, item.k DESC
    ON CONFLICT (project_id, ${sql.ref(owner)}, slot) DO UPDATE SET event_id = EXCLUDED.event_id`;
}
