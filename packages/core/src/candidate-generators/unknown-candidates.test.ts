import { describe, expect, it } from 'vitest';
import { expectValidCandidates, paymentInput, typesOf } from './generator-input.fixture.js';
import { unknownCandidates } from './unknown-candidates.js';

describe('unknownCandidates', () => {
  it('tries instructions from the error, a retry, both, and examples', () => {
    const input = paymentInput('unknown', 'something odd happened', { outputSchema: { type: 'string' } });
    const candidates = unknownCandidates(input);
    expectValidCandidates(candidates);
    expect(typesOf(candidates)).toEqual([
      'prompt_adjustment',
      'retry_policy',
      'prompt_adjustment+retry_policy',
      'few_shot',
    ]);
    expect(candidates[0]!.fix).toEqual({
      type: 'prompt_adjustment',
      instructions:
        'Earlier outputs of `createPayment` were rejected with "Error: something odd happened". Make the output satisfy what that error requires.',
    });
    expect(candidates[1]!.fix).toMatchObject({
      maxAttempts: 3,
      retryOn: { categories: ['unknown'], statuses: [] },
    });
  });
});
