import { describe, expect, it } from 'vitest';
import { type Fix, fixParts, parseDeployedFix, parseFix, riskOf } from './fix-types.js';

const retry: Fix = {
  type: 'retry_policy',
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  jitter: 'full',
  retryOn: { categories: ['timeout'], statuses: [503] },
};
const prompt: Fix = { type: 'prompt_adjustment', instructions: 'Answer with JSON only.' };
const repair: Fix = { type: 'output_repair', json: true, coerce: false };

function failure(value: unknown) {
  const result = parseFix(value);
  if (result.ok) throw new Error('expected a parse failure');
  return result;
}

describe('parseFix', () => {
  it('accepts every fix type and round-trips it through JSON', () => {
    const fixes: Fix[] = [
      prompt,
      {
        type: 'few_shot',
        examples: [{ input: { q: 1 }, output: '{"a":1}' }, { messages: [{ role: 'user', content: 'hi' }] }],
      },
      {
        type: 'few_shot',
        examples: Array.from({ length: 32 }, (_, i) => ({ input: { q: i }, output: i })),
        nearest: 3,
      },
      { type: 'param_patch', params: { temperature: 0, maxTokens: 256, timeoutMs: 5000, stop: ['\n\n'] } },
      { type: 'response_format', name: 'invoice', schema: { type: 'object' }, strict: true },
      { type: 'output_repair', json: true, coerce: true, schema: { type: 'object' } },
      retry,
      { type: 'composite', fixes: [prompt, retry] },
    ];
    for (const fix of fixes) {
      expect(parseFix(JSON.parse(JSON.stringify(fix)))).toEqual({ ok: true, value: fix });
    }
  });

  it('fills documented defaults', () => {
    const parsed = parseFix({ type: 'response_format', name: 'x', schema: {} });
    expect(parsed).toEqual({
      ok: true,
      value: { type: 'response_format', name: 'x', schema: {}, strict: true },
    });
    const policy = parseFix({
      type: 'retry_policy',
      maxAttempts: 2,
      baseDelayMs: 0,
      maxDelayMs: 0,
      retryOn: { statuses: [429] },
    });
    expect(policy.ok && policy.value.type === 'retry_policy' && policy.value).toMatchObject({
      jitter: 'full',
      retryOn: { categories: [], statuses: [429] },
    });
  });

  it('names the offending field', () => {
    expect(failure(null)).toMatchObject({ field: 'fix', error: 'must be an object' });
    expect(failure({ type: 'rewrite_code' }).field).toBe('fix.type');
    expect(failure({ type: 'prompt_adjustment' })).toMatchObject({
      field: 'fix.instructions',
      error: 'is required',
    });
    expect(failure({ type: 'prompt_adjustment', instructions: '' }).field).toBe('fix.instructions');
    expect(failure({ type: 'param_patch', params: { temperature: 9 } })).toMatchObject({
      field: 'fix.params.temperature',
      error: 'must be between 0 and 2',
    });
    expect(failure({ type: 'param_patch', params: { apiKey: 'x' } })).toMatchObject({
      field: 'fix.params.apiKey',
      error: 'is not a known field',
    });
    expect(failure({ type: 'param_patch', params: {} }).field).toBe('fix.params');
    expect(failure({ type: 'param_patch', params: { maxTokens: 1.5 } }).error).toBe('must be an integer');
    expect(failure({ type: 'few_shot', examples: [{ input: 1 }] }).field).toBe('fix.examples[0].output');
    expect(
      failure({ type: 'few_shot', examples: [{ messages: [{ role: 'tool', content: 'x' }] }] }).field,
    ).toBe('fix.examples[0].messages[0].role');
    const pool = (n: number) => Array.from({ length: n }, (_, i) => ({ input: i, output: i }));
    // A pool to pick the nearest from may be larger than the examples shown at once, not unbounded.
    expect(failure({ type: 'few_shot', examples: pool(21) })).toMatchObject({
      field: 'fix.examples',
      error: 'must have between 1 and 20 items',
    });
    expect(failure({ type: 'few_shot', examples: pool(33), nearest: 3 })).toMatchObject({
      field: 'fix.examples',
      error: 'must have between 1 and 32 items',
    });
    expect(failure({ type: 'few_shot', examples: pool(3), nearest: 0 })).toMatchObject({
      field: 'fix.nearest',
      error: 'must be between 1 and 20',
    });
    expect(failure({ type: 'few_shot', examples: pool(3), nearest: 1.5 }).error).toBe('must be an integer');
    expect(failure({ type: 'response_format', name: 'has space', schema: {} }).field).toBe('fix.name');
    expect(failure({ type: 'output_repair' }).field).toBe('fix.json');
    expect(failure({ type: 'output_repair', coerce: true }).field).toBe('fix.schema');
    expect(failure({ ...retry, maxDelayMs: 10 }).field).toBe('fix.maxDelayMs');
    expect(failure({ ...retry, retryOn: { categories: ['cosmic_rays'] } }).field).toBe(
      'fix.retryOn.categories[0]',
    );
    expect(failure({ ...retry, retryOn: {} }).field).toBe('fix.retryOn');
    expect(failure({ ...retry, jitter: 'some' }).field).toBe('fix.jitter');
    expect(
      failure({ type: 'composite', fixes: [prompt, { type: 'composite', fixes: [prompt] }] }).field,
    ).toBe('fix.fixes[1].type');
    expect(failure({ type: 'composite', fixes: [] }).field).toBe('fix.fixes');
  });
});

