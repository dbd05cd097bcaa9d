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
