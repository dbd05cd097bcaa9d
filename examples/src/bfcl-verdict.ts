// BFCL's checker as the agent's verifier: the verdict Arc gets on a call of the learning pool
// (standing in for what production has: a labelled evaluation set, user feedback, a judge). The
// label is BFCL's error type; the message says what was expected and what the answer had, in the
// "expected …, got …" form verifiers use, with the answer's own part after `got` so that one kind
// of mistake is one pattern whatever the task.
//
// A wrong answer scores below the verdict threshold (0.5) by how close it came (bfclCloseness): a
// call of the right function with some values right scores more than prose. The learner's rewards
// are these scores, so a candidate fix that brings answers closer is told apart from one that
// does not, before either makes answers right; what counts as solved stays BFCL's verdict.

import {
  type BfclCall,
  bfclCloseness,
  type CheckResult,
  checkBfclAnswer,
  decodeBfclAnswer,
} from './bfcl-checker.js';
import type { BfclTask } from './bfcl-tasks.js';

/** The most a wrong answer scores: below 0.5, where a verdict counts as right. */
export const WRONG_ANSWER_MAX_SCORE = 0.4;

export interface BfclVerdict {
  /** 1 right; a wrong answer from 0 to WRONG_ANSWER_MAX_SCORE by how close it came. */
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

function got(calls: readonly BfclCall[], result: CheckResult): string {
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
  const decoded = decodeBfclAnswer(text);
  const calls = decoded.ok ? decoded.calls : [];
  return {
    score: Math.round(1000 * WRONG_ANSWER_MAX_SCORE * bfclCloseness(task, calls)) / 1000,
    label: errorType,
    message: `${expected}, got ${got(calls, result)}`,
  };
}
