// The embedded backend: one SQLite file (WAL) through better-sqlite3. Reads go through Kysely; the
// ingest transaction runs on raw prepared statements instead, because better-sqlite3 is
// synchronous: the whole batch commits inside one call, with no await in between. That is both
// the fast path (no per-statement promise and compile, statements prepared once and reused) and the
// safe one: an async Kysely transaction would leave the connection inside an open transaction
// across awaits, where any other caller's statements would silently join it.

import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { recordCanaryOutcomes, tallyCanaryOutcomes } from './canary-tally.js';
import type { Database } from './database-schema.js';
import { capNewFunctions, KnownFunctions } from './function-cap.js';
import {
  aggregateBatch,
  firstOfEachId,
  ingestStreamEvents,
  type NewStreamEvent,
  patternResults,
  planReservoirs,
} from './ingest-plan.js';
import { createProcessLeaderLocks } from './leader-locks.js';
import { createLearningQueries } from './learning-queries.js';
import { migrateToLatest } from './migrations/schema-migrations.js';
import { createOutputSchemaQueries } from './output-schema-queries.js';
import { createOverviewQueries } from './overview-queries.js';
import { capNewPatterns, FullFunctions } from './pattern-cap.js';
import { preparePrivateDatabaseFile } from './private-database-file.js';
import { createRetentionQueries } from './retention-queries.js';
import { createSessionQueries } from './session-queries.js';
import { createSharedQueries, pruneStreamQuery } from './shared-queries.js';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, SqliteCheckpointThread } from './sqlite-checkpoint-thread.js';
import { SqliteStreamDelivery } from './sqlite-stream-delivery.js';
import type { IngestOptions, IngestResult, PreparedEvent, Storage, StreamEvent } from './storage.js';
import { type DescribedPattern, type PatternDescription, PatternDescriptions } from './stored-event.js';
import { reportStorageErrorToStderr, type StorageErrorHandler, StreamListeners } from './stream-listeners.js';
import { StreamRetention } from './stream-retention.js';
import {
  runScriptSync,
  type ScriptOutcome,
  sqliteExecutor,
  type Transact,
  type TransactionScript,
} from './transaction-script.js';

export interface SqliteStorageOptions {
  /** Path of the database file; it and its folder are created, readable by their owner only, when missing. */
  file: string;
  /** Stream events kept per project (default 10,000). */
  streamRetention?: number;
  onError?: StorageErrorHandler;
  /**
   * Checkpoints in a thread of their own (sqlite-checkpoint-thread.ts), off the thread that commits
   * ingest's batches: the server's choice. Otherwise the writing connection checkpoints itself.
   */
  checkpointThread?: boolean;
}

const BUSY_TIMEOUT_MS = 5_000;

