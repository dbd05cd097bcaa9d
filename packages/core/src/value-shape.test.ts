import { describe, expect, it } from 'vitest';
import { TRUNCATED_KEY, valueShape } from './value-shape.js';

describe('valueShape', () => {
  it('gives type names for primitives', () => {
    expect([null, undefined, 'x', 1, true, 10n].map((v) => valueShape(v))).toEqual([
      'null',
      'undefined',
      'string',
      'number',
      'boolean',
      'bigint',
    ]);
  });

  it('keeps keys and types, never values, in sorted key order', () => {
    const shape = valueShape({ query: 'secret', limit: 5, filters: { since: new Date(0), tags: ['a'] } });
    expect(shape).toEqual({ filters: { since: 'date', tags: ['string'] }, limit: 'number', query: 'string' });
    expect(Object.keys(shape)).toEqual(['filters', 'limit', 'query']);
    expect(JSON.stringify(shape)).not.toContain('secret');
  });

  it('is the same for the same keys in any order and any values', () => {
    expect(JSON.stringify(valueShape({ b: 1, a: 'x' }))).toBe(JSON.stringify(valueShape({ a: 'y', b: 2 })));
  });

  it('gives an array the sorted distinct shapes of its elements', () => {
    expect(valueShape([1, 2, 3])).toEqual(['number']);
    expect(valueShape([])).toEqual([]);
    expect(valueShape(['a', 1, 'b', { k: 1 }])).toEqual(['number', 'string', { k: 'number' }]);
    expect(valueShape([{ role: 'user' }, { role: 'tool', id: 'c' }])).toEqual([
      { id: 'string', role: 'string' },
      { role: 'string' },
    ]);
  });

  it('bounds depth, keys and sampled items', () => {
    const limits = { depth: 2, keys: 2, items: 2 };
    expect(valueShape({ a: { b: { c: 1 } } }, limits)).toEqual({ a: { b: 'object' } });
    expect(valueShape({ c: 1, a: 1, b: 1 }, limits)).toEqual({
      a: 'number',
      b: 'number',
      [TRUNCATED_KEY]: 'truncated',
    });
    expect(valueShape([1, 2, 'late'], limits)).toEqual(['number']);
    expect(valueShape([[[1]]], limits)).toEqual([['array']]);
  });

  it('names cycles, maps, sets and bytes instead of walking them', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(valueShape(cyclic)).toEqual({ name: 'string', self: 'circular' });
    expect(valueShape({ m: new Map(), s: new Set(), b: new Uint8Array(2) })).toEqual({
      b: 'bytes',
      m: 'map',
      s: 'set',
    });
    // A shared (not cyclic) object is walked each time it appears.
    const shared = { k: 1 };
    expect(valueShape({ a: shared, b: shared })).toEqual({ a: { k: 'number' }, b: { k: 'number' } });
  });

  it('treats a __proto__ key as data', () => {
    const shape = valueShape(JSON.parse('{"__proto__": {"polluted": 1}}')) as Record<string, unknown>;
    expect(Object.keys(shape)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(shape)).toBe(Object.prototype);
    expect(JSON.stringify(shape)).toBe('{"__proto__":{"polluted":"number"}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
