// The cap on patterns per function: one client flooding a function with distinct failures (18,906
// patterns from one key in 2.4 s) must not grow the patterns table, the curriculum and the
// dashboard without bound. Once a function has the cap's number of patterns, the failures of any
// new pattern of it go to the function's one overflow pattern instead, where they are counted
// (its occurrences) and shown (the API's `overflow: true`), and kept as examples like any other.
// Runs inside the ingest transaction, before the events are stored, so an event's pattern is the
// one it is stored under. On PostgreSQL, a transaction lock per function (taken in name order,
// before any row lock) makes the count exact across replicas.

import { patternIdOf } from '@arc-agent/core';
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from './database-schema.js';
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

/**
 * The events with the failures of new patterns past the cap moved to their function's overflow
 * pattern (patterns admitted in order of first appearance). `lock` takes the dialect's locks on the
 * functions given (in name order), if it needs them (SQLite's writers are serialised already).
 */
export function* capNewPatterns(
  db: Kysely<Database>,
  projectId: string,
  events: readonly PreparedEvent[],
  maxPatternsPerFunction: number,
  lock?: (functions: readonly string[]) => CompiledQuery,
): TransactionScript<PreparedEvent[]> {
  const functionOf = new Map<string, string>();
  for (const event of events) {
    if (event.fingerprint !== null) functionOf.set(event.fingerprint.patternId, event.function);
  }
  if (functionOf.size === 0) return [...events];
  const known = yield* existingPatterns(db, projectId, [...functionOf.keys()]);
  const candidates = [...functionOf].filter(([id]) => !known.has(id));
  if (candidates.length === 0) return [...events];

  const functions = [...new Set(candidates.map(([, fn]) => fn))].sort();
  // Patterns are never deleted, so a function at its cap stays there: its new patterns overflow
  // whatever other transactions do, and need no lock. Only functions with room take theirs, or
  // every batch bringing a new pattern of a full function (a flood past the cap) would queue
  // behind the others until they commit.
  const counts = yield* patternCounts(db, projectId, functions);
  const open = functions.filter((fn) => (counts.get(fn) ?? 0) < maxPatternsPerFunction);
  // One statement for every lock, and one for the reads under them: the locks are held until commit.
  if (lock !== undefined && open.length > 0) yield lock(open);
  // Read again, after the counts and under the locks: another transaction may have created some
  // of them meanwhile (a full function's patterns are settled once its count was read).
  const reread = yield* all(
    existingPatternsQuery(
      db,
      projectId,
      candidates.map(([id]) => id),
    ).$if(open.length > 0, (q) => q.unionAll(patternCountsQuery(db, projectId, open))),
  );
  const stored = new Set(reread.filter((r) => r.n === null).map((r) => r.key));
  for (const r of reread) if (r.n !== null) counts.set(r.key, Number(r.n));
  const room = new Map(functions.map((fn) => [fn, maxPatternsPerFunction - (counts.get(fn) ?? 0)]));
  const overflowing = new Set<string>();
  for (const [id, fn] of candidates) {
    if (stored.has(id)) continue;
    const left = room.get(fn) ?? 0;
    if (left > 0) room.set(fn, left - 1);
    else overflowing.add(id);
  }
  if (overflowing.size === 0) return [...events];
  return events.map((event) =>
    event.fingerprint !== null && overflowing.has(event.fingerprint.patternId)
      ? { ...event, fingerprint: overflowFingerprint(event.function) }
      : event,
  );
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
