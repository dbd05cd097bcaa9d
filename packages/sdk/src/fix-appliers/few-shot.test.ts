import type { FewShotFix } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { applyFewShot } from './few-shot.js';

const fix: FewShotFix = {
  type: 'few_shot',
  examples: [
    { input: { text: 'Total 5 EUR' }, output: { total: 5 } },
    {
      messages: [
        { role: 'user', content: 'Total 7' },
        { role: 'assistant', content: '{"total":7}' },
      ],
    },
  ],
};

describe('applyFewShot', () => {
  it('puts the examples before the conversation as user/assistant turns', () => {
    const call = { system: 's', messages: [{ role: 'user', content: 'Total 9 USD' }], params: {} };
    expect(applyFewShot(call, fix).messages).toEqual([
      { role: 'user', content: '{"text":"Total 5 EUR"}' },
      { role: 'assistant', content: '{"total":5}' },
      { role: 'user', content: 'Total 7' },
      { role: 'assistant', content: '{"total":7}' },
      { role: 'user', content: 'Total 9 USD' },
    ]);
    expect(call.messages).toHaveLength(1);
  });

  it('prefixes a single prompt with the examples as text', () => {
    const result = applyFewShot({ prompt: 'Total 9 USD', params: {} }, fix);
    expect(result.prompt).toBe(
      'Examples:\nInput: {"text":"Total 5 EUR"}\nOutput: {"total":5}\nInput: Total 7\nOutput: {"total":7}\n\nTotal 9 USD',
    );
    expect(result.messages).toBeUndefined();
  });

  it('starts a conversation when the call has neither', () => {
    expect(applyFewShot({ params: {} }, fix).messages).toHaveLength(4);
  });
});
