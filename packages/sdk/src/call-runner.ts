// Runs one tracked call: applies the deployed fixes it is assigned, makes the attempt, repairs
// and validates the output, reports the outcome, and retries when a fix calls for it.
//
// Two rules shape every line. The host's function runs exactly as it would without Arc: a sync
// result is returned synchronously, its own errors reach the caller as the same objects, `this`
// is passed through. And Arc's own work is guarded: anything of ours that throws is counted as an
// internal error and the call carries on as if Arc were not there.

import {
  CANARY_ARM_TAG,
  CANARY_ATTEMPT_TAG,
  CANARY_FIX_IDS_TAG,
  type CanaryAttempt,
  type DeployedFix,
  fixParts,
  type JsonSchema,
  RESCUE_FIX_ID_TAG,
  type SimpleFix,
} from '@arc-agent/core';
import type { ArcEvent } from './arc-event.js';
import type { ArcRuntime } from './arc-runtime.js';
import { groupKey, type OutcomeGroup } from './call-counters.js';
import type { CallShape } from './call-shape.js';
import { canaryArm } from './canary-assignment.js';
import { type AttemptRecord, captureTags, failureEvent, successEvent } from './capture-context.js';
import { classifyFailure } from './failure-classification.js';
import { applyCallFixes, applyOutputFixes, changesCall } from './fix-appliers/apply-fixes.js';
import { retryPolicyCovers, retryPolicyDelayMs } from './fix-appliers/retry-policy.js';
import type { ReturnedCall } from './recent-calls.js';
import { isInstanceOf, isThenable } from './safe-checks.js';
import type { AnyFunction } from './track.js';
import {
  NOT_VALIDATED,
  type OutputValidator,
  ValidationError,
  type ValidationLimits,
  validateOutput,
} from './validators.js';

/** Where output repair and validators look inside a function's result (the whole result by default). */
export interface OutputShape<R, V = unknown> {
  get(output: R): V;
  set(output: R, value: V): R;
}

export interface RunnerOptions<A extends readonly unknown[], R> {
  // biome-ignore lint/suspicious/noExplicitAny: validators are typed by the public option types that feed this
  validators?: readonly OutputValidator<any, A>[];
  throwOnInvalid?: boolean;
  callShape?: CallShape<A>;
  output?: OutputShape<Awaited<R>, unknown>;
  /** Identifies the call for canary assignment (a user, a conversation); a per-function counter by default. */
  callKey?: (args: A) => string;
  /** What an event records as the call's input; the arguments by default. */
  input?: (args: A) => unknown;
  tags?: Readonly<Record<string, string>>;
  /**
   * Turns the (repaired) output into what validators check, e.g. JSON text into a value. A parse
   * failure is a failed call like a failed validation: reported, and the output still returned
   * unless `throwOnInvalid`. Must not throw.
   */
  parse?: (value: unknown, args: A) => ParseOutcome;
  /** False when the result is opaque (a stream): no repair, no validation. Default true. */
  outputStage?: boolean;
  /** The declared output schema, already checked (declared-output-schema.ts); failure events carry it. */
  outputSchema?: JsonSchema;
  /** Names the call for verdicts (a request id); generated otherwise. */
  callId?: (args: A) => string;
  /** Scores a call that returned and passed its validators, from what validators check; see track's `verify`. */
  verify?: (value: unknown, args: A) => unknown;
  /** Told each call that returned, with its id (for `arc.feedback`). */
  onCall?: (call: { callId: string; args: A; output: unknown }) => void;
}

export type ParseOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * A parser's verdict as the runner takes it: what `parse` returns, or what it throws. Parsing is
 * synchronous: a promise in its place is a failed parse, and its rejection is handled here so it
 * cannot escape as an unhandled rejection.
 */
