// Ships events to the Arc server in batches, in the background, and never lets the server's
// state reach the host: it does not throw, its memory is bounded (oldest events dropped and
// counted), its timers do not keep the process alive, and a slow or dead server only costs it
// retries with backoff. One request is in flight at a time, so ordering and backoff stay simple.

import { abortable } from './abortable.js';
import type { ArcEvent } from './arc-event.js';
import { type BackoffOptions, backoffDelayMs } from './backoff.js';
import { discardBody, readBoundedText } from './bounded-body.js';
import { BoundedQueue } from './bounded-queue.js';
import { thrownText } from './safe-checks.js';

export interface TransportOptions<T = ArcEvent> {
  /** Full URL of the ingest endpoint (`…/v1/events`). */
  url: string;
  /** The body's key for the batch (default `events`; `feedback` for `…/v1/feedback`). */
  bodyKey?: string;
  apiKey: string;
  fetch: typeof fetch;
  /** Events per request. */
  batchSize: number;
  /** Events held at most (beyond the one batch in flight); the oldest go first. */
  maxQueue: number;
  /** A batch whose JSON is larger is split before sending (the server answers 413 past its limit). */
  maxBatchBytes: number;
  flushIntervalMs: number;
  requestTimeoutMs: number;
  /** Tries per batch on retryable failures (network, timeout, 408, 429, 5xx) before it is given up. */
  maxAttempts: number;
  backoff: BackoffOptions;
  random: () => number;
  /** Called at each flush for events assembled lazily (aggregated success counts). */
  collect?: () => T[];
}

export interface TransportStats {
  /** Events the server acknowledged (2xx). */
  sent: number;
  /** Events dropped because the queue was full, or enqueued after shutdown. */
  dropped: number;
  /** Events given up: rejected by the server (4xx) or out of attempts. */
  failed: number;
  /** Events waiting, the batch in flight included. */
  queued: number;
  /** Requests that will be (or were) tried again. */
  retries: number;
  /** The last problem met, for diagnosis (`HTTP 400: …`, `network: …`). */
  lastError: string | null;
}

type Outcome =
  | { kind: 'sent' }
  | { kind: 'rejected'; error: string }
  | { kind: 'too_large'; error: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number };

// A Retry-After longer than this is treated as this: a misconfigured server must not park events forever.
const MAX_RETRY_AFTER_MS = 300_000;
const ERROR_BODY_CHARS = 500;
// Enough bytes for ERROR_BODY_CHARS characters of UTF-8 text; the rest of an error body is never read.
const ERROR_BODY_BYTES = 4 * ERROR_BODY_CHARS;
const utf8 = new TextEncoder();

/** Ships items of type T (events by default, verdicts for `/v1/feedback`) in batches. */
export class EventTransport<T = ArcEvent> {
  readonly #options: TransportOptions<T>;
  readonly #queue: BoundedQueue<T>;
  readonly #interval: ReturnType<typeof setInterval>;
  #pending: { events: T[]; attempts: number } | undefined;
  #pumping: Promise<void> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #inflight: AbortController | undefined;
  #notBefore = 0;
  #consecutiveFailures = 0;
  #closed = false;
  #shutdown: Promise<void> | undefined;
  readonly #stats = { sent: 0, dropped: 0, failed: 0, retries: 0, lastError: null as string | null };

  constructor(options: TransportOptions<T>) {
    this.#options = options;
    this.#queue = new BoundedQueue(options.maxQueue);
    this.#interval = setInterval(() => this.#kick(), options.flushIntervalMs);
    this.#interval.unref?.();
  }

