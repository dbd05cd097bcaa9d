import { beforeAll, describe, expect, it } from 'vitest';
import { checkBfclCall, standardizeString } from './bfcl-checker.js';
import { type BfclTask, loadBfclTasks, parseBfclTask } from './bfcl-tasks.js';
import { fetchBfclData } from './fetch-assets.js';

/** A task in BFCL's own record format. */
function task(
  properties: Record<string, unknown>,
  required: string[],
  truth: Record<string, unknown[]>,
): BfclTask {
  return parseBfclTask(
    {
      id: 'simple_python_t',
      question: [[{ role: 'user', content: 'q' }]],
      function: [{ name: 'f.g', description: 'd', parameters: { type: 'dict', properties, required } }],
    },
    { id: 'simple_python_t', ground_truth: [{ 'f.g': truth }] },
  );
}

const check = (t: BfclTask, args: Record<string, unknown>, name = 'f.g') =>
  checkBfclCall(t, { name, arguments: args });

describe('checkBfclCall (rules of BFCL simple_function_checker)', () => {
  const area = task(
    { base: { type: 'integer' }, height: { type: 'float' }, unit: { type: 'string' } },
    ['base', 'height'],
    { base: [10], height: [5.0], unit: ['units', ''] },
  );

  it('accepts the ground truth, an int for a float, and an omitted optional parameter', () => {
    expect(check(area, { base: 10, height: 5.0, unit: 'units' })).toEqual({ valid: true });
    expect(check(area, { base: 10, height: 5 })).toEqual({ valid: true });
  });

  it('wants the exact function name', () => {
    expect(check(area, { base: 10, height: 5 }, 'f_g')).toEqual({
      valid: false,
      error: "Function name 'f.g' not found in model output.",
      errorType: 'simple_function_checker:wrong_func_name',
    });
  });

  it('wants required parameters, and no parameter the function or the answer lacks', () => {
    expect(check(area, { base: 10 }).errorType).toBe('simple_function_checker:missing_required');
    expect(check(area, { base: 10, height: 5, depth: 1 })).toMatchObject({
      error: "Unexpected parameter: 'depth'.",
      errorType: 'simple_function_checker:unexpected_param',
    });
    const narrow = task({ a: { type: 'integer' }, b: { type: 'integer' } }, ['a'], { a: [1] });
    expect(check(narrow, { a: 1, b: 2 }).errorType).toBe('simple_function_checker:unexpected_param');
  });

  it('checks Python types: a string is not an int, nor a bool an int', () => {
    expect(check(area, { base: '10', height: 5 })).toEqual({
      valid: false,
      error: "Incorrect type for parameter 'base'. Expected type integer, got str. Parameter value: '10'.",
      errorType: 'type_error:simple',
    });
    expect(check(area, { base: true, height: 5 }).errorType).toBe('type_error:simple');
    expect(check(area, { base: 10.5, height: 5 }).errorType).toBe('type_error:simple');
  });

  it('compares values with Python ==', () => {
    expect(check(area, { base: 11, height: 5 })).toEqual({
      valid: false,
      error: "Invalid value for parameter 'base': 11. Expected one of [10].",
      errorType: 'value_error:others',
    });
  });

  it('compares strings after standardize_string, and reports optional parameters left out wrongly', () => {
    const t = task({ date: { type: 'string' }, city: { type: 'string' } }, ['date'], {
      date: ['April 1, 2024'],
      city: ['New York'],
    });
    expect(check(t, { date: 'april 1 2024', city: 'new-york' })).toEqual({ valid: true });
    expect(check(t, { date: 'April 2, 2024', city: 'New York' })).toMatchObject({
      errorType: 'value_error:string',
      error:
        "Invalid value for parameter 'date': 'April 2, 2024'. Expected one of ['April 1, 2024']. Case insensitive.",
    });
    expect(check(t, { date: 'April 1, 2024' })).toEqual({
      valid: false,
      error: "Optional parameter 'city' not provided and not marked as optional.",
      errorType: 'simple_function_checker:missing_optional',
    });
    expect(standardizeString("It's A_B-c*d^e/f.g h")).toBe('it"sabcdefgh');
  });

  it('compares lists in order with their strings standardised, and an optional "" matches []', () => {
    const t = task(
      {
        cities: { type: 'array', items: { type: 'string' } },
        tags: { type: 'array', items: { type: 'string' } },
      },
      ['cities'],
      { cities: [['New York', 'LA']], tags: [''] },
    );
    expect(check(t, { cities: ['new york', 'la'] })).toEqual({ valid: true });
    expect(check(t, { cities: ['new york', 'la'], tags: [] })).toEqual({ valid: true });
    expect(check(t, { cities: ['LA', 'New York'] }).errorType).toBe('value_error:list/tuple');
  });

  it('checks the items of arrays one level deep', () => {
    const t = task({ xs: { type: 'array', items: { type: 'integer' } } }, ['xs'], { xs: [[1, 2]] });
    expect(check(t, { xs: [1, 2] })).toEqual({ valid: true });
    expect(check(t, { xs: ['1', 2] })).toMatchObject({
      valid: false,
      errorType: 'type_error:nested',
      error:
        "Nested type checking failed for parameter 'xs'. Expected outer type array with inner type int. Parameter value: ['1', 2].",
    });
  });

  it('lets a ground truth of another type name a variable, compared as a plain value', () => {
    const t = task({ n: { type: 'integer' } }, ['n'], { n: ['num_items'] });
    expect(check(t, { n: 'num_items' })).toEqual({ valid: true });
    expect(check(t, { n: 'Num_Items' }).errorType).toBe('value_error:others');
  });

  it('checks dicts key by key, with optional keys', () => {
    const t = task(
      { where: { type: 'dict', properties: { dept: { type: 'string' }, school: { type: 'string' } } } },
      ['where'],
      { where: [{ dept: ['Science'], school: ['Bluebird HS', ''] }] },
    );
    expect(check(t, { where: { dept: 'science', school: 'bluebird hs' } })).toEqual({ valid: true });
    expect(check(t, { where: { dept: 'Science' } })).toEqual({ valid: true });
    expect(check(t, { where: { dept: 'Science', grade: 3 } })).toMatchObject({
      errorType: 'value_error:dict_key',
      error: "Unexpected dict key parameter: 'grade'.",
    });
    expect(check(t, { where: { school: 'Bluebird HS' } })).toMatchObject({
      errorType: 'value_error:dict_key',
      error: "Missing dict key parameter: 'dept'.",
    });
    expect(check(t, { where: { dept: 'Art' } }).errorType).toBe('value_error:dict_value');
  });

  it('checks lists of dicts in order and by count', () => {
    const t = task(
      { rows: { type: 'array', items: { type: 'dict', properties: { k: { type: 'string' } } } } },
      ['rows'],
      { rows: [[{ k: ['a'] }, { k: ['b'] }]] },
    );
    expect(check(t, { rows: [{ k: 'A' }, { k: 'b' }] })).toEqual({ valid: true });
    expect(check(t, { rows: [{ k: 'a' }] }).errorType).toBe('value_error:list_dict_count');
    expect(check(t, { rows: [{ k: 'b' }, { k: 'a' }] }).errorType).toBe('value_error:dict_value');
  });
});

