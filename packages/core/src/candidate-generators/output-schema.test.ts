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
});

describe('responseFormatName', () => {
  it('keeps what a response format name allows', () => {
    expect(responseFormatName('createPayment')).toBe('createPayment');
    expect(responseFormatName('tools.get weather!')).toBe('tools_get_weather');
    expect(responseFormatName('***')).toBe('output');
    expect(responseFormatName('x'.repeat(80))).toHaveLength(64);
  });
});