/** Opens (creating if needed) the file; call migrate() before anything else. */
export function createSqliteStorage(options: SqliteStorageOptions): Storage {
  preparePrivateDatabaseFile(options.file);
  const sqlite = new BetterSqlite3(options.file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL: in WAL mode a commit has written its frames to the WAL file (the OS page cache) before
  // it returns, so killing the process, SIGKILL included, never loses an acknowledged batch; only
  // an OS crash or power cut can drop the last commits, which FULL would prevent with an fsync per
  // batch. The requirement is surviving the process dying; the fsync would cap ingest on slow disks.
  sqlite.pragma('synchronous = NORMAL');
  // Other processes (the CLI next to a running server) wait for the writer instead of failing.
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  const onError = options.onError ?? reportStorageErrorToStderr;
  let checkpoints: SqliteCheckpointThread | undefined;
  if (options.checkpointThread === true) {
    sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    checkpoints = new SqliteCheckpointThread({ file: options.file, onError });
  }

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const listeners = new StreamListeners(onError);
  const delivery = new SqliteStreamDelivery(sqlite, listeners);
  const retention = new StreamRetention(options.streamRetention);
  let statements: IngestStatements | undefined;
  const prepared = (): IngestStatements => {
    statements ??= prepareIngestStatements(sqlite);
    return statements;
  };
  const execute = sqliteExecutor(sqlite);
  const locks = createProcessLeaderLocks(resolve(options.file));
  const descriptions = new PatternDescriptions();
  const knownFunctions = new KnownFunctions();
  const fullFunctions = new FullFunctions();

  /** Inside the caller's transaction: inserts the events, prunes the tail when due. */
  const appendStream = (projectId: string, events: readonly NewStreamEvent[], at: number): StreamEvent[] => {
    const { insertStreamEvent } = prepared();
    const appended = events.map((event) => {
      const row = insertStreamEvent.get(projectId, event.type, at, JSON.stringify(event.data)) as {
        id: number;
      };
      return { id: row.id, projectId, type: event.type, at, data: event.data };
    });
    if (appended.length > 0 && retention.due(projectId, appended.length)) {
      const prune = pruneStreamQuery(db, projectId, retention.keep).compile();
      sqlite.prepare(prune.sql).run(...(prune.parameters as unknown[]));
    }
    return appended;
  };

  const ingestBatch = (
    projectId: string,
    events: readonly PreparedEvent[],
    options: IngestOptions,
  ): { result: IngestResult; described: DescribedPattern[]; functions: string[]; bytes: number } => {
    const s = prepared();
    const unique = firstOfEachId(events);
    const admitted =
      options.maxFunctionsPerProject === undefined
        ? unique
        : runScriptSync(
            capNewFunctions(db, projectId, unique, options.maxFunctionsPerProject, knownFunctions),
            execute,
          );
    const capped =
      options.maxPatternsPerFunction === undefined
        ? admitted
        : runScriptSync(
            capNewPatterns(
              db,
              projectId,
              admitted,
              options.maxPatternsPerFunction,
              fullFunctions,
              descriptions,
            ),
            execute,
          );
    const accepted: PreparedEvent[] = [];
    let bytes = 0;
    for (const event of capped) {
      const patternId = event.fingerprint?.patternId ?? null;
      const data = JSON.stringify(descriptions.storedForm(projectId, event));
      bytes += data.length;
      const inserted = s.insertEvent.run(
        projectId,
        event.id,
        event.kind,
        event.function,
        patternId,
        event.timestamp,
        data,
      );
      if (inserted.changes > 0) accepted.push(event);
    }
    const aggregate = aggregateBatch(accepted);

    const upserted = new Map<string, { occurrences: number; created: boolean }>();
    const failuresSampled = new Map<string, number>();
    const described: DescribedPattern[] = [];
    for (const p of aggregate.patterns) {
      const row = s.upsertPattern.get(
        projectId,
        p.id,
        p.category,
        p.function,
        p.errorType,
        p.normalizedMessage,
        JSON.stringify(p.signature),
        p.count,
        p.firstSeen,
        p.lastSeen,
        p.count,
      ) as PatternDescription & { occurrences: number; sampled: number };
      described.push({ ...row, id: p.id });
      // Writers are serialised, and a stored pattern has at least one occurrence: the total equals
      // this batch's count exactly when the row did not exist before.
      upserted.set(p.id, { occurrences: row.occurrences, created: row.occurrences === p.count });
      failuresSampled.set(p.id, row.sampled);
    }
    const successesSampled = new Map<string, number>();
    for (const f of aggregate.functions) {
      const row = s.upsertFunctionStats.get(
        projectId,
        f.function,
        f.successes,
        f.failures,
        f.lastSeen,
        f.sampled,
      ) as {
        success_sampled: number;
      };
      successesSampled.set(f.function, row.success_sampled);
    }

    const slots = planReservoirs(aggregate, failuresSampled, successesSampled, options);
    for (const w of slots.failures) s.setFailureSlot.run(projectId, w.owner, w.slot, w.eventId);
    for (const w of slots.successes) s.setSuccessSlot.run(projectId, w.owner, w.slot, w.eventId);

    runScriptSync(recordCanaryOutcomes(db, projectId, tallyCanaryOutcomes(accepted)), execute);

    const patterns = patternResults(aggregate, upserted);
    const streamEvents = appendStream(projectId, ingestStreamEvents(aggregate, patterns), Date.now());
    return {
      result: {
        accepted: accepted.length,
        duplicates: events.length - accepted.length,
        patterns,
        streamEvents,
      },
      described,
      functions: aggregate.functions.map((f) => f.function),
      bytes,
    };
  };
  // IMMEDIATE takes the write lock up front, so a concurrent writer waits (busy_timeout) instead
  // of failing on a read-to-write upgrade.
  const ingestTransaction = sqlite.transaction(ingestBatch).immediate;
  const appendTransaction = sqlite.transaction(appendStream).immediate;
  const scriptTransaction = sqlite.transaction(
    (projectId: string, at: number, script: TransactionScript<ScriptOutcome<unknown>>) => {
      const { value, stream } = runScriptSync(script, execute);
      return { value, streamEvents: appendStream(projectId, stream, at) };
    },
  ).immediate;
  const transact: Transact = async <T>(
    projectId: string,
    at: number,
    script: () => TransactionScript<ScriptOutcome<T>>,
  ) => {
    const result = scriptTransaction(projectId, at, script()) as { value: T; streamEvents: StreamEvent[] };
    delivery.committed(result.streamEvents);
    return result;
  };

  return {
    ...createSharedQueries(db, transact),
    ...createLearningQueries(db, 'sqlite', transact),
    ...createSessionQueries(db, transact),
    ...createOverviewQueries(db),
    ...createOutputSchemaQueries(db),
    ...createRetentionQueries(db, 'sqlite', transact),
    dialect: 'sqlite',

    async migrate() {
      // One IMMEDIATE transaction around the whole migration: a second process (or instance) opening
      // the same file waits for it, then finds nothing pending.
      await beginImmediateWithoutBlocking(sqlite);
      try {
        await migrateToLatest(db as Kysely<unknown>, 'sqlite', true);
        sqlite.exec('COMMIT');
        // Live delivery starts from what is stored now.
        delivery.catchUp();
      } catch (error) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        throw error;
      }
    },

    async close() {
      await checkpoints?.close();
      await locks.close();
      await db.destroy();
    },

    tryLock(name) {
      return locks.tryLock(name);
    },

    async ingest(projectId, events, options) {
      const { result, described, functions, bytes } = ingestTransaction(projectId, events, options);
      checkpoints?.wrote(bytes);
      descriptions.remember(projectId, described);
      knownFunctions.remember(projectId, functions);
      delivery.committed(result.streamEvents);
      return result;
    },

    async appendStreamEvent(projectId, type, data, at) {
      const [event] = appendTransaction(projectId, [{ type, data: data ?? null }], at);
      if (event === undefined) throw new Error('stream event was not stored');
      delivery.committed([event]);
      return event;
    },

    subscribe(listener) {
      // A new subscriber hears what commits from now on, as with LISTEN: what other connections
      // committed before goes to the subscribers already there.
      delivery.catchUp();
      return listeners.add(listener);
    },

    async catchUpStream() {
      delivery.catchUp();
    },
  };
}

