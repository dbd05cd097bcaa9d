// The cap on patterns per function: one client flooding a function with distinct failures (18,906
// patterns from one key in 2.4 s) must not grow the patterns table, the curriculum and the
// dashboard without bound. Once a function has the cap's number of patterns, the failures of any
// new pattern of it go to the function's one overflow pattern instead, where they are counted
// (its occurrences) and shown (the API's `overflow: true`), and kept as examples like any other.
// Runs inside the ingest transaction, before the events are stored, so an event's pattern is the
// one it is stored under. On PostgreSQL, a transaction lock per function (taken in name order,
// before any row lock) makes the count exact across replicas.

import { BoundedMemo, patternIdOf } from '@arc-agent/core';
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from './database-schema.js';
import { functionKey } from './function-cap.js';
import type { PreparedEvent } from './storage.js';
import { all, type TransactionScript } from './transaction-script.js';

/** Class of the per-function transaction locks (two-int key space); distinct from Arc's other locks. */
export const PATTERN_CAP_LOCK_CLASS = 0x41524304;

export const OVERFLOW_ERROR_TYPE = 'ArcPatternOverflow';
const OVERFLOW_MESSAGE = "Failures of new patterns beyond this function's limit of patterns";

/** The overflow pattern of a function; no fingerprint hashes these parts. */
export function overflowPatternId(fn: string): string {
  return patternIdOf(['arc:pattern-overflow', fn]);
}

export function isOverflowPattern(pattern: { id: string; function: string }): boolean {
  return pattern.id === overflowPatternId(pattern.function);
}

type Fingerprint = NonNullable<PreparedEvent['fingerprint']>;

function overflowFingerprint(fn: string): Fingerprint {
  return {
    patternId: overflowPatternId(fn),
    category: 'unknown',
    normalizedMessage: OVERFLOW_MESSAGE,
    errorType: OVERFLOW_ERROR_TYPE,
    signature: { function: fn, overflow: true },
  };
}

/** PostgreSQL's locks on the pattern counts of `functions`, taken in the order given, held until the transaction ends. */
export function pgPatternCapLocks(
  db: Kysely<Database>,
  projectId: string,
  functions: readonly string[],
): CompiledQuery {
  return sql`SELECT pg_advisory_xact_lock(${PATTERN_CAP_LOCK_CLASS}, hashtext(${projectId}::text || '/' || f.name))
    FROM json_array_elements_text(${JSON.stringify(functions)}::json) WITH ORDINALITY AS f(name, ord)
    ORDER BY f.ord`.compile(db);
}

/** Functions remembered at their cap, over all projects: a bound on this process's memory. */
const FULL_FUNCTIONS_LIMIT = 100_000;

/**
 * Functions seen with at least the cap's number of patterns, with the count seen. Patterns are never
 * deleted, so a count read committed stays a lower bound: a function seen full needs no count again
 * (a flood of new patterns past the cap would otherwise count the function's patterns every batch).
 */
export class FullFunctions {
  readonly #memo = new BoundedMemo<number>(FULL_FUNCTIONS_LIMIT);

