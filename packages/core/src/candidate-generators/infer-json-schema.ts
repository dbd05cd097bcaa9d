import { setOwnProperty } from '../set-own-property.js';
import type { JsonSchema } from './generator-input.js';

/**
 * A JSON Schema inferred from example outputs of successful calls, for when the user declared none:
 * the types seen at each position, every key seen as a property, and as required the keys present
 * in every object at that position. Numbers are `number` (a few integers do not prove a field is
 * integral). Plain text outputs that hold JSON are parsed first, since a model's reply is text.
 * `undefined` when the outputs are not structured (no objects or arrays), or there are none.
 */
export function inferOutputSchema(outputs: readonly unknown[], maxDepth = 6): JsonSchema | undefined {
  const summary = newSummary();
  for (const output of outputs) observe(summary, decodeJsonText(output), maxDepth);
  if (!(summary.types.has('object') || summary.types.has('array'))) return undefined;
  return emit(summary);
}

type JsonType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
const TYPE_ORDER: readonly JsonType[] = ['object', 'array', 'string', 'number', 'boolean', 'null'];

interface Summary {
  types: Set<JsonType>;
  objects: number;
  /** How many of the objects at this position had each key. */
  keys: Map<string, { present: number; value: Summary }>;
  items: Summary | undefined;
  /** Past the depth limit: anything goes. */
  opaque: boolean;
}

function newSummary(): Summary {
  return { types: new Set(), objects: 0, keys: new Map(), items: undefined, opaque: false };
}

function decodeJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function jsonType(value: unknown): JsonType | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return Number.isFinite(value) ? 'number' : undefined;
    case 'boolean':
      return 'boolean';
    default:
      return undefined; // undefined, functions, symbols, bigints are not JSON
  }
}

function observe(summary: Summary, value: unknown, depthLeft: number): void {
  const type = jsonType(value);
  if (type === undefined) return;
  summary.types.add(type);
  if (type !== 'object' && type !== 'array') return;
  if (depthLeft === 0) {
    summary.opaque = true;
    return;
  }
  if (Array.isArray(value)) {
    summary.items ??= newSummary();
    for (const item of value) observe(summary.items, item, depthLeft - 1);
    return;
  }
  summary.objects++;
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    if (jsonType(member) === undefined) continue;
    let entry = summary.keys.get(key);
    if (entry === undefined) {
      entry = { present: 0, value: newSummary() };
      summary.keys.set(key, entry);
    }
    entry.present++;
    observe(entry.value, member, depthLeft - 1);
  }
}

function emit(summary: Summary): JsonSchema {
  const types = TYPE_ORDER.filter((t) => summary.types.has(t));
  const schema: JsonSchema = {};
  if (types.length > 0) schema.type = types.length === 1 ? types[0] : types;
  if (summary.opaque) return schema;
  if (summary.types.has('object')) {
    const keys = [...summary.keys.keys()].sort();
    const properties: Record<string, unknown> = {};
    for (const key of keys) {
      setOwnProperty(properties, key, emit(summary.keys.get(key)!.value));
    }
    schema.properties = properties;
    schema.required = keys.filter((key) => summary.keys.get(key)!.present === summary.objects);
  }
  if (summary.types.has('array')) schema.items = summary.items === undefined ? {} : emit(summary.items);
  return schema;
}
