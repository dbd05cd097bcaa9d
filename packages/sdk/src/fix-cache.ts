// The agent's local copy of the fixes deployed for its functions, kept fresh by polling
// `GET /v1/fixes?function=…` with ETags (a 304 costs the server almost nothing). Fail-open: a
// failed poll, an error status, a garbled body or one larger than the bound keeps the last good
// fixes; each fix is validated with core's parser and fix limits, and one that fails them is
// skipped, never applied. Polls share a few connections: an agent with hundreds of tracked
// functions must not open hundreds of sockets at once, nor time its polls out waiting on each other.

import { type DeployedFix, fixLimitProblem, parseDeployedFix } from '@arc-agent/core';
import pLimit, { type LimitFunction } from 'p-limit';
import { abortable } from './abortable.js';
import { discardBody, readBoundedJson } from './bounded-body.js';
import { thrownText } from './safe-checks.js';

export interface FixCacheOptions {
  /** Full URL of the fixes endpoint (`…/v1/fixes`). */
  url: string;
  apiKey: string;
  fetch: typeof fetch;
  intervalMs: number;
  /** Bound on one poll, counted from when it gets a connection, not from when it was queued. */
  requestTimeoutMs: number;
  /** Largest answer read; a larger one is refused (and the last good fixes kept). */
  maxResponseBytes: number;
  /** Polls in flight at once; the others wait their turn. */
  maxConcurrentPolls: number;
}

export interface FixCacheStats {
  polls: number;
  notModified: number;
  failures: number;
  /** Deployed fixes skipped because they did not validate. */
  invalidFixes: number;
  /** Deployed fixes skipped because they are past core's fix limits (FIX_LIMITS). */
  oversizedFixes: number;
  /** Answers refused for being larger than `maxResponseBytes`. */
  oversizedResponses: number;
  lastError: string | null;
}

interface Entry {
  etag: string | undefined;
  fixes: readonly DeployedFix[];
  polling: Promise<void> | undefined;
  /** Whether the poll in flight has left its queue: its answer may predate what a refresh wants. */
  sent: boolean;
  /** The poll a refresh asked for behind one already sent. */
  followUp: Promise<void> | undefined;
}

const NO_FIXES: readonly DeployedFix[] = Object.freeze([]);

export class FixCache {
  readonly #options: FixCacheOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #interval: ReturnType<typeof setInterval>;
  readonly #limit: LimitFunction;
  readonly #stats: FixCacheStats = {
    polls: 0,
    notModified: 0,
    failures: 0,
    invalidFixes: 0,
    oversizedFixes: 0,
    oversizedResponses: 0,
    lastError: null,
  };
  #stopped = false;

  constructor(options: FixCacheOptions) {
    this.#options = options;
    this.#limit = pLimit(options.maxConcurrentPolls);
    this.#interval = setInterval(() => void this.#pollAll(false), options.intervalMs);
    this.#interval.unref?.();
  }

  /** Starts keeping the fixes of `fn` (first poll right away, in the background). */
  watch(fn: string): void {
    if (this.#entries.has(fn) || this.#stopped) return;
    this.#entries.set(fn, {
      etag: undefined,
      fixes: NO_FIXES,
      polling: undefined,
      sent: false,
      followUp: undefined,
    });
    void this.#poll(fn, false);
  }

  /** The last good fixes deployed for `fn` (none before the first successful poll). */
  fixesFor(fn: string): readonly DeployedFix[] {
    return this.#entries.get(fn)?.fixes ?? NO_FIXES;
  }

  /**
   * Polls every watched function now: resolves, never rejecting, once each has had an answer to a
   * request sent after this call (or failed to get one).
   */
  refresh(): Promise<void> {
    return this.#pollAll(true);
  }

  stats(): FixCacheStats {
    return { ...this.#stats };
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#interval);
  }

  async #pollAll(fresh: boolean): Promise<void> {
    await Promise.all([...this.#entries.keys()].map((fn) => this.#poll(fn, fresh)));
  }

  /** A poll of `fn`, sharing the one in flight unless `fresh` and that one was already sent. */
  #poll(fn: string, fresh: boolean): Promise<void> {
    const entry = this.#entries.get(fn);
    if (entry === undefined || this.#stopped) return Promise.resolve();
    if (entry.polling === undefined) {
      entry.sent = false;
      entry.polling = this.#limit(() => {
        entry.sent = true;
        return this.#fetch(fn, entry);
      }).finally(() => {
        entry.polling = undefined;
      });
      return entry.polling;
    }
    if (!fresh || !entry.sent) return entry.polling;
    entry.followUp ??= entry.polling.then(() => {
      entry.followUp = undefined;
      return this.#poll(fn, false);
    });
    return entry.followUp;
  }

  async #fetch(fn: string, entry: Entry): Promise<void> {
    if (this.#stopped) return;
    this.#stats.polls++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#options.requestTimeoutMs);
    timer.unref?.();
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${this.#options.apiKey}` };
      if (entry.etag !== undefined) headers['if-none-match'] = entry.etag;
      const url = `${this.#options.url}?function=${encodeURIComponent(fn)}`;
      const response = await abortable(
        this.#options.fetch(url, { headers, signal: controller.signal }),
        controller.signal,
      );
      if (response.status === 304) {
        this.#stats.notModified++;
        discardBody(response);
        return;
      }
      if (response.status !== 200) {
        discardBody(response);
        return this.#fail(`HTTP ${response.status}`);
      }
      const body = await readBoundedJson(response, this.#options.maxResponseBytes, controller.signal);
      if (!body.ok) {
        if (body.tooLarge) this.#stats.oversizedResponses++;
        return this.#fail(body.error);
      }
      const list = (body.value as { fixes?: unknown } | null)?.fixes;
      if (!Array.isArray(list)) return this.#fail('response has no fixes array');
      const fixes: DeployedFix[] = [];
      for (const item of list) {
        const parsed = parseDeployedFix(item);
        if (!parsed.ok) {
          this.#skip('invalidFixes', `invalid fix: ${parsed.field} ${parsed.error}`);
        } else if (parsed.value.function !== fn) {
          this.#skip('invalidFixes', `fix ${parsed.value.id} is for ${parsed.value.function}, not ${fn}`);
        } else {
          const problem = fixLimitProblem(parsed.value.fix, 'deployedFix.fix');
          if (problem === undefined) fixes.push(parsed.value);
          else
            this.#skip(
              'oversizedFixes',
              `fix ${parsed.value.id} is too large: ${problem.field} ${problem.error}`,
            );
        }
      }
      entry.fixes = Object.freeze(fixes);
      entry.etag = response.headers.get('etag') ?? undefined;
    } catch (error) {
      this.#fail(controller.signal.aborted ? 'timed out' : thrownText(error));
    } finally {
      clearTimeout(timer);
    }
  }

  #skip(counter: 'invalidFixes' | 'oversizedFixes', reason: string): void {
    this.#stats[counter]++;
    this.#stats.lastError = reason;
  }

  #fail(reason: string): void {
    this.#stats.failures++;
    this.#stats.lastError = reason;
  }
}
