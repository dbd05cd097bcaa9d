import { describe, expect, it } from 'vitest';
import { memoizePerObject } from './per-object-memo.js';

describe('memoizePerObject', () => {
  it('computes once per object, undefined values included, and apart for equal but distinct objects', () => {
    const calls: object[] = [];
    const sizeOf = memoizePerObject((list: readonly number[]) => {
      calls.push(list);
      return list.length === 0 ? undefined : list.length;
    });
    const a = [1, 2];
    const empty: number[] = [];
    expect(sizeOf(a)).toBe(2);
    expect(sizeOf(a)).toBe(2);
    expect(sizeOf(empty)).toBeUndefined();
    expect(sizeOf(empty)).toBeUndefined();
    expect(sizeOf([1, 2])).toBe(2);
    expect(calls).toEqual([a, empty, [1, 2]]);
    expect(calls[0]).toBe(a);
    expect(calls[1]).toBe(empty);
  });
});
