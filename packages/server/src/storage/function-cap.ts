// The cap on functions per project, the pattern cap's counterpart one level up (pattern-cap.ts):
// one key naming a new function in every event (25,011 functions from 100 batches) must not grow
// function_stats, GET /v1/functions and the learner's loads without bound. Once a project has the
// cap's number of functions, the events of any new function are stored under the project's one
// overflow function instead, where they are counted and kept like any other function's (its
// failures' fingerprints keep the name they came with). Redirected rather than refused with a 400:
// a batch mixes functions, and a refusal would drop the events of the functions that have room,
// as the SDK does not split a batch it was refused.
// Runs inside the ingest transaction, before the pattern cap, so an event's function is the one it
// is stored and grouped under. The common path, a batch whose functions are all known to exist,
// asks the database nothing: functions are never deleted, so one seen committed stays known (a
// bounded memo of them). On PostgreSQL, a transaction lock per project, taken before the pattern
// cap's locks and any row lock, makes the count exact across replicas.

import { BoundedMemo } from '@arc-agent/core';
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from './database-schema.js';
import type { PreparedEvent } from './storage.js';
import { all, type TransactionScript } from './transaction-script.js';

/** Class of the per-project transaction locks (two-int key space); distinct from Arc's other locks. */
export const FUNCTION_CAP_LOCK_CLASS = 0x41524305;

/** Where the events of functions past a project's cap are stored; not counted against the cap. */
export const OVERFLOW_FUNCTION = 'arc:function-overflow';

/** Functions remembered as committed, over all projects: a bound on this process's memory. */
const KNOWN_FUNCTIONS_LIMIT = 100_000;

/** Functions seen committed (they are never deleted), so a batch of known ones needs no query. */
export class KnownFunctions {
  readonly #memo = new BoundedMemo<true>(KNOWN_FUNCTIONS_LIMIT);

  has(projectId: string, fn: string): boolean {
    return this.#memo.peek(functionKey(projectId, fn)) !== undefined;
  }

  /** Call with functions read from the database, or after the commit that stored them. */
  remember(projectId: string, functions: Iterable<string>): void {
    for (const fn of functions) this.#memo.get(functionKey(projectId, fn), () => true);
  }
}

/** A function's key in the memos of this process (KnownFunctions, pattern-cap.ts's FullFunctions). */
export function functionKey(projectId: string, fn: string): string {
  return `${projectId}\u0000${fn}`;
}

/** PostgreSQL's lock on the function count of a project, held until the transaction ends. */
export function pgFunctionCapLock(db: Kysely<Database>, projectId: string): CompiledQuery {
  return sql`SELECT pg_advisory_xact_lock(${FUNCTION_CAP_LOCK_CLASS}, hashtext(${projectId}::text))`.compile(
    db,
  );
}

/**
 * The events of new functions past the cap moved to the overflow function (functions admitted in
 * order of first appearance). `lock` is the dialect's lock on the project's count, if it needs one
 * (SQLite's writers are serialised already).
 */
export function* capNewFunctions(
  db: Kysely<Database>,
  projectId: string,
  events: readonly PreparedEvent[],
  maxFunctionsPerProject: number,
  known: KnownFunctions,
  lock?: () => CompiledQuery,
): TransactionScript<readonly PreparedEvent[]> {
  const unknown = [...new Set(events.map((event) => event.function))].filter(
    (fn) => fn !== OVERFLOW_FUNCTION && !known.has(projectId, fn),
  );
  if (unknown.length === 0) return events;
  const read = () =>
    all(storedFunctionsQuery(db, projectId, unknown).unionAll(functionCountQuery(db, projectId)));
  let rows = yield* read();
  // Functions are never deleted, so a full project stays full: its new functions overflow whatever
  // other transactions do, and need no lock (a flood past the cap would otherwise queue all of the
  // project's batches with a new function behind one another).
  if (lock !== undefined && countOf(rows) < maxFunctionsPerProject && storedOf(rows).size < unknown.length) {
    yield lock();
    // Read again under the lock: another transaction may have created some meanwhile.
    rows = yield* read();
  }
  const stored = storedOf(rows);
  known.remember(projectId, stored);
  let room = maxFunctionsPerProject - countOf(rows);
  const overflowing = new Set<string>();
  for (const fn of unknown) {
    if (stored.has(fn)) continue;
    if (room > 0) room -= 1;
    else overflowing.add(fn);
  }
  if (overflowing.size === 0) return events;
  return events.map((event) =>
    overflowing.has(event.function) ? { ...event, function: OVERFLOW_FUNCTION } : event,
  );
}

type CapRow = { key: string | null; n: number | string | null };

function storedOf(rows: readonly CapRow[]): Set<string> {
  return new Set(rows.flatMap((r) => (r.key === null ? [] : [r.key])));
}

function countOf(rows: readonly CapRow[]): number {
  return Number(rows.find((r) => r.key === null)?.n ?? 0);
}

/** The stored functions among `functions`: rows (key: function, n: null). */
export function storedFunctionsQuery(db: Kysely<Database>, projectId: string, functions: string[]) {
  return db
    .selectFrom('function_stats')
    .select((eb) => [eb.ref('function').$castTo<string | null>().as('key'), sql<CapRow['n']>`NULL`.as('n')])
    .where('project_id', '=', projectId)
    .where('function', 'in', functions);
}

/** The project's functions, the overflow function not counted: one row (key: null, n). */
export function functionCountQuery(db: Kysely<Database>, projectId: string) {
  return db
    .selectFrom('function_stats')
    .select((eb) => [
      sql<CapRow['key']>`NULL`.as('key'),
      eb.fn.countAll<number | string>().$castTo<CapRow['n']>().as('n'),
    ])
    .where('project_id', '=', projectId)
    .where('function', '<>', OVERFLOW_FUNCTION);
}
