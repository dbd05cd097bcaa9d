// The rollout worker behind `arc.worker(fns)`: it leases rollout jobs for the given functions from
// the Arc server (`POST /v1/rollouts/lease`), replays each recorded input through the same call
// runner that tracked calls go through, with the fixes promoted for the function's other patterns
// and the job's candidate fix in place of what is deployed for the job's pattern, scores the
// outcome with the function's validators and `verify` (or the verifier given), and reports the reward
// (`POST /v1/rollouts/:id/result`). Like the rest of the SDK it never throws
// into the host: a server that is down, slow or garbled costs backoff, and the host's functions'
// failures are rewards of 0, not errors.

import { type DeployedFix, fixParts, riskOf } from '@arc-agent/core';
import { abortable } from './abortable.js';
import type { ArcEvent } from './arc-event.js';
import type { ArcRuntime } from './arc-runtime.js';
import { backoffDelayMs } from './backoff.js';
import { discardBody, readBoundedJson } from './bounded-body.js';
import { CallCounters } from './call-counters.js';
import { CallRunner } from './call-runner.js';
import { captureIdentifier, captureText, captureValue, describeError } from './capture-context.js';
import { retryAfterOf } from './event-transport.js';
import { changesCall } from './fix-appliers/apply-fixes.js';
import { PendingLimit } from './pending-limit.js';
import { parseRolloutJob, type RolloutJob } from './rollout-job.js';
import { isThenable } from './safe-checks.js';
import { type AnyFunction, argumentList, type TrackedFunction, trackedName, untracked } from './track.js';
import { runVerify, type VerifyOutcome } from './verify-call.js';

/** A reward in [0, 1] for a run that did not throw: the output, the arguments it was called with, the job. */
export type RolloutVerifier = (
  output: unknown,
  args: readonly unknown[],
  job: RolloutJob,
) => number | Promise<number>;

/** The functions a worker runs, by the name they are tracked under. */
export type RolloutFunctions = Readonly<Record<string, AnyFunction>>;

export interface RolloutWorkerOptions {
  /** Jobs run at once (default 2, at most 100). */
  concurrency?: number;
  /** How long a leased job is this worker's (default 60 000 ms, at least 1000); a job not done by then is dropped. */
  leaseMs?: number;
  /** Wait before asking again after finding no work (default 1000 ms); also the first backoff step. */
  pollIntervalMs?: number;
  /**
   * Scores every run that did not throw; replaces the functions' validators. Without it, a function
   * tracked with `verify` is scored by its verify (after its validators passed: the reward is the
   * verdict's score), and any other by its validators (1 when they pass).
   */
  verifier?: RolloutVerifier;
  /** Names this worker to the server (default: a random id). */
  workerId?: string;
  /** A key with the `worker` scope (default: the client's key). */
  apiKey?: string;
  /** How long `stop()` waits for running jobs before abandoning them (default 10 000 ms). */
  stopTimeoutMs?: number;
  /** Keep the process alive while the worker runs (default false: like Arc's other timers, its own do not). */
  keepAlive?: boolean;
}

export interface RolloutWorkerStats {
  leased: number;
  /** Results the server took. */
  reported: number;
  /** Runs that threw, failed validation or could not be run (reported with reward 0). */
  failedRuns: number;
  /** Results the server refused: the lease had passed to another worker, or the step had ended. */
  refused: number;
  /** Jobs dropped because their lease ran out before their result could be sent. */
  expired: number;
  /** Jobs still running when `stop()` stopped waiting for them. */
  abandoned: number;
  /** Jobs the server sent that could not be read; they are left to expire. */
  invalidJobs: number;
  leaseErrors: number;
  reportErrors: number;
  inFlight: number;
  lastError: string | null;
}