export function parseOutcome(parse: () => unknown): ParseOutcome {
  try {
    const value = parse();
    if (!isThenable(value)) return { ok: true, value };
    Promise.resolve(value).then(undefined, () => undefined);
    return { ok: false, error: new TypeError('parse returned a promise; it must return the parsed value') };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The fixes a call gets and the arguments they produce; a plan lives as long as its call. */
export interface CallPlan<A extends readonly unknown[]> {
  readonly original: A;
  args: A;
  applied: readonly DeployedFix[];
  parts: readonly SimpleFix[];
  tags: Record<string, string>;
  group: OutcomeGroup;
  /** The one retry with a fix the call did not get has been used. */
  rescued: boolean;
  policyRetries: number;
  /** performance.now() when the first attempt began (-1 before). */
  startedAt: number;
  /** Set when the call is a `new`: what `new.target` is to the function (construct). */
  newTarget: AnyFunction | undefined;
}

interface Attempt {
  n: number;
  /** performance.now() when the attempt began. */
  t0: number;
}

interface Retry {
  delayMs: number;
}

/** A result on its way back: what the caller gets, what is checked, and why it is invalid if it is. */
interface Stage {
  returned: unknown;
  checked: unknown;
  /** The part of the result the output shape picks, repaired (what `parse` was given). */
  shaped?: unknown;
  invalid?: unknown;
}

const NO_FIXES: readonly DeployedFix[] = Object.freeze([]);
const NO_PARTS: readonly SimpleFix[] = Object.freeze([]);

/** The patterns of the canaries among a call's fixes (those it is in the treatment of). */
function canaryPatterns(applied: readonly DeployedFix[]): Set<string> {
  return new Set(applied.filter((f) => f.canaryShare < 1).map((f) => f.patternId));
}

/**
 * Whether a promoted fix is one that a canary the call gets replaces: the canary's treatment runs
 * its fix in place of the one promoted for its pattern, as the learner's replays judged it and as
 * promoting it leaves production (the older fix is superseded then), so it is tested as it will run.
 */
function isReplaced(fix: DeployedFix, canaries: ReadonlySet<string>): boolean {
  return fix.canaryShare >= 1 && canaries.has(fix.patternId);
}

/**
 * How often failure events repeat the declared output schema. The server keeps the latest per
 * function, so one event now and then suffices, and repeating it recovers from an event that was
 * dropped or rejected; on every event it would weigh on each batch.
 */
export const OUTPUT_SCHEMA_RESEND_MS = 60_000;

function sleep(ms: number): Promise<void> {
  // Not unref'd: the host is awaiting this call, so the process must stay up for the retry.
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class CallRunner<A extends readonly unknown[], R> {
  readonly #rt: ArcRuntime;
  readonly #name: string;
  readonly #fn: (...args: A) => R;
  readonly #options: RunnerOptions<A, R>;
  readonly #validators: readonly OutputValidator<unknown, A>[];
  readonly #tags: Record<string, string>;
  readonly #group: OutcomeGroup;
  /** No validators and no parsing: a result needs no output stage unless a fix repairs it. */
  readonly #plain: boolean;
  #calls = 0;
  /** performance.now() when a failure event last carried the declared output schema. */
  #schemaSentAt = Number.NEGATIVE_INFINITY;

  constructor(rt: ArcRuntime, name: string, fn: (...args: A) => R, options: RunnerOptions<A, R> = {}) {
    this.#rt = rt;
    this.#name = name;
    this.#fn = fn;
    this.#options = options;
    this.#validators = options.validators ?? [];
    this.#tags = captureTags(options.tags, rt.capture);
    this.#group = { function: name, fixIds: [], tags: this.#tags, key: groupKey(name, [], this.#tags) };
    this.#plain =
      this.#validators.length === 0 && options.parse === undefined && options.verify === undefined;
    this.#guard(undefined, () => rt.watch(name));
  }

  /** Decides which deployed fixes this call gets (canary arms included) and applies them to its arguments. */
  plan(args: A): CallPlan<A> {
    const plan: CallPlan<A> = {
      original: args,
      args,
      applied: NO_FIXES,
      parts: NO_PARTS,
      tags: this.#tags,
      group: this.#group,
      rescued: false,
      policyRetries: 0,
      startedAt: -1,
      newTarget: undefined,
    };
    try {
      const deployed = this.#rt.fixesFor(this.#name);
      if (deployed.length > 0) this.#assign(plan, deployed);
    } catch (error) {
      this.#internalError(error);
    }
    return plan;
  }

  #assign(plan: CallPlan<A>, deployed: readonly DeployedFix[]): void {
    let key: string | undefined;
    const applied: DeployedFix[] = [];
    const canaries: string[] = [];
    let treated = false;
    for (const fix of deployed) {
      if (!this.#applicable(fix)) continue;
      if (fix.canaryShare < 1) {
        // The call key is computed only when a canary needs it.
        key ??= this.#options.callKey
          ? String(this.#unawaited(this.#options.callKey(plan.original)))
          : String(++this.#calls);
        canaries.push(fix.id);
        if (canaryArm(fix.id, key, fix.canaryShare) === 'control') continue;
        treated = true;
      }
      applied.push(fix);
    }
    if (canaries.length > 0) {
      plan.tags = {
        ...this.#tags,
        [CANARY_ARM_TAG]: treated ? 'treatment' : 'control',
        [CANARY_FIX_IDS_TAG]: canaries.join(','),
        // Every attempt ends the call unless a retry follows; a failed one that is retried says so.
        [CANARY_ATTEMPT_TAG]: 'final' satisfies CanaryAttempt,
      };
    }
    const replaced = canaryPatterns(applied);
    this.#setFixes(plan, replaced.size === 0 ? applied : applied.filter((f) => !isReplaced(f, replaced)));
  }

  /** Runs the call; `plan` when the fixes were decided earlier (an integration's transform step). */
  run(thisArg: unknown, args: A, plan: CallPlan<A> = this.plan(args)): R {
    return this.#attempt(thisArg, plan, 1);
  }

  /** Runs the call as `new` would, `newTarget` being the function itself or a subclass of it. */
  construct(newTarget: AnyFunction, args: A): R {
    const plan = this.plan(args);
    plan.newTarget = newTarget;
    return this.#attempt(undefined, plan, 1);
  }

  #attempt(thisArg: unknown, plan: CallPlan<A>, n: number): R {
    const attempt: Attempt = { n, t0: performance.now() };
    if (plan.startedAt < 0) plan.startedAt = attempt.t0;
    let result: R;
    try {
      result = (
        plan.newTarget === undefined
          ? Reflect.apply(this.#fn, thisArg, plan.args)
          : Reflect.construct(this.#fn, plan.args, plan.newTarget)
      ) as R;
    } catch (error) {
      return this.#failed(thisArg, plan, attempt, error, true);
    }
    if (!isThenable(result)) return this.#succeeded(thisArg, plan, attempt, result, true) as R;
    if (!isInstanceOf(result, Promise) && !this.#guard(true, () => this.#controlsOutcome(plan))) {
      // A thenable of another class (an SDK's promise with extra methods) is handed back as it is
      // when Arc has nothing to change about its outcome; Arc only watches it settle.
      Promise.resolve(result).then(
        (output) => this.#succeeded(thisArg, plan, attempt, output, false),
        (error) => this.#observeFailure(plan, attempt, error),
      );
      return result;
    }
    try {
      return Promise.resolve(result).then(
        (output) => this.#succeeded(thisArg, plan, attempt, output, false),
        (error) => this.#failed(thisArg, plan, attempt, error, false),
      ) as R;
    } catch (error) {
      // A promise whose `constructor` or own `then` throws cannot be followed: the host gets it as it is.
      this.#internalError(error);
      return result;
    }
  }

  #succeeded(thisArg: unknown, plan: CallPlan<A>, attempt: Attempt, output: unknown, sync: boolean): unknown {
    if (this.#plain && plan.parts.length === 0) {
      // The common case, kept lean: nothing to repair or check, only a success to count.
      try {
        this.#reportSuccess(plan, attempt, output);
        this.#returned(plan, attempt, { returned: output, checked: output });
      } catch (error) {
        this.#internalError(error);
      }
      return output;
    }
    const ended = performance.now();
    const stage = this.#guard<Stage>({ returned: output, checked: output }, () =>
      this.#outputStage(plan, output),
    );
    if (stage.invalid !== undefined || this.#validators.length === 0) {
      return this.#judged(thisArg, plan, attempt, stage, ended, sync);
    }
    // A sync call returns before an async verdict, so that wait must not keep the process alive.
    const limits: ValidationLimits = {
      timeoutMs: this.#rt.validatorTimeoutMs,
      keepAlive: !sync,
      ...(sync && { pending: this.#rt.syncValidations }),
    };
    const verdict = this.#guard(undefined, () =>
      validateOutput(this.#validators, stage.checked, plan.original, limits),
    );
    if (verdict === NOT_VALIDATED) {
      // Each async verdict still waiting holds its call's output: past the bound a call is left unvalidated.
      this.#guard(undefined, () => this.#rt.counters.unvalidated(this.#name));
      return stage.returned;
    }
    if (verdict instanceof Promise) {
      const judged = verdict.then((failure) => ({
        ...stage,
        invalid: failure && new ValidationError(failure),
      }));
      if (sync) {
        // A sync call cannot wait for an async validator: it returns now and the verdict is reported when known.
        this.#rt.syncValidations.wait(judged).then((late) =>
          this.#guard(undefined, () => {
            if (late.invalid) this.#reportFailure(plan, attempt, late.invalid, late.checked, ended);
            else {
              this.#reportSuccess(plan, attempt, late.returned, ended);
              this.#returned(plan, attempt, late);
            }
          }),
        );
        return stage.returned;
      }
      return judged.then((late) => this.#judged(thisArg, plan, attempt, late, ended, false));
    }
    stage.invalid = verdict && new ValidationError(verdict);
    return this.#judged(thisArg, plan, attempt, stage, ended, sync);
  }

  #judged(
    thisArg: unknown,
    plan: CallPlan<A>,
    attempt: Attempt,
    stage: Stage,
    ended: number,
    sync: boolean,
  ): unknown {
    if (stage.invalid === undefined) {
      this.#guard(undefined, () => {
        this.#reportSuccess(plan, attempt, stage.returned, ended);
        this.#returned(plan, attempt, stage);
      });
      return stage.returned;
    }
    const error = stage.invalid;
    const retry = this.#afterFailure(plan, attempt, error, sync, stage.checked, ended);
    if (retry !== undefined) return this.#retry(thisArg, plan, attempt.n, retry, sync);
    if (this.#options.throwOnInvalid) throw error;
    return stage.returned;
  }

  #observeFailure(plan: CallPlan<A>, attempt: Attempt, error: unknown): void {
    try {
      this.#reportFailure(plan, attempt, error);
    } catch (internal) {
      this.#internalError(internal);
    }
  }

  #failed(thisArg: unknown, plan: CallPlan<A>, attempt: Attempt, error: unknown, sync: boolean): R {
    const retry = this.#afterFailure(plan, attempt, error, sync);
    if (retry !== undefined) return this.#retry(thisArg, plan, attempt.n, retry, sync) as R;
    throw error;
  }

  /**
   * Reports a failed attempt that may be retried and decides whether it is. The retry is planned
   * before the event leaves, so that a canary call's event can say whether it ended the call: the
   * server counts each call once, at its final attempt.
   */
  #afterFailure(
    plan: CallPlan<A>,
    attempt: Attempt,
    error: unknown,
    sync: boolean,
    output?: unknown,
    ended?: number,
  ): Retry | undefined {
    const event = this.#guard(undefined, () => this.#failureEvent(plan, attempt, error, output, ended));
    const retry = this.#guard(undefined, () => this.#planRetry(plan, attempt.n, event, sync));
    if (event !== undefined) {
      this.#guard(undefined, () => {
        if (retry !== undefined && event.tags?.[CANARY_ATTEMPT_TAG] !== undefined) {
          event.tags[CANARY_ATTEMPT_TAG] = 'retried' satisfies CanaryAttempt;
        }
        this.#rt.send(event);
      });
    }
    return retry;
  }

  #retry(thisArg: unknown, plan: CallPlan<A>, n: number, retry: Retry, sync: boolean): unknown {
    this.#guard(undefined, () => this.#rt.counters.retry(this.#name));
    if (sync || retry.delayMs <= 0) return this.#attempt(thisArg, plan, n + 1);
    return sleep(retry.delayMs).then(() => this.#attempt(thisArg, plan, n + 1));
  }

  /**
   * Output repair on the part of the result that is checked (the result is rebuilt only when
   * repair changed it), then parsing; `invalid` is set when parsing failed.
   */
  #outputStage(plan: CallPlan<A>, output: unknown): Stage {
    if (this.#options.outputStage === false) return { returned: output, checked: output };
    const shape = this.#options.output;
    let checked = shape ? shape.get(output as Awaited<R>) : output;
    let returned = output;
    if (plan.parts.some((p) => p.type === 'output_repair')) {
      const repaired = applyOutputFixes(checked, plan.parts);
      if (repaired !== checked) {
        returned = shape ? shape.set(output as Awaited<R>, repaired) : repaired;
        checked = repaired;
      }
    }
    const parsed = this.#options.parse?.(checked, plan.original);
    if (parsed === undefined) return { returned, checked, shaped: checked };
    return parsed.ok
      ? { returned, checked: parsed.value, shaped: checked }
      : { returned, checked, invalid: parsed.error };
  }

  /** Whether Arc may change the outcome of this call (so it must stand between the host and the result). */
  #controlsOutcome(plan: CallPlan<A>): boolean {
    return (
      this.#validators.length > 0 ||
      this.#options.parse !== undefined ||
      plan.parts.length > 0 ||
      this.#rt.fixesFor(this.#name).length > 0
    );
  }

  #record(plan: CallPlan<A>, attempt: Attempt, ended: number): AttemptRecord {
    const durationMs = ended - attempt.t0;
    return {
      function: this.#name,
      input: this.#recordedInput(plan.original),
      // Wall-clock start, from the monotonic duration; read only when an event is sent.
      startedAt: Math.round(Date.now() - (performance.now() - attempt.t0)),
      durationMs,
      attempt: attempt.n,
      fixIds: plan.group.fixIds,
      tags: plan.tags,
    };
  }

  /** Rescued calls are rare and say whether fixes work, so they are always sampled. */
  #sampled(attempt: Attempt): boolean {
    return attempt.n > 1 || this.#rt.random() < this.#rt.successSampleRate;
  }

  #reportSuccess(plan: CallPlan<A>, attempt: Attempt, output: unknown, ended?: number): void {
    // A verified call's example travels with its verdict (feedback-reporter.ts), never as a success
    // event: one judged wrong must not become a successful example.
    const sampled = this.#options.verify === undefined && this.#sampled(attempt);
    this.#rt.counters.success(plan.group, sampled);
    if (sampled) {
      const record = this.#record(plan, attempt, ended ?? performance.now());
      this.#rt.send(successEvent(record, output, this.#rt.capture));
    }
  }

  /**
   * A call that returned and passed its checks: remembered for verdicts after the fact, shown to
   * `onCall`, and judged by `verify` (which gets what validators check).
   */
  #returned(plan: CallPlan<A>, attempt: Attempt, stage: Stage): void {
    const { returned: output, checked } = stage;
    const verdicts = this.#rt.verdicts;
    const { verify, onCall } = this.#options;
    if (verdicts === undefined || (!verdicts.remembering && verify === undefined && onCall === undefined))
      return;
    const call: ReturnedCall = {
      name: this.#callName(plan.original),
      seq: 0,
      function: this.#name,
      input: this.#recordedInput(plan.original),
      // The part of the result output repair works on (a model's text), as failure events show it.
      output: 'shaped' in stage ? stage.shaped : output,
      tags: plan.tags,
      fixIds: plan.group.fixIds,
      startedAt: plan.startedAt,
      sampled: verify !== undefined && this.#sampled(attempt),
    };
    verdicts.returned(call);
    if (onCall !== undefined) {
      const callId = verdicts.callIdOf(call);
      this.#guard(undefined, () => this.#unawaited(onCall({ callId, args: plan.original, output })));
    }
    if (verify !== undefined) verdicts.verify(call, () => verify(checked, plan.original), verify);
  }

  /** The host's name for the call when it gives a usable one; undefined lets Arc number it. */
  #callName(args: A): string | undefined {
    const named = this.#options.callId;
    if (named === undefined) return undefined;
    const id = this.#guard<unknown>(undefined, () => this.#unawaited(named(args)));
    if (typeof id === 'string' && id !== '') return id;
    if (id !== undefined) this.#internalError(new TypeError('track: callId must return a non-empty string'));
    return undefined;
  }

  /** Reports a failed attempt that ends its call. */
  #reportFailure(
    plan: CallPlan<A>,
    attempt: Attempt,
    error: unknown,
    output?: unknown,
    ended?: number,
  ): void {
    this.#rt.send(this.#failureEvent(plan, attempt, error, output, ended));
  }

  /** Counts a failed attempt and describes it; the caller sends the event. */
  #failureEvent(
    plan: CallPlan<A>,
    attempt: Attempt,
    error: unknown,
    output?: unknown,
    ended?: number,
  ): ArcEvent {
    this.#rt.counters.failure(this.#name);
    const record = this.#record(plan, attempt, ended ?? performance.now());
    const event = failureEvent(record, error, this.#rt.capture, output);
    const schema = this.#options.outputSchema;
    if (schema !== undefined) {
      const now = performance.now();
      if (now - this.#schemaSentAt >= OUTPUT_SCHEMA_RESEND_MS) {
        event.outputSchema = schema;
        this.#schemaSentAt = now;
      }
    }
    return event;
  }

  /**
   * Whether to try again, and when. First, once per call, a promoted fix the call did not get
   * (one promoted after the call's fixes were decided) whose confidence is high enough, the one for
   * the failure's pattern first. Never a canary's fix: the call's arm decides every fix it gets,
   * retries included, or a canary's control arm would be measured with the canary. Then the retry
   * policies among the call's fixes, with backoff (async calls only: a sync call cannot wait).
   * Attempts and total time are bounded whatever the fixes say.
   */
  #planRetry(plan: CallPlan<A>, n: number, event: ArcEvent | undefined, sync: boolean): Retry | undefined {
    const limits = this.#rt.retry;
    if (event === undefined || n >= limits.maxAttempts) return undefined;
    const elapsed = performance.now() - plan.startedAt;
    if (elapsed >= limits.maxTotalMs) return undefined;
    const deployed = this.#rt.fixesFor(this.#name);
    if (deployed.length === 0 && plan.parts.length === 0) return undefined;
    const failure = classifyFailure(event);
    if (limits.withFix && !plan.rescued) {
      const rescue = deployed
        .filter(
          (f) =>
            f.canaryShare >= 1 &&
            !plan.applied.some((a) => a.id === f.id) &&
            !isReplaced(f, canaryPatterns(plan.applied)) &&
            f.confidence >= limits.fixConfidence &&
            this.#applicable(f),
        )
        .sort(
          (a, b) =>
            Number(b.patternId === failure.patternId) - Number(a.patternId === failure.patternId) ||
            b.confidence - a.confidence,
        )[0];
      if (rescue !== undefined) {
        plan.rescued = true;
        plan.tags = { ...plan.tags, [RESCUE_FIX_ID_TAG]: rescue.id };
        this.#setFixes(plan, [...plan.applied, rescue]);
        return { delayMs: 0 };
      }
    }
    if (sync) return undefined;
    const policy = plan.parts.find(
      (p) => p.type === 'retry_policy' && n < p.maxAttempts && retryPolicyCovers(p, failure),
    );
    if (policy?.type !== 'retry_policy') return undefined;
    const delayMs = retryPolicyDelayMs(policy, ++plan.policyRetries, this.#rt.random);
    return elapsed + delayMs < limits.maxTotalMs ? { delayMs } : undefined;
  }

  /** A fix can take effect only whole: its call-side parts need to know where the call lives. */
  #applicable(fix: DeployedFix): boolean {
    return this.#options.callShape !== undefined || !fixParts(fix.fix).some(changesCall);
  }

  #setFixes(plan: CallPlan<A>, applied: readonly DeployedFix[]): void {
    const parts = applied.flatMap((f) => fixParts(f.fix));
    const shape = this.#options.callShape;
    // Computed before anything is set: a call shape or applier that throws leaves the plan as it was.
    plan.args =
      shape !== undefined && parts.some(changesCall)
        ? shape.set(
            plan.original,
            applyCallFixes(shape.get(plan.original), parts, this.#poolQuery(plan, parts)),
          )
        : plan.original;
    plan.applied = applied;
    plan.parts = parts;
    const fixIds = applied.map((f) => f.id);
    plan.group = {
      function: this.#name,
      fixIds,
      tags: plan.tags,
      key: groupKey(this.#name, fixIds, plan.tags),
    };
  }

  /** The recorded input, which pooled few-shot examples are chosen by; only worked out for them. */
  #poolQuery(plan: CallPlan<A>, parts: readonly SimpleFix[]): unknown {
    if (!parts.some((p) => p.type === 'few_shot' && p.nearest !== undefined)) return undefined;
    return this.#recordedInput(plan.original);
  }

  /** The call's input as events record it: what the `input` hook picks, or the arguments. */
  #recordedInput(args: A): unknown {
    return this.#options.input ? this.#unawaited(this.#options.input(args)) : args;
  }

  /**
   * What a hook Arc does not await returned (typed otherwise, it may still be a promise, as an
   * async function gives): a rejection of it is an internal error, never an unhandled rejection.
   */
  #unawaited<T>(result: T): T {
    if (isThenable(result))
      Promise.resolve(result).then(undefined, (error: unknown) => this.#internalError(error));
    return result;
  }

  #guard<T>(fallback: T, work: () => T): T {
    try {
      return work();
    } catch (error) {
      this.#internalError(error);
      return fallback;
    }
  }

  #internalError(error: unknown): void {
    try {
      this.#rt.internalError(error);
    } catch {
      // Reporting an internal error must not become one.
    }
  }
}