const MIGRATION_LOCK_WAIT_MS = 60_000;
const MIGRATION_LOCK_POLL_MS = 20;

/**
 * BEGIN IMMEDIATE, polling instead of busy-waiting: the migration holds its transaction across
 * awaits, and busy_timeout would block the event loop, so another instance in this same process
 * could never finish the migration it waits for.
 */
async function beginImmediateWithoutBlocking(sqlite: BetterSqlite3.Database): Promise<void> {
  const deadline = Date.now() + MIGRATION_LOCK_WAIT_MS;
  sqlite.pragma('busy_timeout = 0');
  try {
    for (;;) {
      try {
        sqlite.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        const busy = error instanceof BetterSqlite3.SqliteError && error.code.startsWith('SQLITE_BUSY');
        if (!busy || Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, MIGRATION_LOCK_POLL_MS));
    }
  } finally {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

interface IngestStatements {
  insertEvent: BetterSqlite3.Statement;
  upsertPattern: BetterSqlite3.Statement;
  upsertFunctionStats: BetterSqlite3.Statement;
  setFailureSlot: BetterSqlite3.Statement;
  setSuccessSlot: BetterSqlite3.Statement;
  insertStreamEvent: BetterSqlite3.Statement;
}

function prepareIngestStatements(sqlite: BetterSqlite3.Database): IngestStatements {
  return {
    insertEvent: sqlite.prepare(
      `INSERT INTO events (project_id, id, kind, function, pattern_id, timestamp, data)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, id) DO NOTHING`,
    ),
    upsertPattern: sqlite.prepare(
      `INSERT INTO patterns (project_id, id, category, function, error_type, normalized_message, signature,
                             occurrences, first_seen, last_seen, sampled)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, id) DO UPDATE SET
         occurrences = patterns.occurrences + excluded.occurrences,
         first_seen = min(patterns.first_seen, excluded.first_seen),
         last_seen = max(patterns.last_seen, excluded.last_seen),
         sampled = patterns.sampled + excluded.sampled
       RETURNING occurrences, sampled, category, error_type, normalized_message, signature`,
    ),
    upsertFunctionStats: sqlite.prepare(
      `INSERT INTO function_stats (project_id, function, successes, failures, last_seen, success_sampled)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, function) DO UPDATE SET
         successes = function_stats.successes + excluded.successes,
         failures = function_stats.failures + excluded.failures,
         last_seen = max(function_stats.last_seen, excluded.last_seen),
         success_sampled = function_stats.success_sampled + excluded.success_sampled
       RETURNING success_sampled`,
    ),
    setFailureSlot: sqlite.prepare(
      `INSERT INTO failure_examples (project_id, pattern_id, slot, event_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (project_id, pattern_id, slot) DO UPDATE SET event_id = excluded.event_id`,
    ),
    setSuccessSlot: sqlite.prepare(
      `INSERT INTO success_examples (project_id, function, slot, event_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (project_id, function, slot) DO UPDATE SET event_id = excluded.event_id`,
    ),
    insertStreamEvent: sqlite.prepare(
      'INSERT INTO stream_events (project_id, type, at, data) VALUES (?, ?, ?, ?) RETURNING id',
    ),
  };
}
