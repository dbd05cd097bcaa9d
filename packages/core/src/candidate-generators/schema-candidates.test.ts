import { describe, expect, it } from 'vitest';
import { expectValidCandidates, paymentInput, typesOf } from './generator-input.fixture.js';
import { schemaCandidates } from './schema-candidates.js';

describe('schemaCandidates', () => {
  it('proposes targeted instructions, coercion to the schema, mined examples and both together', () => {
    const input = paymentInput('validation', '"currency" is required', { seed: 7 });
    const candidates = schemaCandidates(input);
    expectValidCandidates(candidates);
    expect(typesOf(candidates)).toEqual([
      'prompt_adjustment',
      'output_repair',
      'few_shot',
      'prompt_adjustment+few_shot',
    ]);
    const [prompt, coerce, fewShot, both] = candidates;
    expect(prompt!.fix).toEqual({
      type: 'prompt_adjustment',
      instructions:
        'The field `currency` (string) is required: always include it.\n' +
        'Required fields: `amount` (number), `currency` (string). Optional fields: `note` (string).',
    });
    expect(coerce!.fix).toMatchObject({ type: 'output_repair', json: true, coerce: true });
    expect(fewShot!.origin).toBe('mined');
    expect(fewShot!.fix).toEqual({ type: 'few_shot', examples: input.successes });
    expect(both!.fix).toEqual({ type: 'composite', fixes: [prompt!.fix, fewShot!.fix] });
    expect(schemaCandidates(input)).toEqual(candidates); // deterministic
  });

  it('forces structured output against a declared schema or the tool declaration, strictly', () => {
    const outputSchema = { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] };
    const declared = schemaCandidates(paymentInput('validation', '"amount" is required', { outputSchema }));
    expectValidCandidates(declared);
    expect(typesOf(declared)).toEqual([
      'prompt_adjustment',
      'output_repair',
      'response_format',
      'few_shot',
      'prompt_adjustment+few_shot',
    ]);
    expect(declared[2]).toMatchObject({
      fix: { type: 'response_format', name: 'createPayment', schema: outputSchema, strict: true },
      origin: 'rule',
      rationale: expect.stringContaining('declared JSON Schema'),
    });
    const tool = schemaCandidates(
      paymentInput('api_schema', 'x', { functionSchema: { name: 'pay.v2', parameters: outputSchema } }),
    );
    expect(tool.find((c) => c.fix.type === 'response_format')?.fix).toEqual({
      type: 'response_format',
      name: 'pay_v2',
      schema: outputSchema,
      strict: true,
    });
  });

  it('without a schema or successful calls, still instructs from the error', () => {
    const candidates = schemaCandidates(
      paymentInput('api_schema', "unknown field 'curency'", { successes: [] }),
    );
    expectValidCandidates(candidates);
    expect(candidates.map((c) => c.fix)).toEqual([
      { type: 'prompt_adjustment', instructions: 'Do not send the field `curency`.' },
    ]);
  });
});
