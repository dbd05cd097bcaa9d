import { type GbnfJsonSchema, getLlama, type Llama, LlamaLogLevel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBfclTasks } from './bfcl-tasks.js';
import { fetchBfclData } from './fetch-assets.js';
import { MAX_OPTIONAL_PROPERTIES, toGrammarSchema } from './json-schema-grammar.js';
import { toolCallsSchema } from './tool-call-format.js';

describe('toGrammarSchema', () => {
  it('keeps primitives, literals and arrays', () => {
    expect(toGrammarSchema({ type: 'integer', description: 'n' })).toEqual({ type: 'integer' });
    expect(toGrammarSchema({ type: 'string', enum: ['a', 'b'] })).toEqual({ enum: ['a', 'b'] });
    expect(toGrammarSchema({ const: 'f' })).toEqual({ const: 'f' });
    expect(toGrammarSchema({ type: 'array', items: { type: 'number' }, maxItems: 3 })).toEqual({
      type: 'array',
      items: { type: 'number' },
      maxItems: 3,
    });
    expect(toGrammarSchema({ type: ['string', 'null'] })).toEqual({
      oneOf: [{ type: 'string' }, { type: 'null' }],
    });
    expect(toGrammarSchema({ anyOf: [{ type: 'boolean' }] })).toEqual({ oneOf: [{ type: 'boolean' }] });
  });

  it('turns a schema without a type into any JSON value (the dialect would read it as null)', () => {
    expect(toGrammarSchema({})).toEqual({
      oneOf: [
        { type: ['string', 'number', 'boolean', 'null'] },
        { type: 'array' },
        { type: 'object', additionalProperties: true },
      ],
    });
  });

  it('spells out optional properties as one alternative per subset, in declared order', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'boolean' } },
      required: ['a'],
    };
    const grammar = toGrammarSchema(schema) as unknown as {
      oneOf: { properties: Record<string, unknown> }[];
    };
    expect(grammar.oneOf.map((v) => Object.keys(v.properties))).toEqual([
      ['a'],
      ['a', 'b'],
      ['a', 'c'],
      ['a', 'b', 'c'],
    ]);
    expect(grammar.oneOf[0]).toEqual({
      type: 'object',
      properties: { a: { type: 'integer' } },
      additionalProperties: false,
    });
  });

  it('asks for every property when there are too many optional ones to spell out', () => {
    const properties = Object.fromEntries(
      Array.from({ length: MAX_OPTIONAL_PROPERTIES + 1 }, (_, i) => [`p${i}`, { type: 'integer' }]),
    );
    expect(toGrammarSchema({ type: 'object', properties })).toEqual({
      type: 'object',
      properties,
      additionalProperties: false,
    });
  });

  it('allows any properties on an object that names none, typed when the schema says how', () => {
    expect(toGrammarSchema({ type: 'object' })).toEqual({
      type: 'object',
      properties: {},
      additionalProperties: true,
    });
    expect(toGrammarSchema({ type: 'object', additionalProperties: { type: 'string' } })).toEqual({
      type: 'object',
      properties: {},
      additionalProperties: { type: 'string' },
    });
  });

  it('refuses a type it has no grammar for', () => {
    expect(() => toGrammarSchema({ type: 'date' })).toThrow('JSON Schema type "date" has no grammar');
  });
});

describe('grammars for the real BFCL tools', () => {
  let llama: Llama;
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, logLevel: LlamaLogLevel.error });
  }, 120_000);
  afterAll(async () => {
    await llama?.dispose();
  });

  it('compiles the call-list schema of every task; a grammar takes a fitting call and refuses a mistyped one', async () => {
    const tasks = await loadBfclTasks(await fetchBfclData());
    for (const task of tasks) {
      const grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(
        toGrammarSchema(toolCallsSchema(task.tools)),
      );
      expect(grammar.grammar.length).toBeGreaterThan(0);
    }
    // A required-only call (optional parameters left out) is in every grammar with few optional parameters.
    const area = tasks.find((t) => t.id === 'simple_python_0')!;
    const grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(
      toGrammarSchema(toolCallsSchema(area.tools)),
    );
    expect(
      grammar.parse('[{"name": "calculate_triangle_area", "arguments": {"base": 10, "height": 5}}]'),
    ).toEqual([
      {
        name: 'calculate_triangle_area',
        arguments: { base: 10, height: 5 },
      },
    ]);
    expect(grammar.parse('[]')).toEqual([]);
    expect(() =>
      grammar.parse('[{"name": "calculate_triangle_area", "arguments": {"base": "10", "height": 5}}]'),
    ).toThrow();
  }, 120_000);
});
