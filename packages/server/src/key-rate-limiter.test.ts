import { describe, expect, it } from 'vitest';
import { KeyRateLimiter } from './key-rate-limiter.js';

describe('KeyRateLimiter', () => {
  it('lets a burst through, then one request per 1/rate seconds, and says how long to wait', () => {
    let clock = 1_000_000;
    const limiter = new KeyRateLimiter({ perSecond: 4, burst: 3, now: () => clock });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    // Empty: a token comes back 250 ms later (4 per second).
    expect(limiter.take('a')).toBe(250);
    clock += 100;
    expect(limiter.take('a')).toBe(150);
    clock += 150;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(250);
    // Another key has its own bucket.
    expect(limiter.take('b')).toBe(0);
    // Idle long enough, the bucket is full again, and no fuller than its burst.
    clock += 60_000;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([
      0, 0, 0, 250,
    ]);
  });

  it('refills nothing when the clock steps back', () => {
    let clock = 5_000;
    const limiter = new KeyRateLimiter({ perSecond: 1, burst: 1, now: () => clock });
    expect(limiter.take('a')).toBe(0);
    clock -= 3_000;
    expect(limiter.take('a')).toBe(1000);
    clock += 3_000;
    expect(limiter.take('a')).toBe(1000);
    clock += 1_000;
    expect(limiter.take('a')).toBe(0);
  });

  it('keeps at most maxKeys buckets: full ones go first, then the least recently used', () => {
    let clock = 0;
    const limiter = new KeyRateLimiter({ perSecond: 1, burst: 2, now: () => clock, maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) limiter.take(key);
    clock += 1_000;
    // Every bucket is full again: adding a fourth sweeps them all but the new one.
    limiter.take('d');
    expect(limiter.size).toBe(1);
    for (const key of ['e', 'f', 'g']) limiter.take(key);
    expect(limiter.size).toBe(3);
    // d was the least recently used; e, f and g still hold their counts.
    expect([limiter.take('e'), limiter.take('e')]).toEqual([0, 1000]);
  });
});
