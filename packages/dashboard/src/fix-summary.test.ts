import { describe, expect, it } from 'vitest';
import { summarizeFix } from './fix-summary.js';

describe('summarizeFix', () => {
  it('says what each fix type does', () => {
    expect(summarizeFix({ type: 'prompt_adjustment', instructions: 'Answer in JSON.' })).toBe(
      '“Answer in JSON.”',
    );
    expect(summarizeFix({ type: 'few_shot', examples: [{}, {}] })).toBe(
      '2 examples ahead of the conversation',
    );
    expect(summarizeFix({ type: 'few_shot', examples: [{}] })).toBe('1 example ahead of the conversation');
    expect(summarizeFix({ type: 'param_patch', params: { temperature: 0, model: 'm' } })).toBe(
      'temperature = 0, model = "m"',
    );
    expect(summarizeFix({ type: 'response_format', name: 'call', schema: {}, strict: true })).toBe(
      'JSON Schema “call”, strict',
    );
    expect(summarizeFix({ type: 'output_repair', json: true, coerce: true })).toBe(
      'repair JSON, coerce types',
    );
    expect(
      summarizeFix({
        type: 'retry_policy',
        maxAttempts: 3,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        jitter: 'full',
        retryOn: { categories: [], statuses: [] },
      }),
    ).toBe('3 attempts, backoff from 100 ms');
    expect(
      summarizeFix({
        type: 'composite',
        fixes: [
          { type: 'param_patch', params: { temperature: 0 } },
          { type: 'output_repair', json: true, coerce: false },
        ],
      }),
    ).toBe('Parameter patch: temperature = 0 + Output repair: repair JSON');
  });

  it('clips long instructions and shows unknown types as JSON', () => {
    const long = summarizeFix({ type: 'prompt_adjustment', instructions: 'x'.repeat(200) });
    expect(long).toHaveLength(92);
    expect(long.endsWith('…”')).toBe(true);
    expect(summarizeFix({ type: 'model_switch', model: 'big' })).toBe(
      '{"type":"model_switch","model":"big"}',
    );
  });
});
