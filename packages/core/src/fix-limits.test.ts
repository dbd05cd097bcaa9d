import { describe, expect, it } from 'vitest';
import { FIX_LIMITS, fixLimitProblem } from './fix-limits.js';
import { type Fix, parseFix } from './fix-types.js';

/** A value nested `depth` arrays deep: `[[…[0]…]]`. */
function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** A JSON Schema object whose JSON text is exactly `chars` characters: `{"description":"…"}` is 18 + n. */
function schemaOfLength(chars: number): Record<string, unknown> {
  return { description: 'd'.repeat(chars - 18) };
}

describe('fixLimitProblem', () => {
  it('accepts fixes within every limit', () => {
    const fixes: Fix[] = [
      { type: 'prompt_adjustment', instructions: 'i'.repeat(FIX_LIMITS.maxTextChars) },
      { type: 'few_shot', examples: [{ input: nested(FIX_LIMITS.maxDepth - 1), output: { a: [1] } }] },
      { type: 'response_format', name: 'r', schema: schemaOfLength(FIX_LIMITS.maxSchemaChars), strict: true },
      { type: 'param_patch', params: { temperature: 0 } },
    ];
    for (const fix of fixes) expect(fixLimitProblem(fix)).toBeUndefined();
  });

  it("bounds a few-shot fix's examples in all: 32,768 characters of JSON pass, one more is refused", () => {
    // [{"input":"x…x","output":""}] is 26 characters around the n of the input.
    const examples = (n: number): Fix => ({
      type: 'few_shot',
      examples: [{ input: 'x'.repeat(n), output: '' }],
    });
    expect(JSON.stringify((examples(2) as { examples: unknown }).examples)).toHaveLength(28);
    expect(fixLimitProblem(examples(32_768 - 26))).toBeUndefined();
    expect(fixLimitProblem(examples(32_768 - 25))).toEqual({
      field: 'fix.examples',
      error: 'must be at most 32768 characters as JSON in all (is 32769)',
    });
  });

  it('refuses the 60 MB few-shot fix the issue reported, and a huge number of examples, naming the field', () => {
    const huge: Fix = { type: 'few_shot', examples: [{ input: 'q', output: 'a'.repeat(60_000_000) }] };
    expect(fixLimitProblem(huge)?.field).toBe('fix.examples');
    const many: Fix = {
      type: 'few_shot',
      examples: Array.from({ length: 21 }, () => ({ input: 1, output: 2 })),
    };
    expect(fixLimitProblem(many)).toEqual({ field: 'fix.examples', error: 'must have at most 20 items' });
  });

  it('lets a pool of examples each call picks its nearest from be larger, and bounds what a call gets', () => {
    // {"input":"x…x","output":""} is 24 characters around the n of the input.
    const sized = (n: number) => ({ input: 'x'.repeat(n), output: '' });
    const pool = (examples: { input: unknown; output: unknown }[], nearest = 2): Fix => ({
      type: 'few_shot',
      examples,
      nearest,
    });
    expect(fixLimitProblem(pool(Array.from({ length: 32 }, () => sized(1))))).toBeUndefined();
    expect(fixLimitProblem(pool(Array.from({ length: 33 }, () => sized(1))))).toEqual({
      field: 'fix.examples',
      error: 'must have at most 32 items',
    });
    // Four examples of 24,000 characters are 96,005 in all, within the pool's 98,304; a fifth is not.
    const big = (count: number) =>
      pool(
        Array.from({ length: count }, () => sized(24_000 - 24)),
        1,
      );
    expect(fixLimitProblem(big(4))).toBeUndefined();
    expect(fixLimitProblem(big(5))).toEqual({
      field: 'fix.examples',
      error: 'must be at most 98304 characters as JSON in all (is 120006)',
    });
    // A call gets its 2 nearest: the 2 largest together, as a JSON array, are held to 32,768.
    const pair = (n: number) => pool([sized(1), sized(16_383 - 24), sized(n - 24)], 2);
    expect(fixLimitProblem(pair(16_382))).toBeUndefined();
    expect(fixLimitProblem(pair(16_383))).toEqual({
      field: 'fix.examples',
      error: 'must be at most 32768 characters as JSON for the 2 a call gets (is 32769)',
    });
  });

  it('bounds the nesting of example values and schemas without overflowing the stack', () => {
    const deepExample: Fix = { type: 'few_shot', examples: [{ input: 1, output: nested(100_000) }] };
    expect(fixLimitProblem(deepExample)).toEqual({
      field: 'fix.examples[0].output',
      error: expect.stringMatching(/^must hold only JSON data, found nesting deeper than 32 at \/0\/0/),
    });
    const deepSchema: Fix = {
      type: 'composite',
      fixes: [
        { type: 'output_repair', json: true, coerce: false },
        { type: 'response_format', name: 'r', schema: { items: nested(100_000) }, strict: true },
      ],
    };
    expect(fixLimitProblem(deepSchema)?.field).toBe('fix.fixes[1].schema');
  });

  it('bounds a schema at 32,768 characters of JSON, as a declared output schema', () => {
    const fix: Fix = {
      type: 'output_repair',
      json: false,
      coerce: true,
      schema: schemaOfLength(FIX_LIMITS.maxSchemaChars + 1),
    };
    expect(fixLimitProblem(fix)).toEqual({
      field: 'fix.schema',
      error: 'must be at most 32768 characters as JSON (is 32769)',
    });
  });

  it('bounds instructions and example messages at 20,000 characters each', () => {
    const long = 'i'.repeat(20_001);
    expect(fixLimitProblem({ type: 'prompt_adjustment', instructions: long })).toEqual({
      field: 'fix.instructions',
      error: 'must be at most 20000 characters',
    });
    const messages: Fix = {
      type: 'few_shot',
      examples: [
        {
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: long },
          ],
        },
      ],
    };
    expect(fixLimitProblem(messages)?.field).toBe('fix.examples[0].messages[1].content');
  });

  it('bounds a whole composite whose parts are each within their limits', () => {
    // Each part is {"type":"prompt_adjustment","instructions":"…"}: 46 characters around 20,000;
    // seven of them, six commas, and {"type":"composite","fixes":[…]} (31) make 140,359.
    const part = { type: 'prompt_adjustment', instructions: 'i'.repeat(20_000) } as const;
    const fix: Fix = { type: 'composite', fixes: Array.from({ length: 7 }, () => part) };
    expect(fixLimitProblem(fix)).toEqual({
      field: 'fix',
      error: 'must be at most 131072 characters as JSON (is 140359)',
    });
  });

  it('holds parseFix to the same limits on single fields', () => {
    const tooMany = {
      type: 'few_shot',
      examples: Array.from({ length: FIX_LIMITS.maxExamples + 1 }, () => ({ input: 1, output: 2 })),
    };
    expect(parseFix(tooMany)).toMatchObject({ ok: false, field: 'fix.examples' });
    const long = { type: 'prompt_adjustment', instructions: 'i'.repeat(FIX_LIMITS.maxTextChars + 1) };
    expect(parseFix(long)).toMatchObject({ ok: false, field: 'fix.instructions' });
  });
});