export interface RolloutWorker {
  readonly workerId: string;
  /** Stops leasing; running jobs may finish and report within `timeoutMs`, then are abandoned. Never rejects. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  stats(): RolloutWorkerStats;
}

/** What `createArc` hands a worker. */
export interface WorkerContext {
  /** Base URL of the server, without a trailing slash. */
  endpoint: string;
  apiKey: string;
  fetch: typeof fetch;
  requestTimeoutMs: number;
  runtime: ArcRuntime;
  /** The registration of a tracked function, read per job (so a function tracked later counts). */
  tracked(name: string): TrackedFunction | undefined;
  /** The client was shut down: the worker is made (its options checked) but leases nothing. */
  closed?: boolean;
}

interface Outcome {
  reward: number;
  output?: unknown;
  error?: string;
}

type Reply =
  | { ok: true; status: number; body: unknown; retryAfterMs: number | undefined }
  | { ok: false; error: string };

const MAX_CONCURRENCY = 100;
const MAX_FUNCTIONS = 100;
const MAX_WORKER_ID = 200;
const MAX_BACKOFF_MS = 30_000;
const REPORT_ATTEMPTS = 3;
const MAX_ERROR_TEXT = 2_000;
// A lease answer carries up to MAX_CONCURRENCY jobs, each with a recorded input and fixes within
// core's limits; a larger answer is refused rather than read into memory.
const MAX_REPLY_BYTES = 32 * 1024 * 1024;
const EXPIRED = Symbol('expired');

function integerIn(value: number | undefined, fallback: number, min: number, max: number, field: string) {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new TypeError(`arc.worker: ${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Keeps the last event a rollout's call reported, and what its `verify` said, and lets the worker
 * wait for the next of either: a sync function with async validators returns before its verdict.
 */
class EventRecorder {
  last: ArcEvent | undefined;
  verified: Promise<VerifyOutcome> | undefined;
  #waiting: (() => void) | undefined;

  push(event: ArcEvent): void {
    this.last = event;
    this.#wake();
  }

  verify(outcome: Promise<VerifyOutcome>): void {
    this.verified = outcome;
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  next(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }
}

class Worker implements RolloutWorker {
  readonly workerId: string;
  readonly #ctx: WorkerContext;
  readonly #fns: ReadonlyMap<string, AnyFunction>;
  readonly #apiKey: string;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #stopTimeoutMs: number;
  readonly #keepAlive: boolean;
  readonly #verifier: RolloutVerifier | undefined;
  /** Rollouts are not the host's calls: they are counted apart from the client's counters. */
  readonly #counters = new CallCounters();
  readonly #stopping = new AbortController();
  /** Aborted when stop() gives up on running jobs: they must not report any more. */
  readonly #abandoning = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  // inFlight is read from the set when asked for, so it is not kept here.
  readonly #stats: Omit<RolloutWorkerStats, 'inFlight'> = (({ inFlight: _, ...counts }) => counts)(
    IDLE_WORKER_STATS,
  );
  readonly #loop: Promise<void>;
  #stopped: Promise<void> | undefined;

  constructor(ctx: WorkerContext, fns: RolloutFunctions, options: RolloutWorkerOptions) {
    this.#ctx = ctx;
    if (typeof fns !== 'object' || fns === null)
      throw new TypeError('arc.worker needs an object of functions');
    const entries = Object.entries(fns);
    if (entries.length === 0 || entries.length > MAX_FUNCTIONS) {
      throw new TypeError(`arc.worker needs from 1 to ${MAX_FUNCTIONS} functions`);
    }
    // Jobs name functions as they are tracked: with any secret in the name replaced.
    const byTrackedName = new Map<string, AnyFunction>();
    for (const [name, fn] of entries) {
      const tracked = trackedName(name, ctx.runtime.capture);
      if (typeof fn !== 'function') throw new TypeError(`arc.worker: '${name}' is not a function`);
      const registered = ctx.tracked(tracked);
      if (registered !== undefined && registered.replayArgs === undefined) {
        throw new TypeError(
          `arc.worker: '${name}' records a custom input; give it the track option replayArgs so rollouts can rebuild its arguments`,
        );
      }
      // A tracked wrapper would track the replay as a production call and apply the deployed fixes.
      byTrackedName.set(tracked, untracked(fn));
    }
    this.#fns = byTrackedName;
    // Rollouts apply the fixes promoted for the other patterns of a function. The server names them
    // in each job; for an older server that does not, keep them fetched.
    for (const name of this.#fns.keys()) ctx.runtime.watch(name);
    this.#concurrency = integerIn(options.concurrency, 2, 1, MAX_CONCURRENCY, 'concurrency');
    this.#leaseMs = integerIn(options.leaseMs, 60_000, 1_000, 3_600_000, 'leaseMs');
    this.#pollMs = integerIn(options.pollIntervalMs, 1_000, 1, 3_600_000, 'pollIntervalMs');
    this.#stopTimeoutMs = integerIn(options.stopTimeoutMs, 10_000, 0, 3_600_000, 'stopTimeoutMs');
    if (options.verifier !== undefined && typeof options.verifier !== 'function') {
      throw new TypeError('arc.worker: verifier must be a function');
    }
    this.#verifier = options.verifier;
    const workerId = options.workerId ?? `worker-${globalThis.crypto.randomUUID()}`;
    if (typeof workerId !== 'string' || workerId === '' || workerId.length > MAX_WORKER_ID) {
      throw new TypeError(
        `arc.worker: workerId must be a non-empty string of at most ${MAX_WORKER_ID} characters`,
      );
    }
    this.workerId = captureIdentifier(workerId, MAX_WORKER_ID, ctx.runtime.capture);
    if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === '')) {
      throw new TypeError('arc.worker: apiKey must be a non-empty string');
    }
    this.#apiKey = options.apiKey ?? ctx.apiKey;
    this.#keepAlive = options.keepAlive === true;
    this.#loop = ctx.closed === true ? Promise.resolve() : this.#run();
  }

  stats(): RolloutWorkerStats {
    return { ...this.#stats, inFlight: this.#inFlight.size };
  }

  stop({ timeoutMs = this.#stopTimeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    this.#stopped ??= this.#shutdown(timeoutMs);
    return this.#stopped;
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
    if (this.#inFlight.size > 0) {
      const done = new AbortController();
      await Promise.race([Promise.all(this.#inFlight), this.#sleep(timeoutMs, done.signal)]);
      done.abort();
    }
    if (this.#inFlight.size > 0) {
      this.#stats.abandoned += this.#inFlight.size;
      this.#abandoning.abort();
    }
  }

  async #run(): Promise<void> {
    const signal = this.#stopping.signal;
    const functions = [...this.#fns.keys()];
    let failures = 0;
    while (!signal.aborted) {
      try {
        const free = this.#concurrency - this.#inFlight.size;
        if (free <= 0) {
          // Wakes when a job ends; the sleep is ended too, so no listener outlives the wait.
          const woken = new AbortController();
          await Promise.race([
            ...this.#inFlight,
            this.#sleep(this.#leaseMs, AbortSignal.any([signal, woken.signal])),
          ]);
          woken.abort();
          continue;
        }
        const leased = await this.#lease(functions, free);
        if ('error' in leased) {
          if (signal.aborted) break;
          failures++;
          this.#stats.leaseErrors++;
          this.#stats.lastError = `lease: ${leased.error}`;
          const backoff = backoffDelayMs(
            failures,
            {
              baseDelayMs: this.#pollMs,
              maxDelayMs: Math.max(this.#pollMs, MAX_BACKOFF_MS),
              jitter: 'equal',
            },
            this.#ctx.runtime.random,
          );
          await this.#sleep(Math.max(backoff, leased.retryAfterMs ?? 0), signal);
          continue;
        }
        failures = 0;
        for (const job of leased.jobs) {
          const running = this.#execute(job, leased.deadline)
            .catch((error: unknown) => this.#ctx.runtime.internalError(error))
            .finally(() => this.#inFlight.delete(running));
          this.#inFlight.add(running);
        }
        // Fewer jobs than asked for: the queue is empty for now.
        if (leased.jobs.length < free) await this.#sleep(this.#pollMs, signal);
      } catch (error) {
        // Only a bug of ours lands here; the loop carries on after a pause.
        this.#ctx.runtime.internalError(error);
        await this.#sleep(this.#pollMs, signal);
      }
    }
  }

  /** Leased jobs and when they must be reported by (local clock), or why none could be leased. */
  async #lease(
    functions: string[],
    max: number,
  ): Promise<{ jobs: RolloutJob[]; deadline: number } | { error: string; retryAfterMs?: number }> {
    const startedAt = Date.now();
    const reply = await this.#post(
      '/v1/rollouts/lease',
      { workerId: this.workerId, functions, max, leaseMs: this.#leaseMs },
      this.#ctx.requestTimeoutMs,
      this.#stopping.signal,
    );
    if (!reply.ok) return { error: reply.error };
    if (reply.status !== 200) {
      return {
        error: `HTTP ${reply.status}`,
        ...(reply.retryAfterMs !== undefined ? { retryAfterMs: reply.retryAfterMs } : {}),
      };
    }
    const list = (reply.body as { jobs?: unknown } | null)?.jobs;
    if (!Array.isArray(list)) return { error: 'the answer has no jobs array' };
    const jobs: RolloutJob[] = [];
    for (const item of list) {
      const parsed = parseRolloutJob(item);
      if (parsed.ok && this.#fns.has(parsed.value.function)) {
        jobs.push(parsed.value);
      } else {
        this.#stats.invalidJobs++;
        this.#stats.lastError = parsed.ok
          ? `job for unknown function ${parsed.value.function}`
          : `invalid job: ${parsed.field} ${parsed.error}`;
      }
    }
    this.#stats.leased += jobs.length;
    // The server's lease began after the request left, so this local deadline falls before the
    // real one whatever the clocks say; the margin leaves time for the result to travel.
    const margin = Math.min(1_000, this.#leaseMs / 10);
    return { jobs, deadline: startedAt + this.#leaseMs - margin };
  }

  async #execute(job: RolloutJob, deadline: number): Promise<void> {
    const started = performance.now();
    const scored = await this.#withinLease(this.#score(job), deadline);
    if (this.#abandoning.signal.aborted) return;
    if (scored === EXPIRED || Date.now() >= deadline) {
      // The run goes on unobserved (a host function cannot be cancelled); its result would be refused.
      this.#stats.expired++;
      return;
    }
    if (scored.reward === 0 && scored.error !== undefined) this.#stats.failedRuns++;
    await this.#report(job, scored, performance.now() - started, deadline);
  }

  /** What `scoring` settles to, or EXPIRED once the lease runs out (or the job is abandoned). */
  async #withinLease(scoring: Promise<Outcome>, deadline: number): Promise<Outcome | typeof EXPIRED> {
    const settled = new AbortController();
    try {
      return await Promise.race([
        scoring,
        this.#sleep(
          deadline - Date.now(),
          AbortSignal.any([settled.signal, this.#abandoning.signal]),
          EXPIRED,
        ),
      ]);
    } finally {
      settled.abort();
    }
  }

  /** Runs the job and scores it; never rejects. */
  async #score(job: RolloutJob): Promise<Outcome> {
    const rt = this.#ctx.runtime;
    try {
      const fn = this.#fns.get(job.function)!;
      const tracked = this.#ctx.tracked(job.function);
      const runnerOptions = tracked?.runner ?? {};
      if (job.fix !== null && runnerOptions.callShape === undefined && fixParts(job.fix).some(changesCall)) {
        // In production the fix could not take effect either (track has no callShape for it).
        return {
          reward: 0,
          error: `the fix changes the call, but '${job.function}' was tracked without a callShape`,
        };
      }
      const replayArgs = tracked === undefined ? argumentList : tracked.replayArgs;
      if (replayArgs === undefined) {
        return {
          reward: 0,
          error: `'${job.function}' records a custom input without the track option replayArgs`,
        };
      }
      let args: unknown;
      try {
        args = replayArgs(job.input);
      } catch (error) {
        return { reward: 0, error: `cannot rebuild the arguments: ${this.#describe(error)}` };
      }
      if (!Array.isArray(args)) {
        // Typed to return the arguments, an async replayArgs still returns a promise: its rejection goes nowhere.
        if (isThenable(args)) Promise.resolve(args).then(undefined, () => undefined);
        return { reward: 0, error: 'cannot rebuild the arguments: replayArgs returned no argument list' };
      }
      const recorder = new EventRecorder();
      // The call runs as production runs it: with the fixes promoted for the function's other
      // patterns (so an input that succeeds in production thanks to them succeeds here too, and a
      // candidate is judged on its own effect), and the candidate in place of whatever is deployed
      // for its own pattern. Canaries are left out: production has not settled on them yet. The
      // job names those fixes as they were when it was leased; an older server's job does not, and
      // the fix cache stands in.
      const deployed: DeployedFix[] =
        job.baseFixes === undefined
          ? rt.fixesFor(job.function).filter((f) => f.canaryShare >= 1 && f.patternId !== job.patternId)
          : [...job.baseFixes];
      if (job.fix !== null) {
        deployed.push({
          id: job.candidateId,
          version: 1,
          patternId: job.patternId,
          function: job.function,
          fix: job.fix,
          risk: riskOf(job.fix),
          confidence: 0,
          canaryShare: 1,
        });
      }
      const runtime: ArcRuntime = {
        capture: rt.capture,
        // Every outcome becomes an event, so a sync call's late verdict can be read from it.
        successSampleRate: 1,
        random: rt.random,
        retry: rt.retry,
        validatorTimeoutMs: rt.validatorTimeoutMs,
        // One call per job: its own limit, so the host's calls never leave a replay unvalidated.
        syncValidations: new PendingLimit(),
        counters: this.#counters,
        send: (event) => recorder.push(event),
        watch: () => undefined,
        fixesFor: () => deployed,
        internalError: (error) => rt.internalError(error),
        // The function's verify scores the replay as it scores production calls (the lease bounds it).
        verdicts: {
          remembering: false,
          returned: () => undefined,
          callIdOf: () => '',
          verify: (_call, run) => recorder.verify(runVerify(run, this.#leaseMs)),
        },
      };
      const runner = new CallRunner<unknown[], unknown>(runtime, job.function, fn, {
        ...runnerOptions,
        // The verifier wins over validators and verify; a failed validation is an exception here, reward 0.
        validators: this.#verifier === undefined ? (runnerOptions.validators ?? []) : [],
        verify: this.#verifier === undefined ? runnerOptions.verify : undefined,
        onCall: undefined,
        throwOnInvalid: true,
      });
      let output: unknown;
      try {
        const result = isClass(fn) ? runner.construct(fn, args) : runner.run(undefined, args);
        if (isThenable(result)) {
          output = await result;
        } else {
          output = result;
          if (recorder.last?.kind !== 'success' && recorder.verified === undefined) {
            // A sync function with async validators returns before their verdict, which follows as an event.
            await recorder.next();
            const verdict = recorder.last;
            if (verdict?.kind === 'failure') {
              return { reward: 0, error: `${verdict.error?.type}: ${verdict.error?.message}` };
            }
          }
        }
      } catch (error) {
        return { reward: 0, error: this.#describe(error) };
      }
      if (recorder.verified !== undefined) {
        const judged = await recorder.verified;
        if (!judged.ok) return { reward: 0, output: captureValue(output, rt.capture), error: judged.error };
        return { reward: judged.verdict.score, output: captureValue(output, rt.capture) };
      }
      const reward = this.#verifier === undefined ? 1 : await this.#verify(output, args, job);
      return typeof reward === 'number'
        ? { reward, output: captureValue(output, rt.capture) }
        : { reward: 0, output: captureValue(output, rt.capture), error: reward.error };
    } catch (error) {
      rt.internalError(error);
      return { reward: 0, error: `arc internal error: ${this.#describe(error)}` };
    }
  }

  async #verify(output: unknown, args: unknown[], job: RolloutJob): Promise<number | { error: string }> {
    try {
      const reward = await this.#verifier!(output, args, job);
      if (typeof reward === 'number' && reward >= 0 && reward <= 1) return reward;
      return { error: `the verifier returned ${String(reward)}, not a number in [0, 1]` };
    } catch (error) {
      return { error: `the verifier threw: ${this.#describe(error)}` };
    }
  }

  async #report(job: RolloutJob, outcome: Outcome, durationMs: number, deadline: number): Promise<void> {
    const body: Record<string, unknown> = {
      workerId: this.workerId,
      reward: outcome.reward,
      durationMs: Math.max(0, durationMs),
    };
    if (outcome.output !== undefined) body.output = outcome.output;
    // Redacted here too: a verifier's odd answer is quoted as the host gave it.
    if (outcome.error !== undefined)
      body.error = captureText(outcome.error, MAX_ERROR_TEXT, this.#ctx.runtime.capture);
    const path = `/v1/rollouts/${encodeURIComponent(job.id)}/result`;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - Date.now();
      if (this.#abandoning.signal.aborted) return;
      if (remaining <= 0) {
        this.#stats.expired++;
        return;
      }
      const reply = await this.#post(
        path,
        body,
        Math.min(this.#ctx.requestTimeoutMs, remaining),
        this.#abandoning.signal,
      );
      if (reply.ok && reply.status === 200) {
        this.#stats.reported++;
        return;
      }
      if (reply.ok && (reply.status === 404 || reply.status === 409)) {
        this.#stats.refused++;
        return;
      }
      if (reply.ok && reply.status === 413 && 'output' in body) {
        // The output is a courtesy; the reward is what the learner needs.
        delete body.output;
        continue;
      }
      this.#stats.reportErrors++;
      this.#stats.lastError = `report: ${reply.ok ? `HTTP ${reply.status}` : reply.error}`;
      const retryable = !reply.ok || reply.status === 408 || reply.status === 429 || reply.status >= 500;
      if (!retryable || attempt >= REPORT_ATTEMPTS) return;
      const wait =
        (reply.ok ? reply.retryAfterMs : undefined) ??
        backoffDelayMs(
          attempt,
          { baseDelayMs: 200, maxDelayMs: 2_000, jitter: 'equal' },
          this.#ctx.runtime.random,
        );
      await this.#sleep(Math.min(wait, deadline - Date.now()), this.#abandoning.signal);
    }
  }

  async #post(path: string, body: unknown, timeoutMs: number, cancel: AbortSignal): Promise<Reply> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    if (!this.#keepAlive) timer.unref?.();
    try {
      const signal = AbortSignal.any([timeout.signal, cancel]);
      const response = await abortable(
        this.#ctx.fetch(`${this.#ctx.endpoint}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#apiKey}` },
          body: JSON.stringify(body),
          signal,
        }),
        signal,
      );
      const retryAfterMs = retryAfterOf(response);
      let parsed: unknown = null;
      if (response.status === 200) {
        const body = await readBoundedJson(response, MAX_REPLY_BYTES, signal);
        if (!body.ok) return { ok: false, error: body.error };
        parsed = body.value;
      } else {
        discardBody(response);
      }
      return { ok: true, status: response.status, body: parsed, retryAfterMs };
    } catch (error) {
      return {
        ok: false,
        error: timeout.signal.aborted ? `timed out after ${timeoutMs} ms` : this.#describe(error),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves with `value` after `ms`, or at once when `signal` aborts. */
  #sleep<T = undefined>(ms: number, signal: AbortSignal, value?: T): Promise<T> {
    return new Promise((resolve) => {
      if (signal.aborted || ms <= 0) {
        resolve(value as T);
        return;
      }
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve(value as T);
      };
      const timer = setTimeout(done, ms);
      if (!this.#keepAlive) timer.unref?.();
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #describe(error: unknown): string {
    const described = describeError(error, this.#ctx.runtime.capture);
    return `${described.type}: ${described.message}`;
  }
}

/** Starts a worker; malformed options throw a TypeError here, nothing after does. */
export function startRolloutWorker(
  ctx: WorkerContext,
  fns: RolloutFunctions,
  options: RolloutWorkerOptions = {},
): RolloutWorker {
  return new Worker(ctx, fns, options);
}

/** The worker of a disabled client: it leases nothing. */
export const IDLE_WORKER_STATS: Readonly<RolloutWorkerStats> = Object.freeze({
  leased: 0,
  reported: 0,
  failedRuns: 0,
  refused: 0,
  expired: 0,
  abandoned: 0,
  invalidJobs: 0,
  leaseErrors: 0,
  reportErrors: 0,
  inFlight: 0,
  lastError: null,
});

/**
 * Whether `fn` is a class: called without `new` it throws before any of its code runs, so a call of
 * it that was recorded was a `new`. Events do not say whether a call was one; a constructor function
 * (callable both ways) is replayed as a call, and a subclass's construction as the class's own.
 */
function isClass(fn: AnyFunction): boolean {
  // Not a method named `class`, whose source begins `class(`.
  return /^class(\s*\{|\s+[^(\s])/.test(Function.prototype.toString.call(fn));
}
