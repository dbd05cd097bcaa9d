// The verifier: BFCL's checker (bfcl_eval/eval_checker), ported rule for rule with the same error
// types and messages: the decoding of the model's text into calls (`default_decode_ast_prompting`
// and `is_function_calling_format_output`), the irrelevance rule of `eval_runner.py` (right when
// the text decodes to no call), and `ast_checker.py` for the other categories (simple, multiple,
// parallel without order) with `simple_function_checker` and its helpers. Python's semantics are
// kept where they decide a verdict: types as Python's `json` reads them (10.0 is a float, 10 an
// int; python-json.ts), `==` (1 == 1.0 == True, lists and dicts compared deeply), `in` over
// lists, and iterating a string.

import type { BfclParameterSchema } from './bfcl-schema.js';
import type { BfclCategory, BfclFunction, BfclPossibleAnswer } from './bfcl-tasks.js';
import { PyFloat, parsePythonJson } from './python-json.js';
import { callListText } from './tool-call-format.js';

export interface CheckResult {
  valid: boolean;
  error?: string;
  /** BFCL's error type, e.g. `simple_function_checker:missing_required`, `value_error:string`. */
  errorType?: string;
}

type PyType = 'str' | 'int' | 'float' | 'bool' | 'list' | 'dict' | 'NoneType';

// PYTHON_TYPE_MAPPING: BFCL type name -> the Python type a value must have.
const PYTHON_TYPE: Readonly<Record<string, PyType>> = {
  string: 'str',
  integer: 'int',
  float: 'float',
  boolean: 'bool',
  array: 'list',
  tuple: 'list',
  dict: 'dict',
  any: 'str',
};

// PYTHON_NESTED_TYPE_CHECK_LIST: types whose items are type-checked too (one level deep).
const NESTED_TYPE_CHECK = new Set(['array', 'tuple']);

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat);
}

function pyType(value: unknown): PyType | undefined {
  if (value instanceof PyFloat) return 'float';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (isDict(value)) return 'dict';
  return undefined;
}

/** `type(value) == expected`. */
function hasType(value: unknown, expected: PyType): boolean {
  return pyType(value) === expected;
}

const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
const numberOf = (v: unknown) => (v instanceof PyFloat ? v.value : Number(v));

/** Python's `==`. */
function pyEquals(a: unknown, b: unknown): boolean {
  if (numeric(a) && numeric(b)) return numberOf(a) === numberOf(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]))
    );
  }
  if (isDict(a) && isDict(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]))
    );
  }
  return a === b;
}

/** Python's `value in list`. */
function pyIn(value: unknown, list: readonly unknown[]): boolean {
  return list.some((item) => pyEquals(value, item));
}

