import { describe, expect, it } from 'vitest';
import { applyParamPatch } from './param-patch.js';

describe('applyParamPatch', () => {
  it('overrides the parameters the fix names and keeps the others', () => {
    const call = { prompt: 'p', params: { temperature: 1.2, maxTokens: 100, model: 'small' } };
    const fixed = applyParamPatch(call, { type: 'param_patch', params: { temperature: 0, timeoutMs: 5000 } });
    expect(fixed).toEqual({
      prompt: 'p',
      params: { temperature: 0, maxTokens: 100, model: 'small', timeoutMs: 5000 },
    });
    expect(call.params.temperature).toBe(1.2);
  });
});
