// The verifier: BFCL's AST checker for simple Python tasks (bfcl_eval/eval_checker/ast_eval/
// ast_checker.py, `simple_function_checker` and its helpers), ported rule for rule, with the
// same error types and messages. Python's semantics are kept where they decide a verdict: `==`
// (1 == 1.0 == True, lists and dicts compared deeply), `in` over lists, and iterating a string.
//
// One difference is forced by JSON: a parsed number does not say whether it was written 2 or 2.0.
// An integral number therefore counts as a float wherever a float is expected, including inside
// lists (BFCL converts int to float only at the top level; its ground truths write floats like
// 2.0, which JSON.parse turns into 2, so the stricter rule would fail BFCL's own answers).

import type { BfclParameterSchema } from './bfcl-schema.js';
import type { BfclFunction, BfclPossibleAnswer } from './bfcl-tasks.js';
import type { AgentCall } from './tool-call-format.js';

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
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pyType(value: unknown): PyType | undefined {
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (isDict(value)) return 'dict';
  return undefined;
}

/** `type(value) == expected`, with an integral number accepted as a float (see the note above). */
function hasType(value: unknown, expected: PyType): boolean {
  return pyType(value) === expected || (expected === 'float' && typeof value === 'number');
}

/** Python's `==`. */
function pyEquals(a: unknown, b: unknown): boolean {
  const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
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

/**
 * `simple_function_checker`: whether `call` answers the task, judged against its function's
 * documentation and its possible answers.
 */
export function checkBfclCall(
  task: { function: BfclFunction; answer: BfclPossibleAnswer },
  call: AgentCall,
): CheckResult {
  const fn = task.function;
  const possible = task.answer.params;
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
  for (const [param, value] of Object.entries(args)) {
    const detail = Object.hasOwn(details, param) ? details[param] : undefined;
    const allowed = Object.hasOwn(possible, param) ? possible[param] : undefined;
    if (detail === undefined || allowed === undefined) {
      return fail(`Unexpected parameter: ${pyRepr(param)}.`, 'simple_function_checker:unexpected_param');
    }
    const expected = PYTHON_TYPE[detail.type]!;
    const nestedName = NESTED_TYPE_CHECK.has(detail.type) ? detail.items?.type : undefined;
    const nested = nestedName === undefined ? undefined : PYTHON_TYPE[nestedName];
    const typeCheck = typeChecker(param, value, allowed, detail.type, expected, nested);
    if (!typeCheck.valid) return { valid: false, error: typeCheck.error, errorType: typeCheck.errorType };

    // A variable is compared as a plain value; otherwise dicts, lists of dicts, strings and lists
    // have their own comparisons.
    if (!typeCheck.isVariable) {
      let special: CheckResult | undefined;
      if (expected === 'dict') special = dictChecker(value as Dict, allowed);
      else if (expected === 'list' && nested === 'dict')
        special = listDictChecker(value as unknown[], allowed);
      else if (expected === 'str') special = stringChecker(param, value as string, allowed);
      else if (expected === 'list') special = listChecker(param, value as unknown[], allowed);
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
