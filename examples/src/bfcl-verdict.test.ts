import { normalizeMessage } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { parseBfclTask } from './bfcl-tasks.js';
import { bfclVerdict } from './bfcl-verdict.js';

const fn = {
  name: 'area',
  description: 'Area of a square.',
  parameters: { type: 'dict', properties: { side: { type: 'integer' } }, required: ['side'] },
};
const question = [[{ role: 'user', content: 'Area of a square of side 3?' }]];
const simple = parseBfclTask(
  'simple',
  { id: 'simple_0', question, function: [fn] },
  { ground_truth: [{ area: { side: [3] } }] },
);
const irrelevant = parseBfclTask('irrelevance', { id: 'irrelevance_0', question, function: [fn] });
const call = (side: string) => `[{"name": "area", "arguments": {"side": ${side}}}]`;

describe('bfclVerdict', () => {
  it('scores a right answer 1 with nothing to say', () => {
    expect(bfclVerdict(simple, call('3'))).toEqual({ score: 1 });
    expect(bfclVerdict(irrelevant, '[]')).toEqual({ score: 1 });
  });

  it("labels a wrong answer with BFCL's error type and says what was expected and what it got", () => {
    expect(bfclVerdict(irrelevant, call('3'))).toEqual({
      score: 0,
      label: 'irrelevance_error:decoder_success',
      message: 'calls: expected [] since none of the functions fits the question, got 1 calls',
    });
    expect(bfclVerdict(simple, '[]')).toEqual({
      score: 0,
      label: 'simple_function_checker:wrong_count',
      message: 'calls: expected exactly one call, got 0 calls',
    });
    expect(bfclVerdict(simple, call('3.0'))).toMatchObject({ score: 0, label: 'type_error:simple' });
    expect(bfclVerdict(simple, call('4'))).toEqual({
      score: 0,
      label: 'value_error:others',
      message: `values: expected the values the question states, got "Invalid value for parameter 'side': 4. Expected one of [3]."`,
    });
  });

  it('gives one normalised message per kind of mistake, whatever the task and the answer', () => {
    const message = (text: string) => normalizeMessage(bfclVerdict(simple, text).message!);
    expect(message(call('4'))).toBe(message(call('17')));
    expect(message('[]')).toBe(message(`[${call('3').slice(1, -1)}, ${call('3').slice(1, -1)}]`));
  });
});
