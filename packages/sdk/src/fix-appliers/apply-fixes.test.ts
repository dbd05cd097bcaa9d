import type { SimpleFix } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { applyCallFixes, applyOutputFixes, changesCall } from './apply-fixes.js';

const fixes: SimpleFix[] = [
  { type: 'prompt_adjustment', instructions: 'Be terse.' },
  { type: 'param_patch', params: { temperature: 0 } },
  { type: 'few_shot', examples: [{ input: 'a', output: 'b' }] },
  { type: 'response_format', name: 'r', schema: { type: 'object' }, strict: true },
  { type: 'output_repair', json: true, coerce: false },
  {
    type: 'retry_policy',
    maxAttempts: 2,
    baseDelayMs: 1,
    maxDelayMs: 1,
    jitter: 'none',
    retryOn: { categories: ['timeout'], statuses: [] },
  },
];

describe('applying fixes', () => {
  it('applies the call-side parts in order and ignores the others', () => {
    const call = applyCallFixes(
      { system: 'S', messages: [{ role: 'user', content: 'q' }], params: {} },
      fixes,
    );
    expect(call).toEqual({
      system: 'S\n\nBe terse.',
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'q' },
      ],
      params: { temperature: 0 },
      responseFormat: { name: 'r', schema: { type: 'object' }, strict: true },
    });
  });

  it('applies the output-side parts', () => {
    expect(applyOutputFixes("{'a': 1,}", fixes)).toBe('{"a": 1}');
  });

  it('tells call-side parts apart', () => {
    expect(fixes.map(changesCall)).toEqual([true, true, true, true, false, false]);
  });
});
