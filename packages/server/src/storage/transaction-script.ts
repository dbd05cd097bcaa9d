// Multi-statement transactions written once for both backends. A script is a generator that yields
// compiled Kysely queries and receives their rows: SQLite runs it synchronously inside one
// better-sqlite3 IMMEDIATE transaction (no await in between, so no other caller's statements can
// join it: see sqlite-storage.ts), PostgreSQL runs it statement by statement inside a Kysely
// transaction. The logic, including what it reads back between statements, is the same code.

import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable, CompiledQuery, Kysely, Transaction } from 'kysely';
import type pg from 'pg';
import type { NewStreamEvent } from './ingest-plan.js';
import type { StreamEvent } from './storage.js';

export interface ScriptRows {
  rows: unknown[];
  /** Rows changed by an insert, update or delete without RETURNING. */
  affected: number;
}

export type TransactionScript<T> = Generator<CompiledQuery, T, ScriptRows>;

/** A Kysely query, or raw SQL compiled already (`sql\`…\`.compile(db)`). */
type Query<R> = Compilable<R> | CompiledQuery<R>;

function compiled<R>(query: Query<R>): CompiledQuery {
  return 'compile' in query ? query.compile() : query;
}

/** `const rows = yield* all(query)` inside a script. */
export function* all<R>(query: Query<R>): Generator<CompiledQuery, R[], ScriptRows> {
  const result = yield compiled(query);
  return result.rows as R[];
}

export function* first<R>(query: Query<R>): Generator<CompiledQuery, R | undefined, ScriptRows> {
  const rows = yield* all(query);
  return rows[0];
}

/** Runs a statement; returns how many rows it changed. */
export function* run(query: Query<unknown>): Generator<CompiledQuery, number, ScriptRows> {
  const result = yield compiled(query);
  return result.affected;
}

export function runScriptSync<T>(
  script: TransactionScript<T>,
  execute: (query: CompiledQuery) => ScriptRows,
): T {
  let next = script.next();
  while (!next.done) next = script.next(execute(next.value));
  return next.value;
}

export async function runScriptAsync<T>(
  script: TransactionScript<T>,
  execute: (query: CompiledQuery) => Promise<ScriptRows>,
): Promise<T> {
  let next = script.next();
  while (!next.done) next = script.next(await execute(next.value));
  return next.value;
}

/** What a script committing learning-loop changes returns: its value and the stream events to append. */
export interface ScriptOutcome<T> {
  value: T;
  stream: NewStreamEvent[];
}

/**
 * Runs a script in one transaction of the backend and appends its stream events in that same
 * transaction (stamped `at`); listeners hear of them after commit.
 */
export type Transact = <T>(
  projectId: string,
  at: number,
  script: () => TransactionScript<ScriptOutcome<T>>,
) => Promise<{ value: T; streamEvents: StreamEvent[] }>;

/** Prepared statements kept per connection; lists of varying length make SQL texts vary. */
const MAX_CACHED_STATEMENTS = 500;

/** Executes compiled queries on a better-sqlite3 connection, preparing each SQL text once. */
export function sqliteExecutor(sqlite: BetterSqlite3.Database): (query: CompiledQuery) => ScriptRows {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return (query) => {
    let statement = statements.get(query.sql);
    if (statement === undefined) {
      if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
      statement = sqlite.prepare(query.sql);
      statements.set(query.sql, statement);
    }
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(...parameters), affected: 0 };
    return { rows: [], affected: statement.run(...parameters).changes };
  };
}

/** Executes compiled queries inside a Kysely (PostgreSQL) transaction. */
export function kyselyExecutor<DB>(
  trx: Transaction<DB> | Kysely<DB>,
): (query: CompiledQuery) => Promise<ScriptRows> {
  return async (query) => {
    const result = await trx.executeQuery(query);
    return { rows: result.rows as unknown[], affected: Number(result.numAffectedRows ?? 0n) };
  };
}

const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** A node-pg result as a script reads it, changed rows counted as kyselyExecutor counts them. */
export function pgScriptRows(result: pg.QueryResult): ScriptRows {
  return { rows: result.rows, affected: WRITE_COMMANDS.has(result.command) ? (result.rowCount ?? 0) : 0 };
}

/** Executes compiled queries on one PostgreSQL connection. */
export function pgClientExecutor(client: pg.ClientBase): (query: CompiledQuery) => Promise<ScriptRows> {
  return async (query) => pgScriptRows(await client.query(query.sql, query.parameters as unknown[]));
}
