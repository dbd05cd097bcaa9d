import { describe, expect, it } from 'vitest';
import { BfclSchemaError, bfclToJsonSchema, parseBfclParameterSchema } from './bfcl-schema.js';

const convert = (value: unknown) => bfclToJsonSchema(parseBfclParameterSchema(value, 'p'));

describe('bfclToJsonSchema', () => {
  it('maps Python type names to JSON Schema types', () => {
    expect(convert({ type: 'integer' })).toEqual({ type: 'integer' });
    expect(convert({ type: 'float' })).toEqual({ type: 'number' });
    expect(convert({ type: 'string', enum: ['a', 'b'] })).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(convert({ type: 'boolean', default: false })).toEqual({ type: 'boolean', default: false });
    expect(convert({ type: 'any', description: 'data' })).toEqual({ description: 'data' });
  });

  it('turns arrays and tuples into arrays of their items', () => {
    expect(convert({ type: 'tuple', items: { type: 'float' } })).toEqual({
      type: 'array',
      items: { type: 'number' },
    });
    expect(convert({ type: 'array', items: { type: 'array', items: { type: 'integer' } } })).toEqual({
      type: 'array',
      items: { type: 'array', items: { type: 'integer' } },
    });
  });

  it('closes dicts that list their properties and keeps open those that do not', () => {
    expect(
      convert({
        type: 'dict',
        properties: { a: { type: 'integer' }, b: { type: 'dict' } },
        required: ['a', 'ghost'],
      }),
    ).toEqual({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'object' } },
      required: ['a'],
      additionalProperties: false,
    });
  });

  it('rejects what is not BFCL, naming the path', () => {
    expect(() => convert({ type: 'dict', properties: { a: { type: 'number' } } })).toThrow(
      new BfclSchemaError('p.properties.a: unknown type "number"'),
    );
    expect(() => convert({ type: 'array', items: 3 })).toThrow('p.items: needs a string "type"');
    expect(() => convert({ type: 'dict', required: 'a' })).toThrow('p.required: must be a list of names');
    expect(() => convert({ type: 'toString' })).toThrow('unknown type "toString"');
  });
});
