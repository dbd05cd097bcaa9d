// The schema of values two schemas both accept, for the keywords the agent's schemas use (type,
// const, enum, oneOf/anyOf, properties, required, additionalProperties, items). The agent
// decodes against "the requested response format AND the schema of its own tools": an output
// outside its tools would be rejected anyway, so constraining the model to it loses nothing.

import type { JsonSchema } from './bfcl-schema.js';

const CONSTRAINING = [
  'type',
  'const',
  'enum',
  'oneOf',
  'anyOf',
  'properties',
  'required',
  'additionalProperties',
  'items',
];

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function constrains(schema: JsonSchema): boolean {
  return CONSTRAINING.some((key) => schema[key] !== undefined);
}

function typesOf(schema: JsonSchema): string[] | undefined {
  if (typeof schema.type === 'string') return [schema.type];
  return Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
}

function commonTypes(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out = new Set<string>();
  for (const t of a) {
    if (b.includes(t)) out.add(t);
    else if ((t === 'integer' && b.includes('number')) || (t === 'number' && b.includes('integer')))
      out.add('integer');
  }
  return [...out];
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether a literal passes a schema's type, const and enum. */
function admits(schema: JsonSchema, value: unknown): boolean {
  const types = typesOf(schema);
  const type = jsonTypeOf(value);
  if (types && !types.includes(type) && !(type === 'integer' && types.includes('number'))) return false;
  const same = (x: unknown) => JSON.stringify(x) === JSON.stringify(value);
  if (schema.const !== undefined && !same(schema.const)) return false;
  return !Array.isArray(schema.enum) || schema.enum.some(same);
}

/** What a property of `schema` not named in its `properties` must be: undefined when anything goes, null when refused. */
function additional(schema: JsonSchema): JsonSchema | null | undefined {
  const extra = schema.additionalProperties;
  if (extra === false) return null;
  return isObject(extra) ? extra : undefined;
}

function intersectObjects(a: JsonSchema, b: JsonSchema, out: JsonSchema): JsonSchema | null {
  const pa = isObject(a.properties) ? a.properties : {};
  const pb = isObject(b.properties) ? b.properties : {};
  const required = new Set([...((a.required as string[]) ?? []), ...((b.required as string[]) ?? [])]);
  const properties: JsonSchema = {};
  for (const name of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
    const left = Object.hasOwn(pa, name) ? (pa[name] as JsonSchema) : additional(a);
    const right = Object.hasOwn(pb, name) ? (pb[name] as JsonSchema) : additional(b);
    const both = left === null || right === null ? null : intersectSchemas(left ?? {}, right ?? {});
    if (both !== null) properties[name] = both;
    else if (required.has(name)) return null;
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (required.size > 0) out.required = [...required];
  const ea = additional(a);
  const eb = additional(b);
  if (ea === null || eb === null) out.additionalProperties = false;
  else if (ea !== undefined || eb !== undefined) {
    const extra = intersectSchemas(ea ?? {}, eb ?? {});
    out.additionalProperties = extra ?? false;
  }
  return out;
}

/** A schema accepting exactly what both accept, or null when nothing fits both. */
export function intersectSchemas(a: JsonSchema, b: JsonSchema): JsonSchema | null {
  if (!constrains(a)) return b;
  if (!constrains(b)) return a;
  const alternatives = (a.oneOf ?? a.anyOf) as JsonSchema[] | undefined;
  if (alternatives) {
    const rest = { ...a, oneOf: undefined, anyOf: undefined };
    const both = alternatives.map((alt) => {
      const variant = intersectSchemas(rest, alt);
      return variant === null ? null : intersectSchemas(variant, b);
    });
    const kept = both.filter((s): s is JsonSchema => s !== null);
    if (kept.length === 0) return null;
    return kept.length === 1 ? kept[0]! : { oneOf: kept };
  }
  if ((b.oneOf ?? b.anyOf) !== undefined) return intersectSchemas(b, a);

  const literals = a.const !== undefined ? [a.const] : Array.isArray(a.enum) ? a.enum : undefined;
  const otherLiterals = b.const !== undefined ? [b.const] : Array.isArray(b.enum) ? b.enum : undefined;
  if (literals !== undefined || otherLiterals !== undefined) {
    const pool = (literals ?? otherLiterals)!;
    const kept = pool.filter((v) => admits(a, v) && admits(b, v));
    if (kept.length === 0) return null;
    return kept.length === 1 ? { const: kept[0] } : { enum: kept };
  }

  const types = commonTypes(typesOf(a), typesOf(b));
  if (types !== undefined && types.length === 0) return null;
  const out: JsonSchema = {};
  if (types !== undefined) out.type = types.length === 1 ? types[0] : types;
  const objectish = types === undefined || types.includes('object');
  if (
    objectish &&
    (a.properties ?? b.properties ?? a.additionalProperties ?? b.additionalProperties) !== undefined
  ) {
    return intersectObjects(a, b, out);
  }
  if (isObject(a.items) || isObject(b.items)) {
    const items = intersectSchemas(isObject(a.items) ? a.items : {}, isObject(b.items) ? b.items : {});
    if (items === null) return null;
    out.items = items;
  }
  return out;
}