  has(projectId: string, fn: string, maxPatternsPerFunction: number): boolean {
    return (this.#memo.peek(functionKey(projectId, fn)) ?? 0) >= maxPatternsPerFunction;
  }

  /** Call with a count read from the database, when it is at or past the cap. */
  remember(projectId: string, fn: string, count: number): void {
    this.#memo.get(functionKey(projectId, fn), () => count);
  }
}

/** Pattern rows this process knows committed (stored-event.ts remembers them), by project and id. */
export interface StoredPatterns {
  has(projectId: string, patternId: string): boolean;
}

/**
 * The events with the failures of new patterns past the cap moved to their function's overflow
 * pattern (patterns admitted in order of first appearance). `lock` takes the dialect's locks on the
 * functions given (in name order), if it needs them; without one (SQLite, whose writers are
 * serialised already) nothing can change between the reads, which are not repeated.
 */
export function* capNewPatterns(
  db: Kysely<Database>,
  projectId: string,
  events: readonly PreparedEvent[],
  maxPatternsPerFunction: number,
  full: FullFunctions,
  committed: StoredPatterns,
  lock?: (functions: readonly string[]) => CompiledQuery,
): TransactionScript<PreparedEvent[]> {
  const functionOf = new Map<string, string>();
  for (const event of events) {
    if (event.fingerprint !== null) functionOf.set(event.fingerprint.patternId, event.function);
  }
  // Pattern rows are never deleted: a row known committed needs no read (in a steady stream, every
  // batch's patterns are known, and the batch asks nothing).
  for (const id of functionOf.keys()) if (committed.has(projectId, id)) functionOf.delete(id);
  if (functionOf.size === 0) return [...events];
  const known = yield* existingPatterns(db, projectId, [...functionOf.keys()]);
  const candidates = [...functionOf].filter(([id]) => !known.has(id));
  if (candidates.length === 0) return [...events];

  const functions = [...new Set(candidates.map(([, fn]) => fn))].sort();
  // Patterns are never deleted, so a function at its cap stays there: its new patterns overflow
  // whatever other transactions do, and need no lock. Only functions with room take theirs, or
  // every batch bringing a new pattern of a full function (a flood past the cap) would queue
  // behind the others until they commit.
  const counted = functions.filter((fn) => !full.has(projectId, fn, maxPatternsPerFunction));
  const counts =
    counted.length === 0 ? new Map<string, number>() : yield* patternCounts(db, projectId, counted);
  for (const [fn, count] of counts) if (count >= maxPatternsPerFunction) full.remember(projectId, fn, count);
  const open = counted.filter((fn) => (counts.get(fn) ?? 0) < maxPatternsPerFunction);
  let stored = new Set<string>();
  if (lock !== undefined) {
    // One statement for every lock, and one for the reads under them: the locks are held until commit.
    if (open.length > 0) yield lock(open);
    // Read again, after the counts and under the locks: another transaction may have created some
    // of them meanwhile (a full function's patterns are settled once its count was read).
    const reread = yield* all(
      existingPatternsQuery(
        db,
        projectId,
        candidates.map(([id]) => id),
      ).$if(open.length > 0, (q) => q.unionAll(patternCountsQuery(db, projectId, open))),
    );
    stored = new Set(reread.filter((r) => r.n === null).map((r) => r.key));
    for (const r of reread) if (r.n !== null) counts.set(r.key, Number(r.n));
  }
  // Full functions have no room, whether counted now or remembered full.
  const room = new Map(open.map((fn) => [fn, maxPatternsPerFunction - (counts.get(fn) ?? 0)]));
  const overflowing = new Set<string>();
  for (const [id, fn] of candidates) {
    if (stored.has(id)) continue;
    const left = room.get(fn) ?? 0;
    if (left > 0) room.set(fn, left - 1);
    else overflowing.add(id);
  }
  if (overflowing.size === 0) return [...events];
  // One overflow fingerprint per function and batch, not per event: in a flood past the cap most
  // events are redirected, and each fresh one cost a pattern id's hashing and three objects.
  const overflows = new Map<string, Fingerprint>();
  return events.map((event) => {
    if (event.fingerprint === null || !overflowing.has(event.fingerprint.patternId)) return event;
    let fingerprint = overflows.get(event.function);
    if (fingerprint === undefined) {
      fingerprint = overflowFingerprint(event.function);
      overflows.set(event.function, fingerprint);
    }
    return { ...event, fingerprint };
  });
}

/** The patterns each function has, its overflow pattern not counted: rows (key: function, n). */
export function patternCountsQuery(db: Kysely<Database>, projectId: string, functions: string[]) {
  return db
    .selectFrom('patterns')
    .select((eb) => ['function as key', eb.fn.countAll<number | string>().as('n')])
    .where('project_id', '=', projectId)
    .where('function', 'in', functions)
    .where('id', 'not in', functions.map(overflowPatternId))
    .groupBy('function');
}

function* patternCounts(
  db: Kysely<Database>,
  projectId: string,
  functions: string[],
): TransactionScript<Map<string, number>> {
  const rows = yield* all(patternCountsQuery(db, projectId, functions));
  return new Map(rows.map((row) => [row.key, Number(row.n)]));
}

/** The stored patterns among `ids`: rows (key: id, n: null). */
function existingPatternsQuery(db: Kysely<Database>, projectId: string, ids: string[]) {
  return db
    .selectFrom('patterns')
    .select(['id as key', sql<number | string | null>`NULL`.as('n')])
    .where('project_id', '=', projectId)
    .where('id', 'in', ids);
}

function* existingPatterns(
  db: Kysely<Database>,
  projectId: string,
  ids: string[],
): TransactionScript<Set<string>> {
  const rows = yield* all(existingPatternsQuery(db, projectId, ids));
  return new Set(rows.map((r) => r.key));
}