/** Python's `repr`, for messages like BFCL's. */
function pyRepr(value: unknown): string {
  if (typeof value === 'string') {
    return value.includes("'") && !value.includes('"')
      ? `"${value.replace(/\\/g, '\\\\')}"`
      : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (value instanceof PyFloat) {
    const text = String(value.value);
    return /[.e]/.test(text) || !Number.isFinite(value.value) ? text : `${text}.0`;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isDict(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/**
 * `standardize_string`: drops spaces and `,./-_*^`, lowercases, and turns single quotes into
 * double ones, so "April 1, 2024" and "april 1 2024" compare equal.
 */
export function standardizeString(input: string): string {
  return input
    .replace(/[ ,./\-_*^]/g, '')
    .toLowerCase()
    .replace(/'/g, '"');
}

const standardized = (value: unknown) => (typeof value === 'string' ? standardizeString(value) : value);

/** Python's `len(x)` and `x[i]` over a possible answer (a list, or a string iterated by character). */
function pySequence(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  return undefined;
}

/** `get_possible_answer_type`: the type of the first non-optional answer, if any. */
function firstAnswer(possible: readonly unknown[]): { value: unknown } | undefined {
  const found = possible.find((answer) => answer !== '');
  return found === undefined ? undefined : { value: found };
}

interface TypeCheck extends CheckResult {
  isVariable: boolean;
}

/**
 * `type_checker`. A ground truth whose type differs from the declared one names a variable
 * (BFCL writes variables as strings); then a value of the ground truth's type passes.
 */
function typeChecker(
  param: string,
  value: unknown,
  possible: readonly unknown[],
  expectedDescription: string,
  expected: PyType,
  nested: PyType | undefined,
): TypeCheck {
  const answer = firstAnswer(possible);
  const isVariable = answer !== undefined && !hasType(answer.value, expected);
  const errors: string[] = [];
  let errorType = 'type_error:simple';
  if (hasType(value, expected)) {
    if (nested === undefined) return { valid: true, isVariable };
    for (const item of possible) {
      // Each possible answer that is a list is tried; the value's items must all have the nested type.
      const ok =
        !Array.isArray(item) ||
        (value as unknown[]).every((v) => typeChecker(param, v, item, nested, nested, undefined).valid);
      if (ok) return { valid: true, isVariable };
    }
    errors.push(
      `Nested type checking failed for parameter ${pyRepr(param)}. Expected outer type ${expectedDescription} with inner type ${nested}. Parameter value: ${pyRepr(value)}.`,
    );
    errorType = 'type_error:nested';
    // BFCL falls through here: a value of the ground truth's type keeps the nested error.
    if (answer !== undefined && pyType(value) === pyType(answer.value)) {
      return { valid: false, error: errors.join(' '), errorType, isVariable: true };
    }
  } else if (answer !== undefined && pyType(value) === pyType(answer.value)) {
    return { valid: true, isVariable: true };
  }
  errors.push(
    `Incorrect type for parameter ${pyRepr(param)}. Expected type ${expectedDescription}, got ${pyType(value)}. Parameter value: ${pyRepr(value)}.`,
  );
  return { valid: false, error: errors.join(' '), errorType: 'type_error:simple', isVariable };
}

/** `string_checker`: equal after standardisation to one of the string answers. */
function stringChecker(param: string, value: string, possible: readonly unknown[]): CheckResult {
  const answers = possible.filter((a): a is string => typeof a === 'string').map(standardizeString);
  if (answers.includes(standardizeString(value))) return { valid: true };
  return {
    valid: false,
    error: `Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr(possible)}. Case insensitive.`,
    errorType: 'value_error:string',
  };
}

/** `list_checker`: the list, its top-level strings standardised, equals one of the answers so treated. */
function listChecker(param: string, value: unknown[], possible: readonly unknown[]): CheckResult {
  const output = value.map(standardized);
  const answers = possible.flatMap((answer) => {
    const items = pySequence(answer);
    return items === undefined ? [] : [items.map(standardized)];
  });
  if (pyIn(output, answers)) return { valid: true };
  return {
    valid: false,
    error: `Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr(possible)}.`,
    errorType: 'value_error:list/tuple',
  };
}

/**
 * `dict_checker`: for some answer (a dict of key -> allowed values), every given key is allowed
 * with an allowed (standardised) value, and every key left out may be ("" among its values).
 */
function dictChecker(value: Dict, possible: readonly unknown[]): CheckResult {
  let result: CheckResult = { valid: false, error: '', errorType: 'dict_checker:unclear' };
  for (const answer of possible) {
    if (answer === '') continue;
    const errors: string[] = [];
    let errorType = 'dict_checker:unclear';
    let ok = true;
    const keys = isDict(answer) ? answer : {};
    for (const [key, item] of Object.entries(value)) {
      if (!Object.hasOwn(keys, key)) {
        errors.push(`Unexpected dict key parameter: '${key}'.`);
        errorType = 'value_error:dict_key';
        ok = false;
        break;
      }
      const allowed = (pySequence(keys[key]) ?? []).map(standardized);
      if (!pyIn(standardized(item), allowed)) {
        errors.push(
          `Invalid value for parameter ${pyRepr(key)}: ${pyRepr(item)}. Expected one of ${pyRepr(allowed)}.`,
        );
        errorType = 'value_error:dict_value';
        ok = false;
        break;
      }
    }
    for (const [key, allowed] of Object.entries(keys)) {
      if (!Object.hasOwn(value, key) && !pyIn('', pySequence(allowed) ?? [])) {
        errors.push(`Missing dict key parameter: '${key}'.`);
        errorType = 'value_error:dict_key';
        ok = false;
        break;
      }
    }
    if (ok) return { valid: true };
    result = { valid: false, error: errors.join(' '), errorType };
  }
  return result;
}

/** `list_dict_checker`: a list of dicts matching some answer's dicts, in order. */
function listDictChecker(value: unknown[], possible: readonly unknown[]): CheckResult {
  let result: CheckResult = { valid: false, error: '', errorType: 'list_dict_checker:unclear' };
  for (const answer of possible) {
    const dicts = pySequence(answer) ?? [];
    if (value.length !== dicts.length) {
      result = {
        valid: false,
        error: 'Wrong number of dictionaries in the list.',
        errorType: 'value_error:list_dict_count',
      };
      continue;
    }
    let ok = true;
    for (const [i, item] of value.entries()) {
      result = dictChecker(item as Dict, [dicts[i]]);
      if (!result.valid) {
        ok = false;
        break;
      }
    }
    if (ok) return { valid: true };
  }
  return result;
}

function fail(error: string, errorType: string): CheckResult {
  return { valid: false, error, errorType };
}

/** A call as BFCL's decoder gives it: the function's name and its arguments. */
export interface BfclCall {
  name: string;
  arguments: Dict;
}

/**
 * `simple_function_checker`: whether `call` is the expected call of `fn`, judged against the
 * function's documentation and the possible answer.
 */
function checkCall(fn: BfclFunction, call: BfclCall, expected: BfclPossibleAnswer): CheckResult {
  const possible = expected.params;
  const details: Record<string, BfclParameterSchema> = fn.parameters.properties;
  if (call.name !== fn.name) {
    return fail(
      `Function name ${pyRepr(fn.name)} not found in model output.`,
      'simple_function_checker:wrong_func_name',
    );
  }
  const args = call.arguments;
  for (const param of fn.parameters.required ?? []) {
    if (!Object.hasOwn(args, param)) {
      return fail(
        `Missing required parameter: ${pyRepr(param)}.`,
        'simple_function_checker:missing_required',
      );
    }
  }
  for (const [param, given] of Object.entries(args)) {
    const detail = Object.hasOwn(details, param) ? details[param] : undefined;
    const allowed = Object.hasOwn(possible, param) ? possible[param] : undefined;
    if (detail === undefined || allowed === undefined) {
      return fail(`Unexpected parameter: ${pyRepr(param)}.`, 'simple_function_checker:unexpected_param');
    }
    const expectedType = PYTHON_TYPE[detail.type]!;
    const nestedName = NESTED_TYPE_CHECK.has(detail.type) ? detail.items?.type : undefined;
    const nested = nestedName === undefined ? undefined : PYTHON_TYPE[nestedName];
    // Python's auto conversion from int to float, at the top level only.
    const value = expectedType === 'float' && pyType(given) === 'int' ? new PyFloat(given as number) : given;
    const typeCheck = typeChecker(param, value, allowed, detail.type, expectedType, nested);
    if (!typeCheck.valid) return { valid: false, error: typeCheck.error, errorType: typeCheck.errorType };

    // A variable is compared as a plain value; otherwise dicts, lists of dicts, strings and lists
    // have their own comparisons.
    if (!typeCheck.isVariable) {
      let special: CheckResult | undefined;
      if (expectedType === 'dict') special = dictChecker(value as Dict, allowed);
      else if (expectedType === 'list' && nested === 'dict')
        special = listDictChecker(value as unknown[], allowed);
      else if (expectedType === 'str') special = stringChecker(param, value as string, allowed);
      else if (expectedType === 'list') special = listChecker(param, value as unknown[], allowed);
      if (special !== undefined) {
        if (!special.valid) return special;
        continue;
      }
    }
    if (!pyIn(value, allowed)) {
      return fail(
        `Invalid value for parameter ${pyRepr(param)}: ${pyRepr(value)}. Expected one of ${pyRepr(allowed)}.`,
        'value_error:others',
      );
    }
  }
  for (const [param, allowed] of Object.entries(possible)) {
    if (!Object.hasOwn(args, param) && !allowed.includes('')) {
      return fail(
        `Optional parameter ${pyRepr(param)} not provided and not marked as optional.`,
        'simple_function_checker:missing_optional',
      );
    }
  }
  return { valid: true };
}

/** `find_description`: the documentation of the function an expected call names. */
function describe(functions: readonly BfclFunction[], name: string): BfclFunction {
  const fn = functions.find((f) => f.name === name);
  // The task loader refuses ground truths that call a function the task does not offer.
  if (fn === undefined) throw new Error(`no function ${name}`);
  return fn;
}

/** `parallel_function_checker_no_order`: each expected call matched by a different call, in any order. */
function checkParallel(
  functions: readonly BfclFunction[],
  calls: readonly BfclCall[],
  expected: readonly BfclPossibleAnswer[],
): CheckResult {
  if (calls.length !== expected.length) {
    return fail('Wrong number of functions.', 'parallel_function_checker_no_order:wrong_count');
  }
  const matched = new Set<number>();
  for (const [i, answer] of expected.entries()) {
    const fn = describe(functions, answer.function);
    const index = calls.findIndex((call, c) => !matched.has(c) && checkCall(fn, call, answer).valid);
    if (index < 0) {
      const considered = calls.map((_, c) => c).filter((c) => !matched.has(c));
      return fail(
        `Could not find a matching function among index [${considered.join(', ')}] of model output for index ${i} of possible answers.`,
        'parallel_function_checker_no_order:cannot_find_match',
      );
    }
    matched.add(index);
  }
  return { valid: true };
}

/** `ast_checker`: the decoded calls judged as the task's category is. */
export function checkBfclCalls(
  task: { category: BfclCategory; functions: readonly BfclFunction[]; answer: readonly BfclPossibleAnswer[] },
  calls: readonly BfclCall[],
): CheckResult {
  const { functions, answer } = task;
  if (task.category === 'irrelevance') {
    return calls.length === 0
      ? { valid: true }
      : fail(
          'Valid syntax. Successfully decode AST when it should not.',
          'irrelevance_error:decoder_success',
        );
  }
  if (task.category === 'parallel') return checkParallel(functions, calls, answer);
  const prefix = task.category === 'multiple' ? 'multiple_function_checker' : 'simple_function_checker';
  if (calls.length !== answer.length) return fail('Wrong number of functions.', `${prefix}:wrong_count`);
  const expected = answer[0]!;
  return checkCall(describe(functions, expected.function), calls[0]!, expected);
}

/**
 * How close calls come to the expected ones, from 0 to 1 (1 for calls BFCL accepts, as far as
 * parameters go): each expected call in turn is matched with the unmatched given call of its
 * function that has the most of its parameters right, each parameter judged alone by BFCL's own
 * checks (one left out is right when it may be left out); a matched call counts 1/4 for its
 * function and 3/4 times the share of parameters right; the sum is divided by the larger of the
 * numbers of expected and given calls, so missing and extra calls cost. Irrelevance: 1 for no
 * call, else 0.
 */
export function bfclCloseness(
  task: { category: BfclCategory; functions: readonly BfclFunction[]; answer: readonly BfclPossibleAnswer[] },
  calls: readonly BfclCall[],
): number {
  if (task.category === 'irrelevance' || task.answer.length === 0) return calls.length === 0 ? 1 : 0;
  let sum = 0;
  const matched = new Set<number>();
  for (const expected of task.answer) {
    const fn = describe(task.functions, expected.function);
    // Each parameter alone: nothing required, and only this parameter's answers.
    const alone = { ...fn, parameters: { ...fn.parameters, required: [] } };
    const params = Object.entries(expected.params);
    let best = 0;
    let bestIndex = -1;
    for (const [index, call] of calls.entries()) {
      if (call.name !== fn.name || matched.has(index)) continue;
      const right = params.filter(([param, allowed]) =>
        Object.hasOwn(call.arguments, param)
          ? checkCall(
              alone,
              { name: call.name, arguments: { [param]: call.arguments[param] } },
              { function: expected.function, params: { [param]: allowed } },
            ).valid
          : allowed.includes(''),
      ).length;
      const score = 0.25 + (0.75 * (params.length === 0 ? 1 : right)) / Math.max(1, params.length);
      if (score > best) [best, bestIndex] = [score, index];
    }
    if (bestIndex >= 0) matched.add(bestIndex);
    sum += best;
  }
  return sum / Math.max(task.answer.length, calls.length);
}

/** BFCL's reading of a model's text: the calls, or why it could not be read as calls. */
export type DecodedAnswer =
  | { ok: true; calls: BfclCall[] }
  | {
      ok: false;
      errorType: 'ast_decoder:decoder_failed' | 'ast_decoder:decoder_wrong_output_format';
      error: string;
    };

/**
 * `default_decode_ast_prompting` for the agent's JSON format (callListText), then a list of
 * `{"name": string, "arguments": object}` (`is_function_calling_format_output`).
 */
export function decodeBfclAnswer(text: string): DecodedAnswer {
  let value: unknown;
  try {
    value = parsePythonJson(callListText(text));
  } catch (error) {
    return {
      ok: false,
      errorType: 'ast_decoder:decoder_failed',
      error: `Invalid syntax. Failed to decode AST. ${(error as Error).message}`,
    };
  }
  const isCall = (item: unknown): item is BfclCall =>
    isDict(item) && Object.keys(item).length === 2 && typeof item.name === 'string' && isDict(item.arguments);
  if (!Array.isArray(value) || !value.every(isCall)) {
    return {
      ok: false,
      errorType: 'ast_decoder:decoder_wrong_output_format',
      error: 'Did not output in the specified format.',
    };
  }
  return { ok: true, calls: value };
}

/**
 * BFCL's verdict on a model's text for a task. Irrelevance: right unless the text decodes to at
 * least one call (text that does not decode counts as no call, as in BFCL). Other categories:
 * the text must decode, then `ast_checker` decides.
 */
export function checkBfclAnswer(
  task: { category: BfclCategory; functions: readonly BfclFunction[]; answer: readonly BfclPossibleAnswer[] },
  text: string,
): CheckResult {
  const decoded = decodeBfclAnswer(text);
  if (!decoded.ok) {
    return task.category === 'irrelevance'
      ? { valid: true }
      : { valid: false, error: decoded.error, errorType: decoded.errorType };
  }
  return checkBfclCalls(task, decoded.calls);
}
