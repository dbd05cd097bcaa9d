import { describe, expect, it } from 'vitest';
import type { CandidateGeneratorInput } from './generator-input.js';
import { outputSchemaOf, responseFormatName } from './output-schema.js';

const base: CandidateGeneratorInput = {
  pattern: { id: 'p', category: 'validation', function: 'f', normalizedMessage: 'm', errorType: 'E' },
  failures: [],
  successes: [{ input: 1, output: { a: 1 } }],
};

describe('outputSchemaOf', () => {
  it('prefers the declared schema, then the tool parameters, then inference', () => {
    const declared = { type: 'object', properties: { x: { type: 'string' } } };
    const parameters = { type: 'object', properties: { y: { type: 'number' } } };
    expect(
      outputSchemaOf({ ...base, outputSchema: declared, functionSchema: { name: 't', parameters } }),
    ).toEqual({
      schema: declared,
      source: 'declared',
    });
    expect(outputSchemaOf({ ...base, functionSchema: { name: 't', parameters } })).toEqual({
      schema: parameters,
      source: 'function',
    });
    expect(outputSchemaOf(base)).toEqual({
      schema: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
      source: 'inferred',
    });
    expect(outputSchemaOf({ ...base, successes: [{ input: 1, output: 'text' }] })).toBeUndefined();
  });

  it('infers from a successes array once: the same array again, for any pattern, gives what a fresh copy gives', () => {
    const examples = [
      { input: 1, output: { a: 1, b: ['x'] } },
      { input: 2, output: '{"a": 2}' },
      { input: 3, output: { a: 3, c: null } },
    ];
    // Counts the examples read out of the array.
    let reads = 0;
    const successes = new Proxy(examples, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
        return Reflect.get(target, key, receiver);
      },
    });
    const first = outputSchemaOf({ ...base, successes });
    expect(reads).toBe(examples.length);
    const other = { ...base.pattern, id: 'q', category: 'parsing_error' as const };
    expect(outputSchemaOf({ ...base, pattern: other, successes })).toEqual(first);
    expect(first).toEqual(outputSchemaOf({ ...base, successes: structuredClone(examples) }));
    expect(reads).toBe(examples.length);
    // Nothing structured to infer from is remembered too.
    const texts = [{ input: 1, output: 'text' }];
    expect(outputSchemaOf({ ...base, successes: texts })).toBeUndefined();
    expect(outputSchemaOf({ ...base, successes: texts })).toBeUndefined();
  });
});

describe('responseFormatName', () => {
  it('keeps what a response format name allows', () => {
    expect(responseFormatName('createPayment')).toBe('createPayment');
    expect(responseFormatName('tools.get weather!')).toBe('tools_get_weather');
    expect(responseFormatName('***')).toBe('output');
    expect(responseFormatName('x'.repeat(80))).toHaveLength(64);
  });
});
