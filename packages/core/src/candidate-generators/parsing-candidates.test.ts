import { describe, expect, it } from 'vitest';
import { expectValidCandidates, paymentInput, typesOf } from './generator-input.fixture.js';
import { parsingCandidates } from './parsing-candidates.js';

describe('parsingCandidates', () => {
  it('proposes repair, greedy decoding, a JSON-only prompt, a response format, composites and examples', () => {
    const candidates = parsingCandidates(paymentInput('parsing_error', 'Unexpected end of JSON input'));
    expectValidCandidates(candidates);
    expect(typesOf(candidates)).toEqual([
      'output_repair',
      'param_patch',
      'prompt_adjustment',
      'response_format',
      'response_format+output_repair',
      'param_patch+output_repair',
      'few_shot',
    ]);
    expect(candidates[1]!.fix).toEqual({ type: 'param_patch', params: { temperature: 0 } });
    expect(candidates.map((c) => c.origin)).toEqual([
      'rule',
      'rule',
      'rule',
      'rule',
      'rule',
      'rule',
      'mined',
    ]);
  });

  it('infers the response format from successful outputs, and does not enforce a guess strictly', () => {
    const format = parsingCandidates(paymentInput('parsing_error', 'x')).find(
      (c) => c.fix.type === 'response_format',
    );
    expect(format?.fix).toEqual({
      type: 'response_format',
      name: 'createPayment',
      strict: false,
      schema: {
        type: 'object',
        properties: { amount: { type: 'number' }, currency: { type: 'string' }, note: { type: 'string' } },
        required: ['amount', 'currency'],
      },
    });
  });

  it('uses a declared schema or the tool declaration strictly', () => {
    const outputSchema = { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] };
    const declared = parsingCandidates(paymentInput('parsing_error', 'x', { outputSchema }));
    expect(declared.find((c) => c.fix.type === 'response_format')?.fix).toEqual({
      type: 'response_format',
      name: 'createPayment',
      schema: outputSchema,
      strict: true,
    });
    const tool = parsingCandidates(
      paymentInput('parsing_error', 'x', { functionSchema: { name: 'pay.v2', parameters: outputSchema } }),
    );
    expect(tool.find((c) => c.fix.type === 'response_format')?.fix).toMatchObject({
      name: 'pay_v2',
      strict: true,
    });
  });

  it('does without a schema or examples when there are no successful calls', () => {
    const candidates = parsingCandidates(paymentInput('parsing_error', 'x', { successes: [] }));
    expectValidCandidates(candidates);
    expect(typesOf(candidates)).toEqual([
      'output_repair',
      'param_patch',
      'prompt_adjustment',
      'param_patch+output_repair',
    ]);
  });
});
