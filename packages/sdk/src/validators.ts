// Output validators: any Standard Schema v1 object (zod 4, valibot, arktype, …) or a plain
// function. A failed validator turns a call into a failure event even though nothing threw,
// which is how Arc sees the silent failures of agents (wrong JSON, missing fields).

import type { PendingLimit } from './pending-limit.js';
import { isThenable } from './safe-checks.js';

/** The Standard Schema v1 interface (https://standardschema.dev), kept to what Arc reads. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => StandardSchemaV1Result<Output> | Promise<StandardSchemaV1Result<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export type StandardSchemaV1Result<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardSchemaV1Issue> };

export interface StandardSchemaV1Issue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * `true` when the output is acceptable, otherwise a description of what is wrong; or a promise of
 * either (where `false`, as `async () => ok` gives, means rejected).
 */
export type ValidatorFunction<O, A extends readonly unknown[]> = (
  output: O,
  input: A,
) => true | string | PromiseLike<boolean | string>;

export type OutputValidator<O = unknown, A extends readonly unknown[] = unknown[]> =
  | StandardSchemaV1
  | ValidatorFunction<O, A>;

/** What a failed validation reports; `message` names the paths of the issues. */
export interface ValidationFailure {
  message: string;
  issues: { path: string; message: string }[];
}

/** Thrown to the caller only when a track option asks for it (`throwOnInvalid`). */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly issues: ValidationFailure['issues'];

  constructor(failure: ValidationFailure) {
    super(failure.message);
    this.issues = failure.issues;
  }
}

// A validator's verdict names at most this many issues: the rest only inflate every event.
const MAX_ISSUES = 50;

function pathText(path: unknown): string {
  if (!Array.isArray(path) || path.length === 0) return '(root)';
  return path
    .map((p) => String(typeof p === 'object' && p !== null ? (p as { key: PropertyKey }).key : p))
    .join('.');
}

function failure(issues: ValidationFailure['issues']): ValidationFailure {
  const parts = issues.map((i) => `${i.path}: ${i.message}`);
  return { message: `output failed validation: ${parts.join('; ')}`, issues };
}

/** The validator itself misbehaved: the call counts as failed validation, saying how. */
function broken(message: string): ValidationFailure {
  return failure([{ path: '(validator)', message }]);
}

function readIssue(issue: unknown): ValidationFailure['issues'][number] {
  try {
    if (typeof issue !== 'object' || issue === null) return { path: '(root)', message: String(issue) };
    const { message, path } = issue as StandardSchemaV1Issue;
    return { path: pathText(path), message: String(message) };
  } catch {
    return { path: '(root)', message: '[unreadable issue]' };
  }
}

/** A Standard Schema result as it came, read without trusting its shape (`issues` absent means valid). */
function fromStandardResult(result: unknown): ValidationFailure | undefined {
  if (typeof result !== 'object' || result === null) {
    return broken(`validator returned ${describeValue(result)}, not a Standard Schema result`);
  }
  const { issues } = result as { issues?: unknown };
  if (issues === undefined) return undefined;
  if (!Array.isArray(issues)) return broken('validator returned issues that are not an array');
  return failure(issues.slice(0, MAX_ISSUES).map(readIssue));
}

function describeValue(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as StandardSchemaV1)['~standard']?.validate === 'function'
  );
}

function thrown(error: unknown): ValidationFailure {
  let message: string;
  try {
    message = error instanceof Error ? error.message : String(error);
  } catch {
    message = '[unreadable error]';
  }
  return broken(`validator threw: ${message}`);
}

function fromFunctionVerdict(verdict: unknown): ValidationFailure | undefined {
  if (verdict === true) return undefined;
  return failure([
    { path: '(root)', message: typeof verdict === 'string' ? verdict : 'rejected by validator' },
  ]);
}

type Verdict = ValidationFailure | undefined;

