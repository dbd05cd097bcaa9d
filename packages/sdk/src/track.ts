import type { Verdict } from '@arc-agent/core';
import type { ArcRuntime } from './arc-runtime.js';
import { CallRunner, type OutputShape, parseOutcome, type RunnerOptions } from './call-runner.js';
import type { CallShape } from './call-shape.js';
import { type CaptureOptions, captureIdentifier } from './capture-context.js';
import { declaredOutputSchema, type OutputSchemaOption } from './declared-output-schema.js';
import { type OutputValidator, validatorList } from './validators.js';

// biome-ignore lint/suspicious/noExplicitAny: the widest function type, so any function's own type is kept
export type AnyFunction = (this: any, ...args: any[]) => any;

// biome-ignore lint/suspicious/noExplicitAny: the widest constructor type, so any class's own type is kept
export type AnyConstructor = new (...args: any[]) => any;

/** A class's `new` as a function, for the options of a tracked class: its arguments, the instance as output. */
export type ConstructorCall<C extends AnyConstructor> = (
  ...args: ConstructorParameters<C>
) => InstanceType<C>;

/** What `verify` may answer: a verdict, a score in [0, 1], or a boolean (1 or 0). */
export type VerifyResult = Verdict | number | boolean;

/** A call that returned, as `onCall` is told of it. */
export interface ReturnedCallInfo<F extends AnyFunction> {
  /** The id to give `arc.feedback`: track's `callId`, or the one Arc generated. */
  callId: string;
  args: Parameters<F>;
  /** What the caller got. */
  output: Awaited<ReturnType<F>>;
}

/**
 * Options of `arc.track`. `V` is what validators and output repair look at: the awaited result,
 * or the part of it that `output` picks.
 */
export interface TrackOptions<F extends AnyFunction, V = Awaited<ReturnType<F>>> {
  /** Standard Schema objects (zod, valibot, …) or functions `(output, args) => true | 'what is wrong'`. */
  validators?: OutputValidator<V, Parameters<F>> | readonly OutputValidator<V, Parameters<F>>[];
  /** Throw a `ValidationError` to the caller when validation fails (by default the output is still returned). */
  throwOnInvalid?: boolean;
  /** Where the prompt, messages and parameters live in the arguments, so fixes can change them. */
  callShape?: CallShape<Parameters<F>>;
  /** The part of the result that output repair and validators work on. */
  output?: OutputShape<Awaited<ReturnType<F>>, V>;
  /**
   * Turns the output (after any deployed output repair) into what validators check, e.g. a
   * model's text into a tool call. Throwing means the output is invalid: the thrown error is the
   * failure Arc reports, and what the caller gets with `throwOnInvalid`. The caller still gets the
   * (repaired) output, not the parsed value. With it, a function can return the model's text and
   * leave parsing to Arc, so that output repair fixes reach the text before it is parsed.
   */
  parse?: (output: V, ...args: Parameters<F>) => unknown;
  /** Identifies a call for canary assignment (a user, a conversation); a counter by default. */
  callKey?: (...args: Parameters<F>) => string;
  /** What events record as the input; all arguments by default. */
  input?: (...args: Parameters<F>) => unknown;
  /**
   * Rebuilds the arguments from a recorded input, so that rollout workers (`arc.worker`) can
   * replay the call. Needed with `input`; by default the recorded input is the argument list.
   */
  replayArgs?: (input: unknown) => Parameters<F>;
  /** Sent with each event: at most 59 strings, keys of at most 200 characters, none named as Arc's own tags (`canary`, `arc.count`, …); others throw a TypeError here. */
  tags?: Record<string, string>;
  /**
   * The JSON Schema the output must satisfy: a JSON Schema object, or a zod 4 schema (any Standard
   * JSON Schema). Arc's learner can then propose fixes that force structured output against it
   * (constrained decoding) and coerce to it; without one it can only guess a schema from
   * successful outputs. It describes the JSON the model writes, which is what those fixes act on:
   * where the function parses the model's text into something else, declare the schema of the
   * text. Declaring is not validating (validators do that). Checked here: a TypeError when it is
   * not plain JSON data, nested deeper than 32 or longer than 32,768 characters as JSON.
   */
  outputSchema?: OutputSchemaOption;
  /**
   * Names each call for verdicts given later (`arc.feedback(id, verdict)`), e.g. a request id the
   * host already has; Arc generates one otherwise (read it in `onCall`). A throw or an empty name
   * falls back to a generated id (counted in `internalErrors`).
   */
  callId?: (...args: Parameters<F>) => string;
  /**
   * Scores each call that returned and passed `parse` and the validators, in-line but off the
   * call's path: the caller gets its result at once, and the verdict (`{ score, label?, message? }`,
   * a score in [0, 1] or a boolean; below the Arc's threshold, 0.5 by default, a wrong answer) is
   * reported like `arc.feedback`. Gets what validators check. A verify that throws, rejects, hangs
   * past `feedback.verifyTimeoutMs` or answers something else never affects the host: it is counted
   * (`stats().functions[name].verifyFailures`) and the call left unjudged, as is a call that finds
   * 1,000 runs of verify still unanswered (unless its verify answers at once). `arc.worker` scores this function's rollouts with it too.
   */
  verify?: (output: V, ...args: Parameters<F>) => VerifyResult | PromiseLike<VerifyResult>;
  /** Told of each call that returned, with the id `arc.feedback` takes; errors it throws, or rejects with, are contained. */
  onCall?: (call: ReturnedCallInfo<F>) => void;
}

