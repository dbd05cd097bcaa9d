// Output validators: any Standard Schema v1 object (zod 4, valibot, arktype, …) or a plain
// function. A failed validator turns a call into a failure event even though nothing threw,
// which is how Arc sees the silent failures of agents (wrong JSON, missing fields).

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

/** `true` when the output is acceptable, otherwise a description of what is wrong. */
export type ValidatorFunction<O, A extends readonly unknown[]> = (output: O, input: A) => true | string;

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

function pathText(path: StandardSchemaV1Issue['path']): string {
  if (!path || path.length === 0) return '(root)';
  return path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
}

function failure(issues: ValidationFailure['issues']): ValidationFailure {
  const parts = issues.map((i) => `${i.path}: ${i.message}`);
  return { message: `output failed validation: ${parts.join('; ')}`, issues };
}

function fromStandardResult(result: StandardSchemaV1Result<unknown>): ValidationFailure | undefined {
  if (!result.issues) return undefined;
  return failure(result.issues.map((i) => ({ path: pathText(i.path), message: String(i.message) })));
}

function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as StandardSchemaV1)['~standard']?.validate === 'function'
  );
}

function thrown(error: unknown): ValidationFailure {
  const message = error instanceof Error ? error.message : String(error);
  return failure([{ path: '(validator)', message: `validator threw: ${message}` }]);
}

function runOne<O, A extends readonly unknown[]>(
  validator: OutputValidator<O, A>,
  output: O,
  input: A,
): ValidationFailure | undefined | Promise<ValidationFailure | undefined> {
  try {
    if (isStandardSchema(validator)) {
      const result = validator['~standard'].validate(output);
      return result instanceof Promise ? result.then(fromStandardResult, thrown) : fromStandardResult(result);
    }
    const verdict = validator(output, input);
    if (verdict === true) return undefined;
    return failure([
      { path: '(root)', message: typeof verdict === 'string' ? verdict : 'rejected by validator' },
    ]);
  } catch (error) {
    // A validator that throws is a failed validation, never an exception in the host's call.
    return thrown(error);
  }
}

/**
 * Runs the validators in order and returns the first failure. Synchronous while every validator
 * is; a validator that answers with a promise makes the result a promise (which never rejects).
 */
export function validateOutput<O, A extends readonly unknown[]>(
  validators: readonly OutputValidator<O, A>[],
  output: O,
  input: A,
): ValidationFailure | undefined | Promise<ValidationFailure | undefined> {
  for (let i = 0; i < validators.length; i++) {
    const result = runOne(validators[i]!, output, input);
    if (result instanceof Promise) {
      const rest = validators.slice(i + 1);
      return result.then((found) => found ?? validateOutput(rest, output, input));
    }
    if (result) return result;
  }
  return undefined;
}

/** Options take one validator or a list; the runner wants a list. */
export function validatorList<V>(validators: V | readonly V[] | undefined): V[] {
  if (validators === undefined) return [];
  return Array.isArray(validators) ? [...(validators as readonly V[])] : [validators as V];
}
