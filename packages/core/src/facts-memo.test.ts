import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FactsMemo, type MemoFacts } from './facts-memo.js';
import type { Category } from './failure-category.js';

const describeKey = (facts: MemoFacts, text: string, category: Category | undefined) =>
  JSON.stringify([facts.function, facts.errorType, facts.status, facts.code, text, category ?? 'none']);

describe('FactsMemo', () => {
  const facts: MemoFacts = { function: 'search', errorType: 'TypeError', status: 429, code: 'E1' };

  it('computes a key once while it is held, and tells every field apart', () => {
    const memo = new FactsMemo<string>(64);
    let calls = 0;
    const compute = (f: MemoFacts, text: string, category: Category | undefined) => {
      calls++;
      return describeKey(f, text, category);
    };
    expect(memo.get(facts, 'm', undefined, compute)).toBe(describeKey(facts, 'm', undefined));
    expect(memo.get({ ...facts }, 'm', undefined, compute)).toBe(describeKey(facts, 'm', undefined));
    expect(calls).toBe(1);
    const variants: [MemoFacts, string, Category | undefined][] = [
      [{ ...facts, function: 'book' }, 'm', undefined],
      [{ ...facts, errorType: 'Error' }, 'm', undefined],
      [{ ...facts, status: undefined }, 'm', undefined],
      [{ ...facts, code: undefined }, 'm', undefined],
      [facts, 'n', undefined],
      [facts, 'm', 'rate_limit'],
    ];
    for (const [f, text, category] of variants) {
      expect(memo.get(f, text, category, compute)).toBe(describeKey(f, text, category));
    }
    expect(calls).toBe(1 + variants.length);
    expect(memo.size).toBe(1 + variants.length);
  });

  it('never holds more than its limit, and starts over when full', () => {
    const memo = new FactsMemo<string>(3);
    for (const text of ['a', 'b', 'c']) memo.get(facts, text, undefined, () => text);
    expect(memo.size).toBe(3);
    memo.get(facts, 'd', undefined, () => 'd');
    expect(memo.size).toBe(1);
    let recomputed = false;
    memo.get(facts, 'a', undefined, () => {
      recomputed = true;
      return 'a';
    });
    expect(recomputed).toBe(true);
  });

  it('keeps a text shared by many error types in one function to a short scan, counting what it drops', () => {
    const memo = new FactsMemo<string>(1000);
    for (let i = 0; i < 20; i++) memo.get({ ...facts, errorType: `E${i}` }, 'same', undefined, () => `E${i}`);
    expect(memo.size).toBeLessThanOrEqual(8);
    expect(memo.get({ ...facts, errorType: 'E19' }, 'same', undefined, () => 'recomputed')).toBe('E19');
  });

  it('answers what compute answers, whatever the keys and the limit', () => {
    const text = fc.constantFrom('', 'a', 'a|b', '["a"]', 'null', 'undefined');
    const key = fc.record({
      function: fc.constantFrom('f', 'g', ''),
      errorType: fc.constantFrom('Error', 'null', ''),
      status: fc.constantFrom(undefined, 0, 429),
      code: fc.constantFrom(undefined, 'null', '429', ''),
    });
    const category = fc.constantFrom(undefined, 'rate_limit' as const, 'unknown' as const);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.tuple(key, text, category)), (limit, keys) => {
        const memo = new FactsMemo<string>(limit);
        for (const [f, t, c] of keys) {
          expect(memo.get(f, t, c, describeKey)).toBe(describeKey(f, t, c));
          expect(memo.size).toBeLessThanOrEqual(limit);
        }
      }),
    );
  });

  it('refuses a limit below 1', () => {
    expect(() => new FactsMemo(0)).toThrow(RangeError);
  });
});