/**
 * The ground truth as a call: each parameter's first allowed value ("" leaves it out), with
 * dicts built the same way; a required parameter takes its first value that is not "".
 */
function firstAllowedCall(t: BfclTask): Record<string, unknown> {
  const materialize = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(materialize);
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, allowed] of Object.entries(value)) {
      if ((allowed as unknown[])[0] !== '') out[key] = materialize((allowed as unknown[])[0]);
    }
    return out;
  };
  const args: Record<string, unknown> = {};
  const required = new Set(t.function.parameters.required);
  for (const [param, allowed] of Object.entries(t.answer.params)) {
    const value = required.has(param) ? allowed.find((v) => v !== '') : allowed[0];
    if (value !== '') args[param] = materialize(value);
  }
  return args;
}

describe('checkBfclCall on the real BFCL simple Python set', () => {
  let tasks: BfclTask[];
  beforeAll(async () => {
    tasks = await loadBfclTasks(await fetchBfclData());
  }, 300_000);

  it('passes every task its own first allowed answer', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(400);
    const failures = tasks
      .map((t) => ({ id: t.id, result: check(t, firstAllowedCall(t), t.function.name) }))
      .filter((r) => !r.result.valid);
    expect(failures).toEqual([]);
  });

  it('fails a call to a wrong function and one with a changed value', () => {
    for (const t of tasks.slice(0, 50)) {
      expect(check(t, firstAllowedCall(t), `${t.function.name}_x`).valid).toBe(false);
      const args = firstAllowedCall(t);
      const [param] = t.function.parameters.required ?? [];
      if (param !== undefined) args[param] = { changed: true };
      if (param !== undefined) expect(check(t, args, t.function.name).valid).toBe(false);
    }
  });
});
