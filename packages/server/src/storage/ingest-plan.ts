// The dialect-free half of Storage.ingest: what a batch changes, worked out in memory so each
// backend issues one upsert per distinct pattern and function rather than one per event, then the
// reservoir slots (Algorithm R) and the stream events that describe the batch.

import { isAggregateOutcome, outcomeCount } from '@arc-agent/core';
import type { Category, IngestOptions, IngestResult, PreparedEvent } from './storage.js';

/** The accepted failures of one pattern in a batch, in batch order. */
export interface PatternDelta {
  id: string;
  category: Category;
  function: string;
  errorType: string;
  normalizedMessage: string;
  signature: object;
  count: number;
  firstSeen: number;
  lastSeen: number;
  events: PreparedEvent[];
}

/** The accepted events of one function in a batch; successEvents in batch order. */
export interface FunctionDelta {
  function: string;
  successes: number;
  failures: number;
  lastSeen: number;
  successEvents: PreparedEvent[];
  /** What the success reservoir's sample count (Algorithm R's n) grows by: counted successes and verified examples. */
  sampled: number;
}

/** Patterns and functions in order of first appearance. */
export interface BatchAggregate {
  patterns: PatternDelta[];
  functions: FunctionDelta[];
}

/** One reservoir slot to (over)write: `owner` is the pattern id or the function name. */
export interface SlotWrite {
  owner: string;
  slot: number;
  eventId: string;
}

/** `data` of a `pattern.created` stream event. */
export interface PatternCreatedData {
  patternId: string;
  category: Category;
  function: string;
  errorType: string;
  normalizedMessage: string;
  firstSeen: number;
}

/** `data` of a `failures.ingested` stream event: the batch's accepted failures per pattern. */
export interface FailuresIngestedData {
  failures: number;
  patterns: { id: string; category: Category; count: number; occurrences: number }[];
}

export interface NewStreamEvent {
  type: string;
  data: unknown;
}

/** Keeps the first event of each id; later repeats inside the batch are duplicates. */
export function firstOfEachId(events: readonly PreparedEvent[]): PreparedEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (seen.has(event.id)) return false;
    seen.add(event.id);
    return true;
  });
}

export function aggregateBatch(accepted: readonly PreparedEvent[]): BatchAggregate {
  const patterns = new Map<string, PatternDelta>();
  const functions = new Map<string, FunctionDelta>();
  for (const event of accepted) {
    let fn = functions.get(event.function);
    if (fn === undefined) {
      fn = {
        function: event.function,
        successes: 0,
        failures: 0,
        lastSeen: event.timestamp,
        successEvents: [],
        sampled: 0,
      };
      functions.set(event.function, fn);
    }
    fn.lastSeen = Math.max(fn.lastSeen, event.timestamp);
    if (event.kind === 'success') {
      if (event.verdict !== undefined) {
        // A right verdict confirms a call already counted; its example, when it has one, is a
        // verified success, one more item for the reservoir.
        if (event.input !== null && event.output !== null) {
          fn.successEvents.push(event);
          fn.sampled += 1;
        }
        continue;
      }
      fn.successes += outcomeCount(event.tags);
      fn.sampled += outcomeCount(event.tags);
      // Aggregates carry counts without input or output: nothing for few-shot mining to use.
      if (!isAggregateOutcome(event.tags)) fn.successEvents.push(event);
      continue;
    }
    fn.failures += 1;
    // A wrong answer was counted as a success when it returned: that success is taken back.
    if (event.verdict !== undefined) fn.successes -= 1;
    const fp = event.fingerprint;
    if (fp === null) throw new Error(`failure event ${event.id} has no fingerprint`);
    let pattern = patterns.get(fp.patternId);
    if (pattern === undefined) {
      pattern = {
        id: fp.patternId,
        category: fp.category,
        function: event.function,
        errorType: fp.errorType,
        normalizedMessage: fp.normalizedMessage,
        signature: fp.signature,
        count: 0,
        firstSeen: event.timestamp,
        lastSeen: event.timestamp,
        events: [],
      };
      patterns.set(fp.patternId, pattern);
    }
    pattern.count += 1;
    pattern.firstSeen = Math.min(pattern.firstSeen, event.timestamp);
    pattern.lastSeen = Math.max(pattern.lastSeen, event.timestamp);
    pattern.events.push(event);
  }
  return { patterns: [...patterns.values()], functions: [...functions.values()] };
}

/**
 * Algorithm R for items numbered seenBefore + 1, seenBefore + 2, …: item n takes slot n - 1 while
 * the reservoir fills, then replaces slot j = floor(u * n) when j < size. Returns the slot each
 * item of this batch finally holds (later items may displace earlier ones of the same batch).
 * Every item draws its u, used or not, so the draws do not depend on seenBefore: PostgreSQL draws
 * them before its upserts and picks the slots in the same statement (placeCandidates in postgres-storage.ts).
 */