/** A function as `track` wrapped it: what a rollout worker needs to run it exactly as its calls run. */
export interface TrackedFunction {
  /** The name it is tracked under, as trackedName gives it. */
  name: string;
  runner: RunnerOptions<unknown[], unknown>;
  /** From a recorded input to arguments; undefined when the input cannot be turned back into them. */
  replayArgs: ((input: unknown) => unknown[]) | undefined;
}

const originals = new WeakMap<AnyFunction, AnyFunction>();

/** The function a `track` wrapper wraps, or `fn` itself when it is no wrapper. */
export function untracked(fn: AnyFunction): AnyFunction {
  return originals.get(fn) ?? fn;
}

/** The recorded input is the argument list unless a track option picked something else. */
export function argumentList(input: unknown): unknown[] {
  if (!Array.isArray(input)) throw new TypeError('the recorded input is not an argument list');
  return input;
}

/** As the server takes function names. */
export const MAX_FUNCTION_NAME_LENGTH = 256;

/**
 * The name a function is tracked under: the host's, checked (a TypeError when it is no name), with
 * any secret in it replaced by a stable placeholder (captureIdentifier). Events, fix polling and
 * rollout leases all use this name, so they agree with each other and with the server.
 */
export function trackedName(name: unknown, capture: CaptureOptions): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_FUNCTION_NAME_LENGTH) {
    throw new TypeError(
      `tracked function name must be a non-empty string of at most ${MAX_FUNCTION_NAME_LENGTH} characters`,
    );
  }
  return captureIdentifier(name, MAX_FUNCTION_NAME_LENGTH, capture);
}

/**
 * Wraps `fn` so every call is tracked. The wrapper has `fn`'s type, name and length; it passes
 * `this` and the arguments through, returns synchronously when `fn` does, and rethrows `fn`'s
 * own error objects unchanged. With `new` it constructs as `fn` would, or throws JavaScript's
 * TypeError as `fn` would when `fn` is no constructor.
 */
export function trackFunction<F extends AnyFunction, V>(
  rt: ArcRuntime,
  name: string,
  fn: F,
  options: TrackOptions<F, V> = {},
  register?: (tracked: TrackedFunction) => void,
): F {
  const tracked = trackedName(name, rt.capture);
  if (typeof fn !== 'function') throw new TypeError('arc.track needs a function to wrap');
  if (options.replayArgs !== undefined && typeof options.replayArgs !== 'function') {
    throw new TypeError('arc.track: replayArgs must be a function');
  }
  for (const name of ['parse', 'callId', 'verify', 'onCall'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`arc.track: ${name} must be a function`);
    }
  }
  const outputSchema = declaredOutputSchema(options.outputSchema, 'arc.track', rt.capture);
  type A = Parameters<F>;
  const { validators, callKey, input, parse, callId, verify, onCall } = options;
  const runnerOptions: RunnerOptions<A, ReturnType<F>> = {
    validators: validatorList(
      validators as OutputValidator<V, A> | readonly OutputValidator<V, A>[] | undefined,
    ),
    throwOnInvalid: options.throwOnInvalid ?? false,
    callShape: options.callShape,
    output: options.output as OutputShape<Awaited<ReturnType<F>>, unknown> | undefined,
    callKey: callKey && ((args: A) => callKey(...args)),
    input: input && ((args: A) => input(...args)),
    tags: options.tags,
    outputSchema,
    parse: parse && ((value: unknown, args: A) => parseOutcome(() => parse(value as V, ...args))),
    callId: callId && ((args: A) => callId(...args)),
    verify: verify && ((value: unknown, args: A) => verify(value as V, ...args)),
    onCall:
      onCall && ((call: { callId: string; args: A; output: unknown }) => onCall(call as ReturnedCallInfo<F>)),
  };
  const runner = new CallRunner<A, ReturnType<F>>(rt, tracked, fn, runnerOptions);
  const wrapper = isConstructor(fn)
    ? constructorWrapper(runner, fn)
    : // A method cannot be called with `new`: like the function it wraps, it throws JavaScript's TypeError.
      {
        wrapper(this: ThisParameterType<F>, ...args: A): ReturnType<F> {
          return runner.run(this, args);
        },
      }.wrapper;
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
  originals.set(wrapper, untracked(fn));
  register?.({
    name: tracked,
    runner: runnerOptions as unknown as RunnerOptions<unknown[], unknown>,
    replayArgs:
      (options.replayArgs as ((input: unknown) => unknown[]) | undefined) ??
      (input === undefined ? argumentList : undefined),
  });
  return wrapper as F;
}

/** Whether `fn` can be called with `new`, asked of a proxy whose construct trap is Arc's: none of `fn`'s code runs. */
function isConstructor(fn: AnyFunction): boolean {
  try {
    Reflect.construct(new Proxy(fn, { construct: () => ({}) }), []);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wrapper of a class or constructor function: called, it calls `fn`; with `new`, it constructs
 * as `fn` would, `new.target` being `fn` itself or the subclass constructed. It stands for `fn`:
 * the same prototype (so `instanceof` holds either way) and `fn`'s static members.
 */
function constructorWrapper<F extends AnyFunction, A extends Parameters<F>>(
  runner: CallRunner<A, ReturnType<F>>,
  fn: F,
): (this: ThisParameterType<F>, ...args: A) => ReturnType<F> {
  const wrapper = function tracked(this: ThisParameterType<F>, ...args: A): ReturnType<F> {
    if (new.target === undefined) return runner.run(this, args);
    return runner.construct(new.target === tracked ? fn : new.target, args);
  };
  Object.setPrototypeOf(wrapper, fn);
  // A bound function has no prototype of its own; `instanceof` on the wrapper then asks its own.
  const prototype: unknown = fn.prototype;
  if (typeof prototype === 'object' && prototype !== null)
    Object.defineProperty(wrapper, 'prototype', { value: prototype });
  return wrapper;
}
