import { describe, expect, it } from 'vitest';
import { nextTraffic, RECENT_FAILURES_SMOOTHING } from './recent-failures.js';

describe('nextTraffic', () => {
  it('starts from all failures so far, then smooths the failures of each step', () => {
    expect(RECENT_FAILURES_SMOOTHING).toBe(0.1);
    const first = nextTraffic(undefined, 12);
    expect(first).toEqual({ occurrences: 12, recentFailures: 12 });
    // 12 + 0.1 · (20 − 12) = 12.8; then a quiet step: 12.8 + 0.1 · (0 − 12.8) = 11.52.
    const second = nextTraffic(first, 32);
    expect(second.occurrences).toBe(32);
    expect(second.recentFailures).toBeCloseTo(12.8, 14);
    expect(nextTraffic(second, 32).recentFailures).toBeCloseTo(11.52, 14);
  });

  it('counts a count that went down as no new failures, and refuses what is not a count', () => {
    expect(nextTraffic({ occurrences: 50, recentFailures: 10 }, 3)).toEqual({
      occurrences: 3,
      recentFailures: 9,
    });
    expect(() => nextTraffic(undefined, -1)).toThrow(/occurrences/);
    expect(() => nextTraffic(undefined, Number.NaN)).toThrow(/occurrences/);
  });
});
