import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  const base = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles per retry up to the cap without jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((r) => backoffDelayMs(r, { ...base, jitter: 'none' }, () => 0.5));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws full jitter in [0, ceiling) and equal jitter in [ceiling/2, ceiling)', () => {
    expect(backoffDelayMs(3, { ...base, jitter: 'full' }, () => 0)).toBe(0);
    expect(backoffDelayMs(3, { ...base, jitter: 'full' }, () => 0.999999)).toBe(399);
    expect(backoffDelayMs(3, { ...base, jitter: 'equal' }, () => 0)).toBe(200);
    expect(backoffDelayMs(3, { ...base, jitter: 'equal' }, () => 0.999999)).toBe(399);
  });
});
