import {
  DEFAULT_VERDICT_THRESHOLD,
  type DeployedFix,
  type JsonBounds,
  type RedactOptions,
  type Verdict,
} from '@arc-agent/core';
import type { ArcFeedback } from './arc-feedback.js';
import type { ArcRuntime, RetrySettings } from './arc-runtime.js';
import { CallCounters, DEFAULT_MAX_FUNCTIONS, type FunctionCounters } from './call-counters.js';
import { type CaptureOptions, captureIdentifier } from './capture-context.js';
import { EventTransport, type TransportStats } from './event-transport.js';
import { FeedbackReporter, type FeedbackSettings, type FeedbackStats } from './feedback-reporter.js';
import { FixCache, type FixCacheStats } from './fix-cache.js';
import { PendingLimit } from './pending-limit.js';
import {
  IDLE_WORKER_STATS,
  type RolloutFunctions,
  type RolloutWorker,
  type RolloutWorkerOptions,
  startRolloutWorker,
} from './rollout-worker.js';
import { isThenable } from './safe-checks.js';
import {
  type AnyConstructor,
  type AnyFunction,
  type ConstructorCall,
  MAX_FUNCTION_NAME_LENGTH,
  type TrackedFunction,
  type TrackOptions,
  trackFunction,
} from './track.js';
import { type TrackedDecorator, trackedDecorator } from './tracked-decorator.js';
import { DEFAULT_VALIDATOR_TIMEOUT_MS } from './validators.js';

export interface ArcOptions {
  /** Base URL of the Arc server, e.g. `http://localhost:7070`. */
  endpoint: string;
  /**
   * A project key with the `ingest` scope, which also fetches the deployed fixes (add `worker` for
   * `arc.worker`). An agent needs no `read` key: that one reads every pattern and example and signs
   * into the dashboard. Trimmed (a key read from a file keeps its line break); one that cannot be
   * an HTTP header (printable ASCII without spaces) throws.
   */
  apiKey: string;
  agentId?: string;
  /** Share of successful calls sent in full (default 0.1); the others are counted exactly in aggregate events. Failures are always sent. */
  successSampleRate?: number;
  /** Extra redaction rules on top of core's (which always apply). */
  redact?: RedactOptions;
  /** Bounds of captured inputs and outputs. */
  bounds?: Partial<JsonBounds>;
  /** How often queued events are sent (default 1000 ms). */
  flushIntervalMs?: number;
  /** Events per request (default 100). */
  batchSize?: number;
  /** Events kept while the server cannot take them (default 10 000); the oldest are dropped past it. */
  maxQueue?: number;
  /** Largest request body (default 512 KiB). */
  maxBatchBytes?: number;
  /** Per-request timeout (default 5000 ms). */
  requestTimeoutMs?: number;
  /** Tries per batch on network errors, timeouts, 408, 429 and 5xx (default 5). */
  maxSendAttempts?: number;
  fetch?: typeof fetch;
  /** Track nothing and send nothing: `track` returns the function itself. */
  disabled?: boolean;
  /**
   * Fix polling (default on, every 30 s). An answer larger than `maxResponseBytes` (default 4 MiB)
   * is refused and the fixes already loaded are kept. At most `maxConcurrentPolls` (default 4)
   * functions' fixes are polled at once.
   */
  fixes?: {
    enabled?: boolean;
    pollIntervalMs?: number;
    maxResponseBytes?: number;
    maxConcurrentPolls?: number;
  };
  /** Bounds on retries (defaults: 3 attempts, 30 s, a rescue with a fix promoted during the call when its confidence >= 0.8). */
  retry?: Partial<RetrySettings>;
  /** Uniform in [0, 1); for sampling and jitter (default Math.random). */
  random?: () => number;
  /**
   * How long asynchronous validators may hold a call (default 5000 ms); past it the output counts
   * as invalid and the caller gets it (or the ValidationError, with `throwOnInvalid`).
   */
  validatorTimeoutMs?: number;
  /** Told about errors caught inside Arc's work (its bugs, options' hooks that threw or rejected), which are otherwise only counted. */
  onInternalError?: (error: unknown) => void;
  /**
   * Verdicts (`arc.feedback`, track's `verify`): a score below `threshold` (default 0.5) is a wrong
   * answer; the last `recentCalls` calls that returned (default 1000, 0 for none) can be judged
   * after the fact; `verify` is given up on after `verifyTimeoutMs` (default 30 000).
   */
  feedback?: Partial<FeedbackSettings>;
  /**
   * Distinct function names kept track of (default 1000): their counters in `stats().functions`,
   * their fix polling and their rollouts. Calls of functions named past it (say, a name built per
   * request) still run and are still sent as events, but get no fixes and no per-function state;
   * they are counted in `stats().overLimitCalls`.
   */
  maxFunctions?: number;
}

