// The JSON Schema a tracked function declares for its output travels from the SDK to the server
// and on into fixes (structured output, coercion, instructions). Both ends hold it to these same
// bounds, so what the SDK accepts at track time the server accepts too.

import type { JsonSchema } from './candidate-generators/generator-input.js';

/** Longest declared schema, in characters of its JSON text. */
export const MAX_DECLARED_SCHEMA_LENGTH = 32 * 1024;
/** Deepest nesting of objects and arrays in a declared schema (the top-level object is depth 1). */
export const MAX_DECLARED_SCHEMA_DEPTH = 32;

export type DeclaredSchemaCheck = { ok: true; schema: JsonSchema } | { ok: false; problem: string };

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JSON Pointer segment of a key or index. */
function segment(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Where `value` stops being plain JSON data within the depth bound, or undefined when it does not. */
function nonJsonAt(value: unknown, path: string, depth: number, maxDepth: number): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : `a non-finite number at ${path || '/'}`;
  if (typeof value !== 'object') return `a ${typeof value} at ${path || '/'}`;
  if (depth > maxDepth) return `nesting deeper than ${maxDepth} at ${path}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonJsonAt(value[i], `${path}/${i}`, depth + 1, maxDepth);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isPlainObject(value))
    return `an instance of ${value.constructor?.name ?? 'a class'} at ${path || '/'}`;
  for (const [key, item] of Object.entries(value)) {
    // An undefined member is left out, as JSON.stringify leaves it out.
    if (item === undefined) continue;
    const found = nonJsonAt(item, `${path}/${segment(key)}`, depth + 1, maxDepth);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Where `value` stops being plain JSON data (no functions, class instances, cycles or non-finite
 * numbers) nested at most `maxDepth` deep (a top-level container is depth 1), as a phrase such as
 * "a function at /a/0"; undefined when it is such data. Never throws, and never recurses deeper
 * than `maxDepth`, so what passes can be stringified safely.
 */
export function jsonDataProblem(value: unknown, maxDepth: number): string | undefined {
  try {
    return nonJsonAt(value, '', 1, maxDepth);
  } catch {
    // A getter or Proxy trap that throws.
    return 'an unreadable value';
  }
}

/**
 * Whether `value` can be a declared output schema: a plain object of JSON data (no functions,
 * class instances, cycles or non-finite numbers), at most MAX_DECLARED_SCHEMA_DEPTH deep and
 * MAX_DECLARED_SCHEMA_LENGTH characters of JSON. When it can, `schema` is a detached JSON copy.
 * Never throws.
 */
export function checkDeclaredSchema(value: unknown): DeclaredSchemaCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlainObject(value)) {
    return { ok: false, problem: 'must be a JSON Schema object' };
  }
  const found = jsonDataProblem(value, MAX_DECLARED_SCHEMA_DEPTH);
  if (found !== undefined) return { ok: false, problem: `must hold only JSON data, found ${found}` };
  // The walk bounded the depth, so stringify cannot overflow the stack; cycles were caught as depth.
  const text = JSON.stringify(value);
  if (text.length > MAX_DECLARED_SCHEMA_LENGTH) {
    return {
      ok: false,
      problem: `must be at most ${MAX_DECLARED_SCHEMA_LENGTH} characters as JSON (is ${text.length})`,
    };
  }
  return { ok: true, schema: JSON.parse(text) as JsonSchema };
}
