import { setOwnProperty } from './set-own-property.js';

/**
 * The shape of a value: keys and value types, never the values themselves, so it can be stored and
 * compared without leaking data. A primitive's shape is its type name; an object's is an object of
 * its keys' shapes in sorted key order; an array's is the sorted list of its elements' distinct
 * shapes (`[1, 2, 3]` and `[7]` are both `['number']`). Depth, keys per object and elements sampled
 * per array are bounded, so the shape of any input is small and the walk is cheap.
 */
export type ValueShape = string | readonly ValueShape[] | { readonly [key: string]: ValueShape };

export type ValueShapeLimits = { depth: number; keys: number; items: number };

export const DEFAULT_VALUE_SHAPE_LIMITS: Readonly<ValueShapeLimits> = { depth: 4, keys: 32, items: 16 };

/** Key added to an object's shape when it had more keys than the limit. */
export const TRUNCATED_KEY = '…';

export function valueShape(
  value: unknown,
  limits: Readonly<ValueShapeLimits> = DEFAULT_VALUE_SHAPE_LIMITS,
): ValueShape {
  return shapeAt(value, limits, limits.depth, []);
}

function shapeAt(
  value: unknown,
  limits: Readonly<ValueShapeLimits>,
  depthLeft: number,
  ancestors: object[],
): ValueShape {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (ancestors.includes(value)) return 'circular';
  if (value instanceof Date) return 'date';
  if (value instanceof Map) return 'map';
  if (value instanceof Set) return 'set';
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return 'bytes';
  if (depthLeft === 0) return Array.isArray(value) ? 'array' : 'object';
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      const distinct = new Map<string, ValueShape>();
      for (const item of value.slice(0, limits.items)) {
        const shape = shapeAt(item, limits, depthLeft - 1, ancestors);
        distinct.set(JSON.stringify(shape), shape);
      }
      return [...distinct.keys()].sort().map((key) => distinct.get(key)!);
    }
    const keys = Object.keys(value).sort();
    // A plain object, not Object.create(null): V8 keeps those in dictionary mode, which every failure's
    // shape paid for in building, comparing and serialising (issue 16). A `__proto__` key still
    // becomes a plain entry (setOwnProperty), not a rewired prototype.
    const shape: Record<string, ValueShape> = {};
    for (const key of keys.slice(0, limits.keys)) {
      setOwnProperty(
        shape,
        key,
        shapeAt((value as Record<string, unknown>)[key], limits, depthLeft - 1, ancestors),
      );
    }
    if (keys.length > limits.keys) shape[TRUNCATED_KEY] = 'truncated';
    return shape;
  } finally {
    ancestors.pop();
  }
}