export interface ArcStats extends TransportStats {
  /** Errors caught inside Arc's work before they could reach the host: its bugs, options' hooks that threw. */
  internalErrors: number;
  functions: Record<string, FunctionCounters>;
  /** Successes and failed attempts of functions named past `maxFunctions`, which `functions` leaves out. */
  overLimitCalls: number;
  fixes: FixCacheStats | null;
  /** Verdicts sent to `/v1/feedback` (like events), and those that could not be matched to a call. */
  feedback: FeedbackStats;
}

export interface Arc {
  readonly disabled: boolean;
  /** Wraps `fn` so its calls are tracked and get deployed fixes; see TrackOptions. */
  track<F extends AnyFunction, V = Awaited<ReturnType<F>>>(
    name: string,
    fn: F,
    options?: TrackOptions<F, V>,
  ): F;
  /** Wraps a class so its `new` calls are tracked, the instance being the output; it stays the class. */
  track<C extends AnyConstructor, V = InstanceType<C>>(
    name: string,
    cls: C,
    options?: TrackOptions<ConstructorCall<C>, V>,
  ): C;
  /** The decorator form of `track`, for class methods. */
  tracked: TrackedDecorator;
  /**
   * Starts a rollout worker for the learning loop: it leases rollout jobs of these functions
   * (by tracked name), replays each recorded input with the job's candidate fix applied exactly
   * as tracked calls apply fixes (alongside the fixes promoted for the function's other patterns),
   * scores it with the function's validators and `verify` (or `options.verifier`), and reports the reward. Needs
   * a key with the `worker` scope. Functions are called without `this`: bind methods first.
   */
  worker(fns: RolloutFunctions, options?: RolloutWorkerOptions): RolloutWorker;
  /**
   * Reports a verdict on a call that returned: `{ score, label?, message? }` (or a score in [0, 1],
   * or a boolean). `callId` is the one track's `callId` option named, or the one `onCall` was told;
   * the call must be among the last `feedback.recentCalls` that returned. A score below the
   * threshold (0.5 by default) makes the call a wrong answer, a failure whose pattern Arc learns
   * fixes for by replaying the call's input. One verdict counts per call. Never throws or blocks:
   * queued and sent like events; an unknown call or a malformed verdict is only counted.
   */
  feedback(callId: string, verdict: Verdict | number | boolean): void;
  /** The fixes currently deployed for a tracked function. */
  fixesFor(fn: string): readonly DeployedFix[];
  /** Polls the server for fixes now; never rejects. */
  refreshFixes(): Promise<void>;
  /** Sends queued events now, then queued verdicts; never rejects. */
  flush(): Promise<void>;
  /**
   * Stops polling, timers and the client's rollout workers (a running job gets until the deadline)
   * and sends what is queued, within `timeoutMs` (default 2000); never rejects.
   */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
  stats(): ArcStats;
}

const runtimes = new WeakMap<Arc, ArcRuntime>();

/** As the server takes agent ids. */
const MAX_AGENT_ID_LENGTH = 200;

const IDLE_TRANSPORT_STATS: Readonly<TransportStats> = Object.freeze({
  sent: 0,
  dropped: 0,
  failed: 0,
  queued: 0,
  retries: 0,
  lastError: null,
});

const IDLE_FEEDBACK_STATS: Readonly<FeedbackStats> = Object.freeze({
  ...IDLE_TRANSPORT_STATS,
  unmatched: 0,
  invalid: 0,
});

/** The runtime behind an Arc client, for the framework integrations; undefined when disabled. */
export function runtimeOf(arc: Arc): ArcRuntime | undefined {
  return runtimes.get(arc);
}