/** A validator's answer, sync or not, read without trusting it; a promise of it never rejects. */
function settle(answer: unknown, read: (value: unknown) => Verdict): Verdict | Promise<Verdict> {
  if (isThenable(answer)) return Promise.resolve(answer).then(read).then(undefined, thrown);
  try {
    return read(answer);
  } catch (error) {
    return thrown(error);
  }
}

function runOne<O, A extends readonly unknown[]>(
  validator: OutputValidator<O, A>,
  output: O,
  input: A,
): Verdict | Promise<Verdict> {
  try {
    if (isStandardSchema(validator))
      return settle(validator['~standard'].validate(output), fromStandardResult);
    return settle(validator(output, input), fromFunctionVerdict);
  } catch (error) {
    // A validator that throws is a failed validation, never an exception in the host's call.
    return thrown(error);
  }
}

/** What validation of a sync call gives when it would wait on a validator and no run may wait. */
export const NOT_VALIDATED = Symbol('not validated');

function validateFrom<O, A extends readonly unknown[]>(
  validators: readonly OutputValidator<O, A>[],
  output: O,
  input: A,
  pending: PendingLimit | undefined,
): Verdict | Promise<Verdict> | typeof NOT_VALIDATED {
  for (let i = 0; i < validators.length; i++) {
    const validator = validators[i]!;
    if (pending !== undefined && !pending.admits(validator)) return NOT_VALIDATED;
    const result = runOne(validator, output, input);
    if (result instanceof Promise) {
      if (pending !== undefined) {
        pending.answeredLater(validator);
        // Dropped: the promise never rejects, and holds nothing of the call's that the validator does not.
        if (pending.full) return NOT_VALIDATED;
      }
      const rest = validators.slice(i + 1);
      // Once waited on, the run may wait on the rest too.
      return result.then((found) => found ?? (validateFrom(rest, output, input, undefined) as Verdict));
    }
    if (result) return result;
  }
  return undefined;
}

/** How long asynchronous validators may hold a call unless the client says otherwise. */
export const DEFAULT_VALIDATOR_TIMEOUT_MS = 5_000;

export interface ValidationLimits {
  /** How long asynchronous validators may take together; past it the output counts as invalid. */
  timeoutMs: number;
  /** Whether the wait keeps the process alive (the host is awaiting the verdict). */
  keepAlive: boolean;
  /**
   * A sync call's bound on validations waiting (the host is not awaiting them): when it is full,
   * validators run while they answer at once, and validation stops, NOT_VALIDATED, at the first
   * that answers later or is known to (PendingLimit.admits).
   */
  pending?: PendingLimit;
}

/**
 * Runs the validators in order and returns the first failure. Synchronous while every validator
 * is; a validator that answers with a promise makes the result a promise, which never rejects and
 * settles within `limits.timeoutMs`. Whatever a validator does (throw, reject, answer garbage,
 * never answer) becomes a failed validation saying so, never an error of the host's call.
 */
export function validateOutput<O, A extends readonly unknown[]>(
  validators: readonly OutputValidator<O, A>[],
  output: O,
  input: A,
  limits: ValidationLimits = { timeoutMs: DEFAULT_VALIDATOR_TIMEOUT_MS, keepAlive: false },
): Verdict | Promise<Verdict> | typeof NOT_VALIDATED {
  const verdict = validateFrom(validators, output, input, limits.pending);
  if (!(verdict instanceof Promise)) return verdict;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<Verdict>((resolve) => {
    timer = setTimeout(
      () => resolve(broken(`validator did not settle within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    if (!limits.keepAlive) timer.unref?.();
  });
  return Promise.race([verdict, expired]).finally(() => clearTimeout(timer));
}

/** Options take one validator or a list; the runner wants a list. */
export function validatorList<V>(validators: V | readonly V[] | undefined): V[] {
  if (validators === undefined) return [];
  return Array.isArray(validators) ? [...(validators as readonly V[])] : [validators as V];
}
