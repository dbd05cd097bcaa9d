import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.js';

describe('BoundedQueue', () => {
  it('is FIFO and drops the oldest items past its capacity', () => {
    const q = new BoundedQueue<number>(3);
    expect([1, 2, 3].map((n) => q.push(n))).toEqual([0, 0, 0]);
    expect(q.push(4)).toBe(1);
    expect(q.push(5)).toBe(1);
    expect(q.size).toBe(3);
    expect(q.take(2)).toEqual([3, 4]);
    expect(q.take(10)).toEqual([5]);
    expect(q.size).toBe(0);
    expect(q.take(1)).toEqual([]);
  });

  it('puts a batch back at the front and drops the oldest of it when full', () => {
    const q = new BoundedQueue<number>(4);
    for (const n of [1, 2, 3, 4]) q.push(n);
    const batch = q.take(3);
    q.push(5);
    expect(q.unshift(batch)).toBe(1);
    expect(q.take(4)).toEqual([2, 3, 4, 5]);
  });

  it('wraps around its ring many times without losing order', () => {
    const q = new BoundedQueue<number>(5);
    const seen: number[] = [];
    for (let i = 0; i < 1000; i++) {
      q.push(i);
      if (i % 3 === 2) seen.push(...q.take(2));
    }
    seen.push(...q.take(5));
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
    expect(seen.at(-1)).toBe(999);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});
