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

describe('applyFewShot with a pool', () => {
  const weather = (city: string) => ({
    input: [{ q: `weather in ${city} in celsius` }],
    output: `weather("${city}")`,
  });
  const money = (amount: number) => ({
    input: [{ q: `convert ${amount} euros to dollars` }],
    output: `convert(${amount})`,
  });
  const pool: FewShotFix = {
    type: 'few_shot',
    examples: [weather('Paris'), money(10), weather('Rome'), money(99), weather('Oslo')],
    nearest: 2,
  };
  const call = { messages: [{ role: 'user', content: 'hi' }], params: {} };

  it('gives each call the examples nearest its input, not the same ones every time', () => {
    const forWeather = applyFewShot(call, pool, [{ q: 'weather in Lima in celsius' }]).messages!;
    expect(forWeather).toHaveLength(2 * 2 + 1);
    expect(forWeather.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^weather/), expect.stringMatching(/^weather/)]),
    );
    const forMoney = applyFewShot(call, pool, [{ q: 'convert 42 euros to dollars' }]).messages!;
    expect(
      forMoney.filter((m) => m.role === 'assistant').every((m) => /^convert/.test(String(m.content))),
    ).toBe(true);
    // The same input gets the same examples.
    expect(applyFewShot(call, pool, [{ q: 'convert 42 euros to dollars' }]).messages).toEqual(forMoney);
  });

  it('chooses by the conversation when the input is not known', () => {
    const asked = { messages: [{ role: 'user', content: 'convert 5 euros to dollars please' }], params: {} };
    const messages = applyFewShot(asked, pool).messages!;
    expect(
      messages.filter((m) => m.role === 'assistant').every((m) => /^convert/.test(String(m.content))),
    ).toBe(true);
  });
});
