import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathDeeperThan } from './json-depth.js';

/** Levels of objects and arrays in `value`, counted recursively (for small values only). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const items = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...items.map(depthOf));
}

describe('pathDeeperThan', () => {
  it('finds the first container past the bound and the keys that lead to it', () => {
    const value = { a: 1, b: [{ c: 'x' }, { d: [[1]] }] };
    expect(pathDeeperThan(value, 5)).toBeUndefined();
    expect(pathDeeperThan(value, 4)).toEqual(['b', 1, 'd', 0]);
    expect(pathDeeperThan(value, 2)).toEqual(['b', 0]);
    expect(pathDeeperThan(value, 1)).toEqual(['b']);
    expect(pathDeeperThan(value, 0)).toEqual([]);
    expect(pathDeeperThan('text', 0)).toBeUndefined();
    expect(pathDeeperThan([], 1)).toBeUndefined();
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    const deep = JSON.parse(`${'{"k":['.repeat(50_000)}1${']}'.repeat(50_000)}`);
    const path = pathDeeperThan(deep, 128)!;
    expect(path).toHaveLength(128);
    expect(path.slice(0, 4)).toEqual(['k', 0, 'k', 0]);
    expect(pathDeeperThan(deep, 100_000)).toBeUndefined();
  });

  it('agrees with a recursive count on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 7 }), (value, max) => {
        expect(pathDeeperThan(value, max) === undefined).toBe(depthOf(value) <= max);
      }),
      { numRuns: 500 },
    );
  });
});