function positive(value: number | undefined, fallback: number, field: string, integer = true): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !(value > 0) ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new TypeError(`createArc: ${field} must be a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

function count(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`createArc: ${field} must be an integer >= 0`);
  }
  return value;
}

function share(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new TypeError(`createArc: ${field} must be a number between 0 and 1`);
  }
  return value;
}

function baseUrl(endpoint: unknown): string {
  let url: URL;
  try {
    url = new URL(String(endpoint));
  } catch {
    throw new TypeError('createArc: endpoint must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError('createArc: endpoint must be an http(s) URL');
  return url.href.replace(/\/+$/, '');
}

function disabledArc(): Arc {
  const arc: Arc = {
    disabled: true,
    track: (<F>(_name: string, fn: F) => fn) as Arc['track'],
    tracked: () => (method) => method,
    worker: () => ({
      workerId: 'disabled',
      stop: async () => undefined,
      stats: () => ({ ...IDLE_WORKER_STATS }),
    }),
    feedback: () => undefined,
    fixesFor: () => [],
    refreshFixes: async () => undefined,
    flush: async () => undefined,
    shutdown: async () => undefined,
    stats: () => ({
      ...IDLE_TRANSPORT_STATS,
      internalErrors: 0,
      functions: {},
      overLimitCalls: 0,
      fixes: null,
      feedback: { ...IDLE_FEEDBACK_STATS },
    }),
  };
  return arc;
}

/**
 * Creates an Arc client. Malformed options throw a TypeError here, at startup; from then on
 * nothing Arc does can throw into the host or block it.
 */
export function createArc(options: ArcOptions): Arc {
  if (options.disabled) return disabledArc();
  const endpoint = baseUrl(options.endpoint);
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '')
    throw new TypeError('createArc: apiKey is required');
  // Read from a file or a secret store, a key may come with its line break, which HTTP trims: the
  // server keys name placeholders with the trimmed key, so the SDK must too.
  const apiKey = options.apiKey.trim();
  if (!/^[\x21-\x7e]+$/.test(apiKey))
    throw new TypeError('createArc: apiKey must be printable ASCII without spaces (it goes in a header)');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function')
    throw new TypeError('createArc: no fetch available; pass options.fetch');
  const random = options.random ?? Math.random;
  if (options.agentId !== undefined && typeof options.agentId !== 'string')
    throw new TypeError('createArc: agentId must be a string');
  const redact = options.redact ?? {};
  const capture: CaptureOptions = {
    agentId: undefined,
    bounds: options.bounds ?? {},
    redact,
    key: apiKey,
  };
  if (options.agentId !== undefined)
    capture.agentId = captureIdentifier(options.agentId, MAX_AGENT_ID_LENGTH, capture);
  const requestTimeoutMs = positive(options.requestTimeoutMs, 5000, 'requestTimeoutMs');
  const validatorTimeoutMs = positive(
    options.validatorTimeoutMs,
    DEFAULT_VALIDATOR_TIMEOUT_MS,
    'validatorTimeoutMs',
  );

  const maxFunctions = positive(options.maxFunctions, DEFAULT_MAX_FUNCTIONS, 'maxFunctions');
  const sending = {
    apiKey,
    fetch: fetchImpl,
    batchSize: positive(options.batchSize, 100, 'batchSize'),
    maxQueue: positive(options.maxQueue, 10_000, 'maxQueue'),
    maxBatchBytes: positive(options.maxBatchBytes, 512 * 1024, 'maxBatchBytes'),
    flushIntervalMs: positive(options.flushIntervalMs, 1000, 'flushIntervalMs'),
    requestTimeoutMs,
    maxAttempts: positive(options.maxSendAttempts, 5, 'maxSendAttempts'),
    backoff: { baseDelayMs: 500, maxDelayMs: 30_000, jitter: 'full' as const },
    random,
  };
  const aggregates = () => counters.drainAggregates(capture.agentId, Date.now());
  const transport = new EventTransport({
    ...sending,
    url: `${endpoint}/v1/events`,
    collect: aggregates,
  });
  // No more aggregates wait than the queue they are drained into holds.
  const counters = new CallCounters(maxFunctions, sending.maxQueue, () => {
    for (const event of aggregates()) transport.enqueue(event);
  });
  // Verdicts travel like events, on their own queue: a backlog of either cannot crowd out the other.
  const feedbackTransport = new EventTransport<ArcFeedback>({
    ...sending,
    url: `${endpoint}/v1/feedback`,
    bodyKey: 'feedback',
  });
  const fixCache =
    options.fixes?.enabled === false
      ? undefined
      : new FixCache({
          url: `${endpoint}/v1/fixes`,
          apiKey,
          fetch: fetchImpl,
          intervalMs: positive(options.fixes?.pollIntervalMs, 30_000, 'fixes.pollIntervalMs'),
          requestTimeoutMs,
          maxResponseBytes: positive(
            options.fixes?.maxResponseBytes,
            4 * 1024 * 1024,
            'fixes.maxResponseBytes',
          ),
          maxConcurrentPolls: positive(options.fixes?.maxConcurrentPolls, 4, 'fixes.maxConcurrentPolls'),
        });

  let internalErrors = 0;
  const retry = options.retry ?? {};
  const feedbackOptions = options.feedback ?? {};
  const verdicts = new FeedbackReporter(
    feedbackTransport,
    {
      threshold: share(feedbackOptions.threshold, DEFAULT_VERDICT_THRESHOLD, 'feedback.threshold'),
      recentCalls: count(feedbackOptions.recentCalls, 1000, 'feedback.recentCalls'),
      verifyTimeoutMs: positive(feedbackOptions.verifyTimeoutMs, 30_000, 'feedback.verifyTimeoutMs'),
    },
    capture,
    counters,
    (error) => rt.internalError(error),
  );
  const rt: ArcRuntime = {
    capture,
    successSampleRate: share(options.successSampleRate, 0.1, 'successSampleRate'),
    random,
    retry: {
      maxAttempts: positive(retry.maxAttempts, 3, 'retry.maxAttempts'),
      maxTotalMs: positive(retry.maxTotalMs, 30_000, 'retry.maxTotalMs'),
      fixConfidence: share(retry.fixConfidence, 0.8, 'retry.fixConfidence'),
      withFix: retry.withFix ?? true,
    },
    validatorTimeoutMs,
    syncValidations: new PendingLimit(),
    counters,
    send: (event) => transport.enqueue(event),
    watch: (fn) => {
      if (counters.keeps(fn)) fixCache?.watch(fn);
    },
    fixesFor: (fn) => fixCache?.fixesFor(fn) ?? [],
    internalError: (error) => {
      internalErrors++;
      try {
        // An async hook's rejection is as much the hook failing as a throw.
        const told: unknown = options.onInternalError?.(error);
        if (isThenable(told)) Promise.resolve(told).then(undefined, () => undefined);
      } catch {
        // The host's own hook failing must not become an error of Arc's in the host.
      }
    },
    verdicts,
  };

  // What each function was tracked with, so a rollout worker replays it the same way.
  const registry = new Map<string, TrackedFunction>();
  // Stopped by shutdown: a worker left running would go on leasing and running the host's functions.
  const workers = new Set<RolloutWorker>();
  let closed = false;
  // A class goes through as a function: trackFunction constructs with what `new` can call.
  const track = (<F extends AnyFunction, V>(name: string, fn: F, trackOptions?: TrackOptions<F, V>) =>
    trackFunction(rt, name, fn, trackOptions, (tracked) => {
      if (counters.keeps(tracked.name)) registry.set(tracked.name, tracked);
    })) as Arc['track'];
  const arc: Arc = {
    disabled: false,
    track,
    tracked: trackedDecorator(track),
    worker: (fns, workerOptions) => {
      const worker = startRolloutWorker(
        {
          endpoint,
          apiKey,
          fetch: fetchImpl,
          requestTimeoutMs,
          runtime: rt,
          tracked: (name) => registry.get(name),
          closed,
        },
        fns,
        workerOptions,
      );
      workers.add(worker);
      return worker;
    },
    feedback: (callId, verdict) => verdicts.feedback(callId, verdict),
    fixesFor: (fn) =>
      typeof fn === 'string' ? rt.fixesFor(captureIdentifier(fn, MAX_FUNCTION_NAME_LENGTH, capture)) : [],
    refreshFixes: async () => {
      await fixCache?.refresh();
    },
    // Calls before the verdicts on them: a server takes them in the order sent, so what it sees
    // (counts, example reservoirs) does not depend on which of two requests landed first.
    flush: async () => {
      await transport.flush();
      await feedbackTransport.flush();
    },
    shutdown: async ({ timeoutMs = 2000 } = {}) => {
      closed = true;
      fixCache?.stop();
      await Promise.all([
        ...[...workers].map((worker) => worker.stop({ timeoutMs })),
        transport.shutdown(timeoutMs),
        feedbackTransport.shutdown(timeoutMs),
      ]);
    },
    stats: () => ({
      ...transport.stats(),
      internalErrors,
      functions: counters.snapshot(),
      overLimitCalls: counters.overLimitCalls,
      fixes: fixCache?.stats() ?? null,
      feedback: verdicts.stats(),
    }),
  };
  runtimes.set(arc, rt);
  return arc;
}
