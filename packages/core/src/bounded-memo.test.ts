import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMemo } from './bounded-memo.js';

describe('BoundedMemo', () => {
  it('computes a key once while it is held', () => {
    const memo = new BoundedMemo<number>(4);
    let calls = 0;
    const compute = () => ++calls;
    expect(memo.get('a', compute)).toBe(1);
    expect(memo.get('a', compute)).toBe(1);
    expect(calls).toBe(1);
  });

  it('peeks at a kept value without computing or keeping anything', () => {
    const memo = new BoundedMemo<number>(2);
    expect(memo.peek('a')).toBeUndefined();
    expect(memo.size).toBe(0);
    memo.get('a', () => 1);
    expect(memo.peek('a')).toBe(1);
  });

  it('never holds more than its limit, and starts over when full', () => {
    const memo = new BoundedMemo<string>(3);
    for (const key of ['a', 'b', 'c']) memo.get(key, () => key);
    expect(memo.size).toBe(3);
    memo.get('d', () => 'd');
    expect(memo.size).toBe(1);
    let recomputed = false;
    memo.get('a', () => {
      recomputed = true;
      return 'a';
    });
    expect(recomputed).toBe(true);
  });

  it('answers what compute answers, whatever the keys and the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.string({ maxLength: 2 })), (limit, keys) => {
        const memo = new BoundedMemo<string>(limit);
        for (const key of keys) {
          expect(memo.get(key, () => `value of ${key}`)).toBe(`value of ${key}`);
          expect(memo.size).toBeLessThanOrEqual(limit);
        }
      }),
    );
  });

  it('refuses a limit below 1', () => {
    expect(() => new BoundedMemo(0)).toThrow(RangeError);
  });
});
