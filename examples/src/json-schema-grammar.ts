// Translates JSON Schema into the dialect node-llama-cpp compiles to a grammar. That dialect
// differs where it matters: an object's properties are all required, extra properties are
// refused unless allowed, and a schema without a type means null. The translation keeps every
// output the grammar allows valid against the original schema; where the dialect cannot say
// something (a few optional properties), it spells it out with alternatives.

import type { GbnfJsonSchema } from 'node-llama-cpp';
import type { JsonSchema } from './bfcl-schema.js';

/**
 * Objects with up to this many optional properties get one alternative per subset of them
 * (at most 2^3 = 8); beyond, every property is asked for, which still fits the schema.
 */
export const MAX_OPTIONAL_PROPERTIES = 3;

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const ANY: GbnfJsonSchema = {
  oneOf: [
    { type: ['string', 'number', 'boolean', 'null'] },
    { type: 'array' },
    { type: 'object', additionalProperties: true },
  ],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function subsets<T>(items: readonly T[]): T[][] {
  const all: T[][] = [[]];
  for (const item of items) {
    for (const subset of all.slice()) all.push([...subset, item]);
  }
  return all;
}

function objectSchema(schema: JsonSchema): GbnfJsonSchema {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const names = Object.keys(properties);
  const extra = schema.additionalProperties;
  // With named properties, extra ones are left out (allowed or not, the output stays valid).
  const additionalProperties: boolean | GbnfJsonSchema =
    names.length > 0 || extra === false ? false : isObject(extra) ? toGrammarSchema(extra) : true;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const optional = names.filter((name) => !required.has(name));
  const variant = (included: ReadonlySet<string>): GbnfJsonSchema => ({
    type: 'object',
    properties: Object.fromEntries(
      names.filter((n) => included.has(n)).map((n) => [n, toGrammarSchema(properties[n] as JsonSchema)]),
    ),
    additionalProperties,
  });
  if (optional.length === 0 || optional.length > MAX_OPTIONAL_PROPERTIES) return variant(new Set(names));
  const variants = subsets(optional).map((chosen) => variant(new Set([...required, ...chosen])));
  return { oneOf: variants };
}

function typedSchema(type: string, schema: JsonSchema): GbnfJsonSchema {
  if (type === 'object') return objectSchema(schema);
  if (type === 'array') {
    const out: Record<string, unknown> = { type: 'array' };
    if (isObject(schema.items)) out.items = toGrammarSchema(schema.items);
    if (typeof schema.minItems === 'number') out.minItems = schema.minItems;
    if (typeof schema.maxItems === 'number') out.maxItems = schema.maxItems;
    return out as GbnfJsonSchema;
  }
  if (PRIMITIVES.has(type)) return { type } as GbnfJsonSchema;
  throw new TypeError(`JSON Schema type "${type}" has no grammar`);
}

/** node-llama-cpp's schema for `schema` (JSON Schema: type, const, enum, oneOf/anyOf, properties, items). */
export function toGrammarSchema(schema: JsonSchema): GbnfJsonSchema {
  if (schema.const !== undefined) return { const: schema.const } as GbnfJsonSchema;
  if (Array.isArray(schema.enum)) return { enum: schema.enum } as GbnfJsonSchema;
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives))
    return { oneOf: alternatives.map((a) => toGrammarSchema(a as JsonSchema)) };
  const types =
    typeof schema.type === 'string'
      ? [schema.type]
      : Array.isArray(schema.type)
        ? (schema.type as string[])
        : [];
  if (types.length === 0) {
    return isObject(schema.properties)
      ? objectSchema(schema)
      : isObject(schema.items)
        ? typedSchema('array', schema)
        : ANY;
  }
  if (types.length === 1) return typedSchema(types[0]!, schema);
  return { oneOf: types.map((type) => typedSchema(type, schema)) };
}
