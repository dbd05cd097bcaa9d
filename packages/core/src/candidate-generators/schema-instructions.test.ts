import { describe, expect, it } from 'vitest';
import type { JsonSchema, PatternSummary } from './generator-input.js';
import { schemaAt, schemaInstructions } from './schema-instructions.js';

const payment: JsonSchema = {
  type: 'object',
  properties: {
    amount: { type: 'number' },
    currency: { type: 'string', enum: ['USD', 'EUR'], description: 'ISO 4217 code' },
    note: { type: ['string', 'null'] },
    lines: { type: 'array', items: { type: 'object', properties: { price: { type: 'number' } } } },
  },
  required: ['amount', 'currency'],
};

const pattern = (normalizedMessage: string): PatternSummary => ({
  id: 'pat_1',
  category: 'validation',
  function: 'createPayment',
  normalizedMessage,
  errorType: 'ValidationError',
});

describe('schemaAt', () => {
  it('follows dotted paths through properties and array items', () => {
    expect(schemaAt(payment, 'currency')).toEqual({
      type: 'string',
      enum: ['USD', 'EUR'],
      description: 'ISO 4217 code',
    });
    expect(schemaAt(payment, 'lines.0.price')).toEqual({ type: 'number' });
    expect(schemaAt(payment, 'lines.<int>.price')).toEqual({ type: 'number' });
    expect(schemaAt(payment, 'missing')).toBeUndefined();
    expect(schemaAt(payment, 'toString')).toBeUndefined();
    expect(schemaAt(undefined, 'amount')).toBeUndefined();
  });
});

describe('schemaInstructions', () => {
  it('turns the error into an instruction about the field, with what the schema says of it', () => {
    expect(schemaInstructions(pattern('"currency" is required'), payment)).toBe(
      [
        'The field `currency` (string, one of "USD", "EUR": ISO 4217 code) is required: always include it.',
        'Required fields: `amount` (number), `currency` (string, one of "USD", "EUR": ISO 4217 code). ' +
          'Optional fields: `note` (string or null), `lines` (array).',
      ].join('\n'),
    );
  });

  it('words every kind of problem', () => {
    const only = (message: string, schema?: JsonSchema) =>
      schemaInstructions(pattern(message), schema).split('\n')[0];
    expect(only('"currency" is required')).toBe('The field `currency` is required: always include it.');
    expect(only('unknown field "curency"', payment)).toBe(
      'Do not send the field `curency`; use only `amount`, `currency`, `note`, `lines`.',
    );
    expect(only('data must NOT have additional properties')).toBe('Do not send fields that are not defined.');
    expect(only('amount: expected number, received string')).toBe(
      'The field `amount` must be of type number.',
    );
    expect(only("Invalid value for 'currency': must be one of")).toBe(
      'The field `currency` must be one of its allowed values.',
    );
    expect(only("Invalid value for 'currency': must be one of", payment)).toBe(
      'The field `currency` must be one of "USD", "EUR".',
    );
    expect(only("Invalid value for 'mode': must be one of 'fast', 'slow'")).toBe(
      'The field `mode` must be one of "fast", "slow".',
    );
    expect(only('data/amount must be >= <int>', payment)).toBe(
      'The field `amount` (number) must satisfy: must be >= <int>.',
    );
    expect(only('[ { "code": "missing", "path": [], "message": "Required" } ]', payment)).toBe(
      'A required field was missing: always include `amount`, `currency`.',
    );
  });

  it('quotes the error when it names nothing specific', () => {
    expect(schemaInstructions(pattern('No object generated: response did not match schema.'))).toBe(
      'Earlier outputs of `createPayment` were rejected with "ValidationError: No object generated: response did not match schema.". Make the output satisfy what that error requires.',
    );
  });
});
