import { describe, expect, it } from 'vitest';
import {
  checkDeclaredSchema,
  MAX_DECLARED_SCHEMA_DEPTH,
  MAX_DECLARED_SCHEMA_LENGTH,
} from './declared-output-schema.js';

const envelope = {
  type: 'object',
  properties: { name: { type: 'string' }, arguments: { type: 'object' } },
  required: ['name', 'arguments'],
  additionalProperties: false,
};

function nested(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 1; i < depth; i++) schema = { items: schema };
  return schema;
}

describe('checkDeclaredSchema', () => {
  it('takes a JSON Schema object and returns a detached copy without undefined members', () => {
    const declared = { ...structuredClone(envelope), description: undefined };
    const check = checkDeclaredSchema(declared);
    expect(check).toEqual({ ok: true, schema: envelope });
    if (!check.ok) throw new Error('unreachable');
    expect(check.schema).not.toBe(declared);
    (declared.properties as Record<string, unknown>).name = { type: 'number' };
    expect(check.schema).toEqual(envelope);
    expect(checkDeclaredSchema(Object.assign(Object.create(null), { type: 'string' }))).toEqual({
      ok: true,
      schema: { type: 'string' },
    });
  });

  it.each([
    ['null', null],
    ['an array', [envelope]],
    ['a boolean schema', true],
    ['a string', '{"type":"object"}'],
    ['a class instance', new Date(0)],
    ['a function', () => envelope],
  ])('refuses %s at the top level', (_name, value) => {
    expect(checkDeclaredSchema(value)).toEqual({ ok: false, problem: 'must be a JSON Schema object' });
  });

  it('names where a value is not JSON data', () => {
    expect(checkDeclaredSchema({ properties: { 'a/b': { type: () => 'string' } } })).toEqual({
      ok: false,
      problem: 'must hold only JSON data, found a function at /properties/a~1b/type',
    });
    expect(checkDeclaredSchema({ maximum: Number.POSITIVE_INFINITY })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('non-finite number at /maximum'),
    });
    expect(checkDeclaredSchema({ enum: [1, 2n] })).toMatchObject({
      problem: expect.stringContaining('bigint at /enum/1'),
    });
    expect(checkDeclaredSchema({ default: new Map() })).toMatchObject({
      problem: expect.stringContaining('instance of Map at /default'),
    });
    const hostile = Object.defineProperty({}, 'type', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(checkDeclaredSchema(hostile)).toMatchObject({ problem: expect.stringContaining('unreadable') });
  });

  it('bounds the depth, which also stops cycles', () => {
    expect(checkDeclaredSchema(nested(MAX_DECLARED_SCHEMA_DEPTH)).ok).toBe(true);
    expect(checkDeclaredSchema(nested(MAX_DECLARED_SCHEMA_DEPTH + 1))).toMatchObject({
      ok: false,
      problem: expect.stringContaining(`nesting deeper than ${MAX_DECLARED_SCHEMA_DEPTH}`),
    });
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.properties = { self: cyclic };
    expect(checkDeclaredSchema(cyclic)).toMatchObject({ ok: false });
  });

  it('bounds the length of its JSON text', () => {
    const fits = { description: 'x'.repeat(MAX_DECLARED_SCHEMA_LENGTH - '{"description":""}'.length) };
    expect(JSON.stringify(fits).length).toBe(MAX_DECLARED_SCHEMA_LENGTH);
    expect(checkDeclaredSchema(fits).ok).toBe(true);
    expect(checkDeclaredSchema({ description: `${fits.description}x` })).toEqual({
      ok: false,
      problem: `must be at most ${MAX_DECLARED_SCHEMA_LENGTH} characters as JSON (is ${MAX_DECLARED_SCHEMA_LENGTH + 1})`,
    });
  });
});
