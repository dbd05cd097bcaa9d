import { describe, expect, it } from 'vitest';
import { StreamRetention } from './stream-retention.js';

describe('StreamRetention', () => {
  it('is due once per tenth of the retention appended, per project', () => {
    const retention = new StreamRetention(100);
    const dueAt = Array.from({ length: 30 }, (_, i) => retention.due('a', 1) && i + 1).filter(Boolean);
    expect(dueAt).toEqual([10, 20, 30]);
    expect(retention.due('b', 9)).toBe(false);
    expect(retention.due('b', 1)).toBe(true);
  });

  it('prunes on every append when the retention is under ten', () => {
    const retention = new StreamRetention(3);
    expect([retention.due('a', 1), retention.due('a', 1)]).toEqual([true, true]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a retention of %s', (keep) => {
    expect(() => new StreamRetention(keep)).toThrow(RangeError);
  });
});
