import { beforeAll, describe, expect, it } from 'vitest';
import { checkBfclAnswer, decodeBfclAnswer, standardizeString } from './bfcl-checker.js';
import { type BfclCategory, type BfclTask, loadBfclTasks, parseBfclTask } from './bfcl-tasks.js';
import { fetchBfclData } from './fetch-assets.js';
import { PyFloat } from './python-json.js';

/** A task in BFCL's own record format (floats of the ground truth as PyFloat, as read from its files). */
function task(
  properties: Record<string, unknown>,
  required: string[],
  truth: Record<string, unknown[]>,
): BfclTask {
  return parseBfclTask(
    'simple',
    {
      id: 'simple_python_t',
      question: [[{ role: 'user', content: 'q' }]],
      function: [{ name: 'f.g', description: 'd', parameters: { type: 'dict', properties, required } }],
    },
    { id: 'simple_python_t', ground_truth: [{ 'f.g': truth }] },
  );
}

/** Python's JSON text of a value: PyFloat written with its fraction, as the model would write a float. */
function pythonJson(value: unknown): string {
  if (value instanceof PyFloat)
    return Number.isInteger(value.value) ? `${value.value}.0` : String(value.value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** The verdict on the model text of one call. */
const check = (t: BfclTask, args: Record<string, unknown>, name = 'f.g') =>
  checkBfclAnswer(t, pythonJson([{ name, arguments: args }]));

describe('checkBfclAnswer on one call (rules of BFCL simple_function_checker)', () => {
  const area = task(
    { base: { type: 'integer' }, height: { type: 'float' }, unit: { type: 'string' } },
    ['base', 'height'],
    { base: [10], height: [new PyFloat(5)], unit: ['units', ''] },
  );

  it('accepts the ground truth, an int for a float, and an omitted optional parameter', () => {
    expect(check(area, { base: 10, height: new PyFloat(5), unit: 'units' })).toEqual({ valid: true });
    expect(check(area, { base: 10, height: 5 })).toEqual({ valid: true });
  });

  it('reads numbers as Python does: 10.0 where an integer is expected is a float, a type error', () => {
    const text = '[{"name": "f.g", "arguments": {"base": 10.0, "height": 5}}]';
    expect(checkBfclAnswer(area, text)).toEqual({
      valid: false,
      error: "Incorrect type for parameter 'base'. Expected type integer, got float. Parameter value: 10.0.",
      errorType: 'type_error:simple',
    });
    expect(
      checkBfclAnswer(area, '[{"name": "f.g", "arguments": {"base": 1e1, "height": 5}}]').errorType,
    ).toBe('type_error:simple');
  });

  it('converts an int to a float at the top level only: inside a list of floats it is a nested type error', () => {
    const t = task({ xs: { type: 'array', items: { type: 'float' } } }, ['xs'], {
      xs: [[new PyFloat(1), new PyFloat(2.5)]],
    });
    expect(checkBfclAnswer(t, '[{"name": "f.g", "arguments": {"xs": [1.0, 2.5]}}]')).toEqual({ valid: true });
    expect(checkBfclAnswer(t, '[{"name": "f.g", "arguments": {"xs": [1, 2.5]}}]')).toMatchObject({
      valid: false,
      errorType: 'type_error:nested',
    });
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
    expect(check(area, { base: new PyFloat(10.5), height: 5 }).errorType).toBe('type_error:simple');
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

describe('decodeBfclAnswer (default_decode_ast_prompting for the JSON format)', () => {
  it('reads a list of calls, a lone call, and text fenced in backticks', () => {
    const call = { name: 'f', arguments: { a: 1 } };
    expect(decodeBfclAnswer('[{"name": "f", "arguments": {"a": 1}}]')).toEqual({ ok: true, calls: [call] });
    expect(decodeBfclAnswer(' {"name": "f", "arguments": {"a": 1}}\n')).toEqual({ ok: true, calls: [call] });
    expect(decodeBfclAnswer('```[{"name": "f", "arguments": {"a": 1}}]```')).toEqual({
      ok: true,
      calls: [call],
    });
    expect(decodeBfclAnswer('[]')).toEqual({ ok: true, calls: [] });
  });

  it('fails text that is not JSON, and JSON that is not a list of calls', () => {
    expect(decodeBfclAnswer('I would call f with a = 1.')).toMatchObject({
      ok: false,
      errorType: 'ast_decoder:decoder_failed',
    });
    for (const text of [
      '[{"name": "f"}]',
      '[{"name": "f", "arguments": 1}]',
      '[{"name": "f", "arguments": {}, "x": 1}]',
      '"f"',
    ]) {
      expect(decodeBfclAnswer(text)).toMatchObject({
        ok: false,
        errorType: 'ast_decoder:decoder_wrong_output_format',
      });
    }
  });
});

/** A task of `category` offering functions f and g (one integer parameter each). */
function categoryTask(category: BfclCategory, truth: Record<string, unknown>[]): BfclTask {
  const fn = (name: string) => ({
    name,
    description: name,
    parameters: { type: 'dict', properties: { n: { type: 'integer' } }, required: ['n'] },
  });
  const record = {
    id: `${category}_t`,
    question: [[{ role: 'user', content: 'q' }]],
    function: category === 'multiple' ? [fn('f'), fn('g')] : [fn('f')],
  };
  return parseBfclTask(category, record, { ground_truth: truth });
}

const calls = (...list: [string, number][]) =>
  JSON.stringify(list.map(([name, n]) => ({ name, arguments: { n } })));

describe('checkBfclAnswer by category (ast_checker and the irrelevance rule)', () => {
  it('irrelevance: right when the text decodes to no call, prose included; wrong on any call', () => {
    const t = categoryTask('irrelevance', []);
    expect(checkBfclAnswer(t, '[]')).toEqual({ valid: true });
    expect(checkBfclAnswer(t, 'None of these functions can answer that.')).toEqual({ valid: true });
    expect(checkBfclAnswer(t, calls(['f', 1]))).toEqual({
      valid: false,
      error: 'Valid syntax. Successfully decode AST when it should not.',
      errorType: 'irrelevance_error:decoder_success',
    });
  });

  it('simple: exactly one call, and text that does not decode is wrong', () => {
    const t = categoryTask('simple', [{ f: { n: [1] } }]);
    expect(checkBfclAnswer(t, calls(['f', 1]))).toEqual({ valid: true });
    expect(checkBfclAnswer(t, '[]').errorType).toBe('simple_function_checker:wrong_count');
    expect(checkBfclAnswer(t, calls(['f', 1], ['f', 1])).errorType).toBe(
      'simple_function_checker:wrong_count',
    );
    expect(checkBfclAnswer(t, 'f(n=1)').errorType).toBe('ast_decoder:decoder_failed');
  });

  it('multiple: one call, of the function the answer names', () => {
    const t = categoryTask('multiple', [{ g: { n: [2] } }]);
    expect(checkBfclAnswer(t, calls(['g', 2]))).toEqual({ valid: true });
    expect(checkBfclAnswer(t, calls(['f', 2]))).toEqual({
      valid: false,
      error: "Function name 'g' not found in model output.",
      errorType: 'simple_function_checker:wrong_func_name',
    });
    expect(checkBfclAnswer(t, calls(['g', 2], ['f', 1])).errorType).toBe(
      'multiple_function_checker:wrong_count',
    );
  });

  it('parallel: every expected call matched once, in any order', () => {
    const t = categoryTask('parallel', [{ f: { n: [1] } }, { f: { n: [2] } }]);
    expect(checkBfclAnswer(t, calls(['f', 2], ['f', 1]))).toEqual({ valid: true });
    expect(checkBfclAnswer(t, calls(['f', 1]))).toEqual({
      valid: false,
      error: 'Wrong number of functions.',
      errorType: 'parallel_function_checker_no_order:wrong_count',
    });
    expect(checkBfclAnswer(t, calls(['f', 1], ['f', 1]))).toEqual({
      valid: false,
      error:
        'Could not find a matching function among index [1] of model output for index 1 of possible answers.',
      errorType: 'parallel_function_checker_no_order:cannot_find_match',
    });
  });
});

/**
 * An expected call as the model would write it: each parameter's first allowed value ("" leaves
 * it out), with dicts built the same way; a required parameter takes its first value that is not "".
 */
function firstAllowedCall(t: BfclTask, index: number): { name: string; arguments: Record<string, unknown> } {
  const materialize = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(materialize);
    if (typeof value !== 'object' || value === null || value instanceof PyFloat) return value;
    const out: Record<string, unknown> = {};
    for (const [key, allowed] of Object.entries(value)) {
      if ((allowed as unknown[])[0] !== '') out[key] = materialize((allowed as unknown[])[0]);
    }
    return out;
  };
  const expected = t.answer[index]!;
  const fn = t.functions.find((f) => f.name === expected.function)!;
  const args: Record<string, unknown> = {};
  const required = new Set(fn.parameters.required);
  for (const [param, allowed] of Object.entries(expected.params)) {
    const value = required.has(param) ? allowed.find((v) => v !== '') : allowed[0];
    if (value !== '') args[param] = materialize(value);
  }
  return { name: fn.name, arguments: args };
}

describe('checkBfclAnswer on the real BFCL sets', () => {
  let tasks: BfclTask[];
  beforeAll(async () => {
    tasks = await loadBfclTasks(await fetchBfclData());
  }, 300_000);

  it('passes every task its own first allowed answer', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(1_000);
    const failures = tasks
      .map((t) => ({
        id: t.id,
        result: checkBfclAnswer(t, pythonJson(t.answer.map((_, i) => firstAllowedCall(t, i)))),
      }))
      .filter((r) => !r.result.valid);
    expect(failures).toEqual([]);
  });

  it('fails a call to a wrong function, one with a changed value, and any call on irrelevance', () => {
    for (const category of ['simple', 'multiple', 'parallel'] as const) {
      for (const t of tasks.filter((x) => x.category === category).slice(0, 30)) {
        const answer = t.answer.map((_, i) => firstAllowedCall(t, i));
        const renamed = answer.map((c, i) => (i === 0 ? { ...c, name: `${c.name}_x` } : c));
        expect(checkBfclAnswer(t, pythonJson(renamed)).valid).toBe(false);
        const [param] = t.functions.find((f) => f.name === answer[0]!.name)!.parameters.required ?? [];
        if (param === undefined) continue;
        answer[0]!.arguments[param] = { changed: true };
        expect(checkBfclAnswer(t, pythonJson(answer)).valid).toBe(false);
      }
    }
    const irrelevant = tasks.filter((t) => t.category === 'irrelevance');
    expect(irrelevant.length).toBeGreaterThan(0);
    for (const t of irrelevant.slice(0, 30)) {
      expect(checkBfclAnswer(t, '[]').valid).toBe(true);
      const fn = t.functions[0]!;
      expect(checkBfclAnswer(t, JSON.stringify([{ name: fn.name, arguments: {} }])).valid).toBe(false);
    }
  });
});
