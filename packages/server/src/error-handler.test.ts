import { Ajv } from 'ajv';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { MAX_ERROR_DETAILS, validationDetails } from './error-handler.js';

const ajv = new Ajv({ allErrors: true });

function detailsFor(schema: object, value: unknown) {
  const validate = ajv.compile(schema);
  expect(validate(value)).toBe(false);
  return validationDetails(validate.errors ?? []);
}

describe('validationDetails', () => {
  it('names the missing property in the path of required errors', () => {
    const schema = Type.Object({
      events: Type.Array(Type.Object({ function: Type.String(), kind: Type.String() })),
    });
    expect(detailsFor(schema, { events: [{ function: 'f', kind: 'x' }, { kind: 'x' }] })).toEqual([
      { path: '/events/1/function', message: 'is required' },
    ]);
  });

  it('uses the instance path for type errors, and / for the root', () => {
    expect(detailsFor(Type.Object({ a: Type.Integer() }), { a: 'x' })).toEqual([
      { path: '/a', message: 'must be integer' },
    ]);
    expect(detailsFor(Type.Object({}), [])).toEqual([{ path: '/', message: 'must be object' }]);
  });

  it('escapes / and ~ in property names (JSON Pointer)', () => {
    const schema = Type.Object({ 'a/b~c': Type.String() });
    expect(detailsFor(schema, {})).toEqual([{ path: '/a~1b~0c', message: 'is required' }]);
  });

  it('names properties that are not allowed', () => {
    const schema = Type.Object({ name: Type.String() }, { additionalProperties: false });
    expect(detailsFor(schema, { name: 'n', nmae: 'n' })).toEqual([
      { path: '/nmae', message: 'is not allowed' },
    ]);
  });

  it('lists the allowed values of an enum', () => {
    expect(detailsFor(Type.Object({ kind: Type.Enum(['failure', 'success']) }), { kind: 'oops' })).toEqual([
      { path: '/kind', message: 'must be one of: failure, success' },
    ]);
  });

  it('folds the alternatives of a failed anyOf into one detail', () => {
    const schema = Type.Object({ t: Type.Union([Type.String(), Type.Integer()]) });
    expect(detailsFor(schema, { t: true })).toEqual([
      { path: '/t', message: 'must be string, or must be integer' },
    ]);
  });

  it('stops at MAX_ERROR_DETAILS', () => {
    const schema = Type.Array(Type.String());
    const details = detailsFor(
      schema,
      Array.from({ length: MAX_ERROR_DETAILS + 50 }, (_, i) => i),
    );
    expect(details).toHaveLength(MAX_ERROR_DETAILS);
    expect(details[0]).toEqual({ path: '/0', message: 'must be string' });
  });
});