describe('parseDeployedFix', () => {
  const deployed = {
    id: 'fx_1',
    version: 2,
    patternId: 'p_abc',
    function: 'invoice.extract',
    fix: prompt,
    risk: 'medium',
    confidence: 0.9,
    canaryShare: 0.25,
  };

  it('accepts a deployed fix and ignores unknown top-level metadata', () => {
    expect(parseDeployedFix({ ...deployed, deployedAt: 123 })).toEqual({ ok: true, value: deployed });
  });

  it('names the offending field, inside the fix too', () => {
    expect(parseDeployedFix({ ...deployed, canaryShare: 1.5 })).toMatchObject({
      ok: false,
      field: 'deployedFix.canaryShare',
    });
    expect(parseDeployedFix({ ...deployed, risk: 'none' })).toMatchObject({
      ok: false,
      field: 'deployedFix.risk',
    });
    expect(parseDeployedFix({ ...deployed, version: 0 })).toMatchObject({
      ok: false,
      field: 'deployedFix.version',
    });
    expect(parseDeployedFix({ ...deployed, fix: { type: 'few_shot', examples: [] } })).toMatchObject({
      ok: false,
      field: 'deployedFix.fix.examples',
    });
  });
});

describe('riskOf', () => {
  it('rates retries and repairs low, prompt-side fixes medium, model switches and auth high', () => {
    expect(riskOf(retry)).toBe('low');
    expect(riskOf(repair)).toBe('low');
    expect(riskOf(prompt)).toBe('medium');
    expect(riskOf({ type: 'few_shot', examples: [{ input: 1, output: 2 }] })).toBe('medium');
    expect(riskOf({ type: 'param_patch', params: { temperature: 0 } })).toBe('medium');
    expect(riskOf({ type: 'response_format', name: 'x', schema: {}, strict: true })).toBe('medium');
    expect(riskOf({ type: 'param_patch', params: { model: 'bigger-model' } })).toBe('high');
    expect(riskOf(retry, 'auth_failure')).toBe('high');
  });

  it('rates a composite as its riskiest part', () => {
    expect(riskOf({ type: 'composite', fixes: [retry, repair] })).toBe('low');
    expect(riskOf({ type: 'composite', fixes: [retry, prompt] })).toBe('medium');
    expect(
      riskOf({ type: 'composite', fixes: [retry, { type: 'param_patch', params: { model: 'm' } }] }),
    ).toBe('high');
  });

  it('lists the parts of a fix', () => {
    expect(fixParts(prompt)).toEqual([prompt]);
    expect(fixParts({ type: 'composite', fixes: [prompt, retry] })).toEqual([prompt, retry]);
  });
});
