import { describe, expect, it } from 'vitest';
import { applyResponseFormat } from './response-format.js';

describe('applyResponseFormat', () => {
  it('sets the response format, replacing any earlier one', () => {
    const schema = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] };
    const call = { prompt: 'p', params: {}, responseFormat: { name: 'old', schema: {}, strict: false } };
    expect(
      applyResponseFormat(call, { type: 'response_format', name: 'invoice', schema, strict: true }),
    ).toEqual({
      prompt: 'p',
      params: {},
      responseFormat: { name: 'invoice', schema, strict: true },
    });
  });
});
