// What a stored event's `data` holds. A failure's fingerprint is more than half of its JSON, and it
// is almost always exactly what its pattern's row already holds (the pattern was created from the
// first failure of the same id, and those rows never change). So a failure whose fingerprint equals
// its pattern's row, as a committed row known to this process, is stored without it, and readers
// take it back from the row (`eventFromStored`). Any other failure (a new pattern, an input of
// another shape than the pattern's first, a row not seen yet) keeps its fingerprint in full, as
// every event did before: both forms read alike, and nothing is lost when the row is not known.

import type { PreparedEvent } from './storage.js';

/** A pattern row's description columns: what a fingerprint repeats. */
export interface PatternDescription {
  category: string;
  error_type: string;
  normalized_message: string;
  /** JSON text, as stored. */
  signature: string;
}

/** A pattern row's id and description columns, as an upsert returns them. */
export interface DescribedPattern extends PatternDescription {
  id: string;
}

/** The description columns as a left join reads them: null where the event has no pattern row. */
export type JoinedPatternDescription = { [K in keyof PatternDescription]: PatternDescription[K] | null };

/** What is remembered of a pattern row: its signature parsed, to compare without serialising. */
interface RememberedDescription {
  category: string;
  error_type: string;
  normalized_message: string;
  signature: unknown;
}

/** Patterns whose descriptions are remembered; a forgotten one only means full fingerprints again. */
export const DESCRIPTION_MEMO_LIMIT = 4096;
/** Signatures longer than this are not remembered, so the memo stays small (shapes are bounded, but not tiny). */
const MAX_REMEMBERED_SIGNATURE = 4096;

/**
 * Committed pattern descriptions, per storage instance. Only what a committed transaction read or
 * wrote goes in: a pattern row's description never changes and the row is never deleted, so what
 * is remembered stays true for every process sharing the database.
 */
export class PatternDescriptions {
  // By project, then pattern id: two lookups of strings the events already hold, instead of a key
  // built and hashed for every event (issue 16). Forgotten all at once past the bound, as BoundedMemo.
  readonly #projects = new Map<string, Map<string, RememberedDescription>>();
  #size = 0;

  /** Call after commit, with the rows the transaction upserted. */
  remember(projectId: string, rows: Iterable<DescribedPattern>): void {
    for (const row of rows) {
      if (row.signature.length > MAX_REMEMBERED_SIGNATURE || this.#peek(projectId, row.id) !== undefined)
        continue;
      if (this.#size >= DESCRIPTION_MEMO_LIMIT) {
        this.#projects.clear();
        this.#size = 0;
      }
      let patterns = this.#projects.get(projectId);
      if (patterns === undefined) {
        patterns = new Map();
        this.#projects.set(projectId, patterns);
      }
      const { category, error_type, normalized_message, signature } = row;
      patterns.set(row.id, { category, error_type, normalized_message, signature: JSON.parse(signature) });
      this.#size += 1;
    }
  }

  #peek(projectId: string, patternId: string): RememberedDescription | undefined {
    return this.#projects.get(projectId)?.get(patternId);
  }

  /** Whether the pattern's row is remembered: committed, so it exists for good (rows are never deleted). */
  has(projectId: string, patternId: string): boolean {
    return this.#peek(projectId, patternId) !== undefined;
  }

  /**
   * What the event's `data` column holds, to serialise: the event itself, or a copy without its
   * fingerprint when its pattern's committed row holds that exactly.
   */
  storedForm(projectId: string, event: PreparedEvent): PreparedEvent | Omit<PreparedEvent, 'fingerprint'> {
    const fp = event.fingerprint;
    const pattern = fp === null ? undefined : this.#peek(projectId, fp.patternId);
    if (
      fp === null ||
      pattern === undefined ||
      fp.category !== pattern.category ||
      fp.errorType !== pattern.error_type ||
      fp.normalizedMessage !== pattern.normalized_message ||
      !sameJson(fp.signature, pattern.signature)
    ) {
      return event;
    }
    // JSON.stringify leaves out a key whose value is undefined.
    return { ...event, fingerprint: undefined };
  }
}

/**
 * Whether `a` serialises to the same JSON text as `b`, a value parsed from JSON: the same keys in
 * the same order and the same primitives. Cheaper than serialising `a` for every event; anything
 * else (undefined, NaN, a Date) compares unequal, which only costs a fingerprint stored in full.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // Anything but an array or a plain object (value shapes have no prototype) may serialise
  // otherwise (toJSON).
  const prototype = Object.getPrototypeOf(a);
  if (!Array.isArray(a) && prototype !== Object.prototype && prototype !== null) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (let i = 0; i < aKeys.length; i++) {
    const k = aKeys[i] as string;
    if (k !== bKeys[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) {
      return false;
    }
  }
  return true;
}

/**
 * The event as ingest prepared it, from its `data` and its pattern's row (left joined on the
 * event's pattern id; null for successes). Data without a fingerprint takes its pattern's.
 */
export function eventFromStored(
  data: string,
  patternId: string | null,
  pattern: JoinedPatternDescription,
): PreparedEvent {
  const event = JSON.parse(data) as PreparedEvent;
  if (event.fingerprint !== undefined || patternId === null) return event;
  if (
    pattern.category === null ||
    pattern.error_type === null ||
    pattern.normalized_message === null ||
    pattern.signature === null
  ) {
    throw new Error(
      `event ${event.id} was stored without its fingerprint, and its pattern ${patternId} is missing`,
    );
  }
  // A verdict comes after the fingerprint, where ingest put it (prepareFeedback): the same key order.
  const { verdict } = event;
  delete event.verdict;
  event.fingerprint = {
    patternId,
    category: pattern.category as NonNullable<PreparedEvent['fingerprint']>['category'],
    normalizedMessage: pattern.normalized_message,
    errorType: pattern.error_type,
    signature: JSON.parse(pattern.signature) as object,
  };
  if (verdict !== undefined) event.verdict = verdict;
  return event;
}
