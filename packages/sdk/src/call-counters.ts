// Exact per-function counts of call outcomes, and the aggregation that keeps them exact on the
// server while only a sample of successes is sent in full: every success that is not sampled is
// counted into an aggregate `success` event (one per function, fix set and canary arm per flush)
// whose `tags['arc.count']` says how many calls it stands for. A success event without that tag
// stands for one call. The tag is core's COUNT_TAG, shared with the server.

import { COUNT_TAG } from '@arc-agent/core';
import type { ArcEvent } from './arc-event.js';
import { nextEventId } from './event-id.js';

export interface FunctionCounters {
  /** Calls that ended in success (after any retries). */
  successes: number;
  /** Failed attempts (exceptions and failed validations). */
  failures: number;
  /** Attempts that were retries. */
  retries: number;
  /** Successes sent as full events. */
  sampledSuccesses: number;
  /** Calls that returned and were then judged wrong (by `verify` or `arc.feedback`). */
  wrongAnswers: number;
  /** Runs of `verify` that threw, rejected, timed out or returned no verdict (the call is left unjudged). */
  verifyFailures: number;
  /**
   * Sync calls left unvalidated, counted neither success nor failure: a validator of theirs answers
   * asynchronously (and was not run, or not waited on) while 1,000 such validations were waiting.
   */
  unvalidated: number;
}

/** The part of a call that identifies its aggregate bucket. */
export interface OutcomeGroup {
  function: string;
  fixIds: readonly string[];
  tags: Readonly<Record<string, string>>;
  /** Precomputed from the three fields above; equal keys aggregate together. */
  key: string;
}

export function groupKey(
  fn: string,
  fixIds: readonly string[],
  tags: Readonly<Record<string, string>>,
): string {
  const tagText = Object.keys(tags).length === 0 ? '' : JSON.stringify(Object.entries(tags).sort());
  return fixIds.length === 0 && tagText === '' ? fn : `${fn}\u0000${fixIds.join(',')}\u0000${tagText}`;
}

/** Distinct function names an Arc client keeps per-function state for, by default. */
export const DEFAULT_MAX_FUNCTIONS = 1000;

export class CallCounters {
  readonly #byFunction = new Map<string, FunctionCounters>();
  readonly #unsent = new Map<string, { group: OutcomeGroup; count: number }>();
  /**
   * The names state is kept for (counters here, fix polling, the rollout registry): functions
   * named per request must not grow an agent's memory and polling without a bound.
   */
  readonly #kept = new Set<string>();
  #overLimitCalls = 0;

  readonly #spill: (() => void) | undefined;

  /**
   * `maxGroups`: aggregates kept between drains, at most. A success of another group first has
   * `spill` drain them (into the client's bounded queue, which counts what it drops): names built
   * per request would otherwise grow them with the call rate for as long as no drain comes (the
   * server away, its batch retried).
   */
  constructor(
    readonly maxFunctions = Number.POSITIVE_INFINITY,
    readonly maxGroups = Number.POSITIVE_INFINITY,
    spill?: () => void,
  ) {
    this.#spill = spill;
  }

  /** Whether per-function state is kept for `fn`: yes for the first `maxFunctions` distinct names. */
  keeps(fn: string): boolean {
    if (this.#kept.has(fn)) return true;
    if (this.#kept.size >= this.maxFunctions) return false;
    this.#kept.add(fn);
    return true;
  }

  /** Successes and failed attempts of functions past `maxFunctions`: sent as events, not counted per function. */
  get overLimitCalls(): number {
    return this.#overLimitCalls;
  }

  #counters(fn: string): FunctionCounters | undefined {
    let counters = this.#byFunction.get(fn);
    if (counters === undefined) {
      if (!this.keeps(fn)) return undefined;
      counters = {
        successes: 0,
        failures: 0,
        retries: 0,
        sampledSuccesses: 0,
        wrongAnswers: 0,
        verifyFailures: 0,
        unvalidated: 0,
      };
      this.#byFunction.set(fn, counters);
    }
    return counters;
  }

  /** Counts a success; one that is not sent in full joins its group's aggregate. */
  success(group: OutcomeGroup, sampled: boolean): void {
    const counters = this.#counters(group.function);
    if (counters === undefined) this.#overLimitCalls++;
    else {
      counters.successes++;
      if (sampled) counters.sampledSuccesses++;
    }
    if (sampled) return;
    const pending = this.#unsent.get(group.key);
    if (pending !== undefined) {
      pending.count++;
      return;
    }
    if (this.#unsent.size >= this.maxGroups) {
      this.#spill?.();
      // Without a spill that drains, the success is counted above but aggregated nowhere.
      if (this.#unsent.size >= this.maxGroups) return;
    }
    this.#unsent.set(group.key, { group, count: 1 });
  }

  failure(fn: string): void {
    const counters = this.#counters(fn);
    if (counters === undefined) this.#overLimitCalls++;
    else counters.failures++;
  }

  retry(fn: string): void {
    const counters = this.#counters(fn);
    if (counters !== undefined) counters.retries++;
  }

  wrongAnswer(fn: string): void {
    const counters = this.#counters(fn);
    if (counters !== undefined) counters.wrongAnswers++;
  }

  verifyFailure(fn: string): void {
    const counters = this.#counters(fn);
    if (counters !== undefined) counters.verifyFailures++;
  }

  unvalidated(fn: string): void {
    const counters = this.#counters(fn);
    if (counters !== undefined) counters.unvalidated++;
  }

  /** The aggregate events for the successes counted since the last call, and resets them. */
  drainAggregates(agentId: string | undefined, now: number): ArcEvent[] {
    const events: ArcEvent[] = [];
    for (const { group, count } of this.#unsent.values()) {
      const event: ArcEvent = {
        id: nextEventId(),
        kind: 'success',
        function: group.function,
        timestamp: now,
        tags: { ...group.tags, [COUNT_TAG]: String(count) },
      };
      if (agentId !== undefined) event.agentId = agentId;
      if (group.fixIds.length > 0) event.fixIds = [...group.fixIds];
      events.push(event);
    }
    this.#unsent.clear();
    return events;
  }

  snapshot(): Record<string, FunctionCounters> {
    const out: Record<string, FunctionCounters> = {};
    for (const [fn, counters] of this.#byFunction) out[fn] = { ...counters };
    return out;
  }
}
