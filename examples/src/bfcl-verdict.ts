// BFCL's checker as the agent's verifier: the verdict Arc gets on a call of the learning pool
// (standing in for what production has: a labelled evaluation set, user feedback, a judge). The
// label is BFCL's error type; the message says what was expected and what the answer had, in the
// "expected …, got …" form verifiers use, with the answer's own part after `got` so that one kind
// of mistake is one pattern whatever the task.

import { type CheckResult, checkBfclAnswer, decodeBfclAnswer } from './bfcl-checker.js';
import type { BfclTask } from './bfcl-tasks.js';

export interface BfclVerdict {
  /** 1 right, 0 wrong. */
  score: number;
  /** BFCL's error type, e.g. `value_error:string`. */
  label?: string;
  message?: string;
}

/** What each kind of BFCL error expected, by the end of its error type. */
const EXPECTED: readonly [RegExp, string][] = [
  [/^irrelevance_error/, 'calls: expected [] since none of the functions fits the question'],
  [
    /^parallel_function_checker_no_order:wrong_count$/,
    'calls: expected one call for each case the question asks about',
  ],
  [/wrong_count$/, 'calls: expected exactly one call'],
  [/cannot_find_match$/, "calls: expected each call with the question's own values"],
  [/wrong_func_name$/, 'function: expected the function that answers the question'],
  [/missing_(required|optional)$/, 'arguments: expected a value for every parameter the question gives'],
  [/unexpected_param$/, "arguments: expected only the function's own parameters"],
  [
    /^type_error/,
    'argument types: expected the types the function declares (10.0 is a float, 10 an integer)',
  ],
  [/^value_error|^dict_checker|^list_dict_checker/, 'values: expected the values the question states'],
];

function got(text: string, result: CheckResult): string {
  const decoded = decodeBfclAnswer(text);
  const calls = decoded.ok ? decoded.calls : [];
  if (/wrong_count$|irrelevance_error/.test(result.errorType ?? '')) return `${calls.length} calls`;
  if (/wrong_func_name$/.test(result.errorType ?? ''))
    return JSON.stringify(calls.map((c) => c.name).join(', '));
  // BFCL's own sentence names the parameter and the value: the answer's part.
  return JSON.stringify(result.error ?? '');
}

/** The verdict on the model's text for `task`. */
export function bfclVerdict(task: BfclTask, text: string): BfclVerdict {
  const result = checkBfclAnswer(task, text);
  if (result.valid) return { score: 1 };
  const errorType = result.errorType ?? 'invalid';
  const expected = EXPECTED.find(([kind]) => kind.test(errorType))?.[1] ?? 'answer: expected the right call';
  return { score: 0, label: errorType, message: `${expected}, got ${got(text, result)}` };
}
