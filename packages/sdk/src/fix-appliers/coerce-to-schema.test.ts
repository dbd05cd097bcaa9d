import { describe, expect, it } from 'vitest';
import { coerceToSchema } from './coerce-to-schema.js';

const invoice = {
  type: 'object',
  properties: {
    total: { type: 'number' },
    count: { type: 'integer' },
    paid: { type: 'boolean' },
    currency: { type: 'string', enum: ['EUR', 'USD'] },
    reference: { type: 'string' },
    lines: { type: 'array', items: { type: 'object', properties: { amount: { type: 'number' } } } },
    note: { type: ['string', 'null'] },
  },
};

describe('coerceToSchema', () => {
  it('fixes the usual near-misses of model output', () => {
    expect(
      coerceToSchema(
        {
          total: ' 12.50 ',
          count: '3',
          paid: 'TRUE',
          currency: 'eur',
          reference: 12345,
          lines: { amount: '4' },
          note: null,
          extra: 'kept',
        },
        invoice,
      ),
    ).toEqual({
      total: 12.5,
      count: 3,
      paid: true,
      currency: 'EUR',
      reference: '12345',
      lines: [{ amount: 4 }],
      note: null,
      extra: 'kept',
    });
  });

  it('leaves what it cannot convert as it is', () => {
    expect(coerceToSchema({ total: 'twelve', count: '3.5', paid: 'yes', currency: 'GBP' }, invoice)).toEqual({
      total: 'twelve',
      count: '3.5',
      paid: 'yes',
      currency: 'GBP',
    });
    expect(coerceToSchema('not an object', invoice)).toBe('not an object');
    expect(coerceToSchema({ a: '1' }, { $ref: '#/defs/x' })).toEqual({ a: '1' });
  });

  it('does not mutate its input', () => {
    const value = { total: '1' };
    coerceToSchema(value, invoice);
    expect(value).toEqual({ total: '1' });
  });
});