  enqueue(event: T): void {
    if (this.#closed) {
      this.#stats.dropped++;
      return;
    }
    this.#stats.dropped += this.#queue.push(event);
    if (this.#queue.size >= this.#options.batchSize) this.#kick();
  }

  stats(): TransportStats {
    return { ...this.#stats, queued: this.#queue.size + (this.#pending?.events.length ?? 0) };
  }

  /** Sends what is queued now (respecting any backoff in progress); resolves when done, never rejects. */
  async flush(): Promise<void> {
    this.#kick();
    await this.#pumping;
  }

  /**
   * Stops the timers and sends what is queued, each batch tried once, within `timeoutMs`; then
   * aborts whatever is still in flight. Resolves (never rejects) by the deadline.
   */
  shutdown(timeoutMs: number): Promise<void> {
    this.#shutdown ??= this.#close(timeoutMs);
    return this.#shutdown;
  }

  async #close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    clearInterval(this.#interval);
    clearTimeout(this.#retryTimer);
    const deadline = Date.now() + Math.max(0, timeoutMs);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, timeoutMs));
      timer.unref?.();
    });
    const drain = (async () => {
      await this.#pumping;
      await this.#guarded(() => this.#pump(deadline));
    })();
    await Promise.race([drain, expired]);
    clearTimeout(timer);
    this.#inflight?.abort();
  }

  #kick(): void {
    if (this.#closed || this.#pumping) return;
    this.#pumping = this.#guarded(() => this.#pump()).finally(() => {
      this.#pumping = undefined;
    });
  }

  async #guarded(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      // Only a bug of ours lands here; it must not become an unhandled rejection in the host.
      this.#stats.lastError = `internal: ${thrownText(error)}`;
    }
  }

  /** Sends batches until the queue is empty or a failure calls for backoff. With a deadline
   *  (shutdown) backoff is skipped and the first retryable failure ends the drain. */
  async #pump(deadline?: number): Promise<void> {
    const final = deadline !== undefined;
    for (;;) {
      if (this.#pending === undefined) {
        const collected = this.#options.collect?.() ?? [];
        for (const event of collected) this.#stats.dropped += this.#queue.push(event);
        if (this.#queue.size === 0) return;
        this.#pending = { events: this.#queue.take(this.#options.batchSize), attempts: 0 };
      }
      const wait = this.#notBefore - Date.now();
      if (!final && wait > 0) {
        this.#scheduleRetry(wait);
        return;
      }
      const timeoutMs = final
        ? Math.min(this.#options.requestTimeoutMs, deadline - Date.now())
        : this.#options.requestTimeoutMs;
      if (timeoutMs <= 0) return;
      const batch = this.#pending;
      const outcome = await this.#send(batch.events, timeoutMs);
      if (outcome.kind === 'sent') {
        this.#stats.sent += batch.events.length;
        this.#pending = undefined;
        this.#consecutiveFailures = 0;
        this.#notBefore = 0;
        continue;
      }
      this.#stats.lastError = outcome.error;
      if (outcome.kind === 'too_large' && batch.events.length > 1) {
        const half = Math.ceil(batch.events.length / 2);
        this.#stats.dropped += this.#queue.unshift(batch.events.slice(half));
        this.#pending = { events: batch.events.slice(0, half), attempts: batch.attempts };
        continue;
      }
      if (outcome.kind !== 'retry' || batch.attempts + 1 >= this.#options.maxAttempts) {
        this.#stats.failed += batch.events.length;
        this.#pending = undefined;
        if (outcome.kind !== 'retry') continue;
      } else {
        batch.attempts++;
        this.#stats.retries++;
      }
      this.#consecutiveFailures++;
      const delay =
        outcome.retryAfterMs ??
        backoffDelayMs(this.#consecutiveFailures, this.#options.backoff, this.#options.random);
      this.#notBefore = Date.now() + delay;
      if (final) return;
    }
  }

  #scheduleRetry(waitMs: number): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#kick(), waitMs);
    this.#retryTimer.unref?.();
  }

  async #send(events: T[], timeoutMs: number): Promise<Outcome> {
    const body = JSON.stringify({ [this.#options.bodyKey ?? 'events']: events });
    // UTF-8 takes at most 3 bytes per UTF-16 unit, so only a large body needs encoding to be measured.
    if (
      body.length * 3 > this.#options.maxBatchBytes &&
      utf8.encode(body).byteLength > this.#options.maxBatchBytes
    ) {
      return {
        kind: 'too_large',
        error: `batch of ${events.length} events exceeds ${this.#options.maxBatchBytes} bytes`,
      };
    }
    const controller = new AbortController();
    this.#inflight = controller;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref?.();
    try {
      const response = await abortable(
        this.#options.fetch(this.#options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#options.apiKey}` },
          body,
          signal: controller.signal,
        }),
        controller.signal,
      );
      const status = response.status;
      if (status >= 200 && status < 300) {
        // The acknowledgement's body is not needed; cancelling frees the connection at once.
        discardBody(response);
        return { kind: 'sent' };
      }
      const text = await readBoundedText(response, ERROR_BODY_BYTES, controller.signal).catch(() => '');
      const error = `HTTP ${status}: ${text.slice(0, ERROR_BODY_CHARS)}`;
      const retryAfterMs = retryAfterOf(response);
      if (retryAfterMs !== undefined) return { kind: 'retry', error, retryAfterMs };
      if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', error };
      if (status === 413) return { kind: 'too_large', error };
      return { kind: 'rejected', error };
    } catch (error) {
      const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : thrownText(error);
      return { kind: 'retry', error: `network: ${reason}` };
    } finally {
      clearTimeout(timer);
      if (this.#inflight === controller) this.#inflight = undefined;
    }
  }
}

/**
 * The wait a 429 or 503 asks for (Retry-After, capped); undefined for other answers. Read on 503 too
 * (RFC 9110 gives it to both): the server says so while its database cannot serve.
 */
export function retryAfterOf(response: Response): number | undefined {
  return response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers) : undefined;
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 section 10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}