export function reservoirPlacements<T>(
  items: readonly T[],
  seenBefore: number,
  size: number,
  random: () => number,
): Map<number, T> {
  const placed = new Map<number, T>();
  if (size <= 0) return placed;
  items.forEach((item, index) => {
    const u = random();
    const n = seenBefore + index + 1;
    const slot = n <= size ? n - 1 : Math.floor(u * n);
    if (slot < size) placed.set(slot, item);
  });
  return placed;
}

/** One item offered to a reservoir: the k-th of the m items its owner gets in this batch, with its draw. */
export interface ReservoirCandidate {
  owner: string;
  k: number;
  m: number;
  eventId: string;
  u: number;
}

/**
 * What planReservoirs draws, drawn ahead of the sample counts: the candidates of each reservoir, in
 * planReservoirs' order (patterns, then functions, each in first-appearance order), each with the u
 * reservoirPlacements would draw for it. Placing them once the counts are known gives planReservoirs'
 * slots.
 */
export function reservoirCandidates(
  aggregate: BatchAggregate,
  options: IngestOptions,
): { failures: ReservoirCandidate[]; successes: ReservoirCandidate[] } {
  const candidates = (owner: string, events: readonly PreparedEvent[], size: number): ReservoirCandidate[] =>
    size <= 0
      ? []
      : events.map((event, index) => ({
          owner,
          k: index + 1,
          m: events.length,
          eventId: event.id,
          u: options.random(),
        }));
  return {
    failures: aggregate.patterns.flatMap((p) => candidates(p.id, p.events, options.failureReservoirSize)),
    successes: aggregate.functions
      .filter((f) => f.successEvents.length > 0)
      .flatMap((f) => candidates(f.function, f.successEvents, options.successReservoirSize)),
  };
}

/**
 * The slot writes of a batch, given each reservoir's sample count after its upserts (the pattern's
 * occurrences and the function's successes, until retention restarts a reservoir from what it has
 * left). Randomness is drawn in a fixed order (patterns, then functions, each in first-appearance
 * order) so a seeded run repeats exactly on either backend.
 */
export function planReservoirs(
  aggregate: BatchAggregate,
  failuresSampled: ReadonlyMap<string, number>,
  successesSampled: ReadonlyMap<string, number>,
  options: IngestOptions,
): { failures: SlotWrite[]; successes: SlotWrite[] } {
  const writes = (
    owner: string,
    events: readonly PreparedEvent[],
    totalAfter: number | undefined,
    size: number,
  ): SlotWrite[] => {
    if (totalAfter === undefined) throw new Error(`no total returned for ${owner}`);
    const placed = reservoirPlacements(events, totalAfter - events.length, size, options.random);
    return [...placed].map(([slot, event]) => ({ owner, slot, eventId: event.id }));
  };
  return {
    failures: aggregate.patterns.flatMap((p) =>
      writes(p.id, p.events, failuresSampled.get(p.id), options.failureReservoirSize),
    ),
    successes: aggregate.functions
      .filter((f) => f.successEvents.length > 0)
      .flatMap((f) =>
        writes(f.function, f.successEvents, successesSampled.get(f.function), options.successReservoirSize),
      ),
  };
}

/** `pattern.created` for each new pattern, then one `failures.ingested` when failures were accepted. */
export function ingestStreamEvents(
  aggregate: BatchAggregate,
  patterns: IngestResult['patterns'],
): NewStreamEvent[] {
  const events: NewStreamEvent[] = [];
  const deltas = new Map(aggregate.patterns.map((p) => [p.id, p]));
  for (const result of patterns) {
    const delta = deltas.get(result.id);
    if (!result.created || delta === undefined) continue;
    const data: PatternCreatedData = {
      patternId: delta.id,
      category: delta.category,
      function: delta.function,
      errorType: delta.errorType,
      normalizedMessage: delta.normalizedMessage,
      firstSeen: delta.firstSeen,
    };
    events.push({ type: 'pattern.created', data });
  }
  if (aggregate.patterns.length > 0) {
    const data: FailuresIngestedData = {
      failures: aggregate.patterns.reduce((sum, p) => sum + p.count, 0),
      patterns: patterns.map((p) => ({
        id: p.id,
        category: p.category,
        count: deltas.get(p.id)?.count ?? 0,
        occurrences: p.occurrences,
      })),
    };
    events.push({ type: 'failures.ingested', data });
  }
  return events;
}

/** The IngestResult pattern list, in first-appearance order, from the upserts' answers. */
export function patternResults(
  aggregate: BatchAggregate,
  upserted: ReadonlyMap<string, { occurrences: number; created: boolean }>,
): IngestResult['patterns'] {
  return aggregate.patterns.map((p) => {
    const row = upserted.get(p.id);
    if (row === undefined) throw new Error(`pattern ${p.id} was not upserted`);
    return { id: p.id, category: p.category, occurrences: row.occurrences, created: row.created };
  });
}
