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
    // A call of the right function scores 0.4 x (1/4 + 3/4 x the share of its parameters right).
    expect(bfclVerdict(simple, call('3.0'))).toMatchObject({ score: 0.1, label: 'type_error:simple' });
    expect(bfclVerdict(simple, call('4'))).toEqual({
      score: 0.1,
      label: 'value_error:others',
      message: `values: expected the values the question states, got "Invalid value for parameter 'side': 4. Expected one of [3]."`,
    });
  });

  it('scores a wrong answer by how close it came, below the threshold of 0.5', () => {
    const two = parseBfclTask(
      'parallel',
      {
        id: 'parallel_0',
        question,
        function: [
          {
            ...fn,
            parameters: {
              type: 'dict',
              properties: { side: { type: 'integer' }, unit: { type: 'string' } },
              required: ['side'],
            },
          },
        ],
      },
      {
        ground_truth: [{ area: { side: [3], unit: ['cm', ''] } }, { area: { side: [5], unit: ['cm', ''] } }],
      },
    );
    const area = (args: string) => `{"name": "area", "arguments": {${args}}}`;
    // Prose where calls are expected, and a call where none fits: nothing right.
    expect(bfclVerdict(simple, 'The area is 9.').score).toBe(0);
    expect(bfclVerdict(irrelevant, call('3')).score).toBe(0);
    // One of two calls, with both parameters right (unit may be left out): (1/4 + 3/4) / 2 calls.
    expect(bfclVerdict(two, `[${area('"side": 3')}]`).score).toBe(0.2);
    // Both calls; the second has side wrong and unit right: (1 + 1/4 + 3/4 x 1/2) / 2 = 0.8125.
    expect(bfclVerdict(two, `[${area('"side": 3')}, ${area('"side": 4, "unit": "cm"')}]`).score).toBe(0.325);
    // Three calls where two are expected: the extra one costs, (1 + 1) / 3.
    expect(bfclVerdict(two, `[${area('"side": 3')}, ${area('"side": 5')}, ${area('"side": 5')}]`).score).toBe(
      0.267,
    );
    // An unknown function counts nothing.
    expect(bfclVerdict(simple, '[{"name": "volume", "arguments": {"side": 3}}]').score).toBe(0);
  });

  it('gives one normalised message per kind of mistake, whatever the task and the answer', () => {
    const message = (text: string) => normalizeMessage(bfclVerdict(simple, text).message!);
    expect(message(call('4'))).toBe(message(call('17')));
    expect(message('[]')).toBe(message(`[${call('3').slice(1, -1)}, ${call('3').slice(1, -1)}]`));
  });
});
