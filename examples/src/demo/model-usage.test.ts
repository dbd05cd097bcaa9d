import { describe, expect, it } from 'vitest';
import type { LlmBackend, LlmRequest } from '../llm-backend.js';
import { formatModelUsage, MeteredLlm } from './model-usage.js';

function scripted(): LlmBackend & { closed: boolean } {
  return {
    model: 'scripted',
    closed: false,
    async complete(request: LlmRequest) {
      const text = request.messages.at(-1)!.content;
      return {
        text,
        finishReason: 'stop',
        durationMs: 250 * text.length,
        ...(text === 'no usage'
          ? {}
          : { usage: { inputTokens: 10 * text.length, outputTokens: text.length } }),
      };
    },
    async close() {
      this.closed = true;
    },
  };
}

const ask = (llm: LlmBackend, content: string) => llm.complete({ messages: [{ role: 'user', content }] });

describe('MeteredLlm', () => {
  it('counts calls, tokens and seconds by the phase they ran in, and passes answers through', async () => {
    const inner = scripted();
    const llm = new MeteredLlm(inner);
    expect(llm.model).toBe('scripted');
    expect((await ask(llm, 'ab')).text).toBe('ab');
    llm.phase('traffic');
    await ask(llm, 'abcd');
    await ask(llm, 'no usage');
    llm.phase('rollouts');
    await ask(llm, 'a');
    expect(llm.usage()).toEqual({
      phases: {
        other: { calls: 1, inputTokens: 20, outputTokens: 2, seconds: 0.5 },
        traffic: { calls: 2, inputTokens: 40, outputTokens: 4, seconds: 1 + 2 },
        rollouts: { calls: 1, inputTokens: 10, outputTokens: 1, seconds: 0.25 },
      },
      total: { calls: 4, inputTokens: 70, outputTokens: 7, seconds: 3.75 },
    });
    expect(formatModelUsage(llm.usage())).toEqual([
      'model calls by phase:',
      '  other                     1 calls,     20 tokens read,     2 written,    1 s in the model',
      '  traffic                   2 calls,     40 tokens read,     4 written,    3 s in the model',
      '  rollouts                  1 calls,     10 tokens read,     1 written,    0 s in the model',
      '  total                     4 calls,     70 tokens read,     7 written,    4 s in the model',
    ]);
    await llm.close();
    expect(inner.closed).toBe(true);
  });
});
