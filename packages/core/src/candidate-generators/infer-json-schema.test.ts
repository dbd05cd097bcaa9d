import { describe, expect, it } from 'vitest';
import { inferOutputSchema } from './infer-json-schema.js';

describe('inferOutputSchema', () => {
  it('merges objects: every key is a property, keys in all of them are required', () => {
    const schema = inferOutputSchema([
      { amount: 12.5, currency: 'EUR', tags: ['a'] },
      { amount: 3, currency: 'USD', note: null },
      '{"amount": 7, "currency": "GBP", "note": "paid"}',
    ]);
    expect(schema).toEqual({
      type: 'object',
      properties: {
        amount: { type: 'number' },
        currency: { type: 'string' },
        note: { type: ['string', 'null'] },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['amount', 'currency'],
    });
  });

  it('describes arrays of objects and mixed item types', () => {
    expect(inferOutputSchema([[{ id: 1 }, { id: 2, ok: true }], []])).toEqual({
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'number' }, ok: { type: 'boolean' } },
        required: ['id'],
      },
    });
    expect(inferOutputSchema([{ v: [1, 'x'] }])).toEqual({
      type: 'object',
      properties: { v: { type: 'array', items: { type: ['string', 'number'] } } },
      required: ['v'],
    });
  });

  it('gives nothing for unstructured or absent outputs', () => {
    expect(inferOutputSchema([])).toBeUndefined();
    expect(inferOutputSchema(['plain text', 42, 'not {json'])).toBeUndefined();
    expect(inferOutputSchema([undefined])).toBeUndefined();
  });

  it('stops at the depth limit and skips members that are not JSON', () => {
    expect(inferOutputSchema([{ a: { b: { c: 1 } }, f: undefined }], 2)).toEqual({
      type: 'object',
      properties: { a: { type: 'object', properties: { b: { type: 'object' } }, required: ['b'] } },
      required: ['a'],
    });
  });

  it('keeps a "__proto__" key as a property', () => {
    const schema = inferOutputSchema([JSON.parse('{"__proto__": 1}')]);
    expect(Object.keys(schema?.properties as object)).toEqual(['__proto__']);
    expect(schema?.required).toEqual(['__proto__']);
  });
});
