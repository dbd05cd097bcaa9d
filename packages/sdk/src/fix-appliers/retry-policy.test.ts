import type { RetryPolicyFix } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { retryPolicyCovers, retryPolicyDelayMs } from './retry-policy.js';

const policy: RetryPolicyFix = {
  type: 'retry_policy',
  maxAttempts: 4,
  baseDelayMs: 50,
  maxDelayMs: 300,
  jitter: 'none',
  retryOn: { categories: ['timeout', 'network'], statuses: [429, 503] },
};

describe('retry policy', () => {
  it('covers the listed categories and statuses only', () => {
    expect(retryPolicyCovers(policy, { category: 'timeout' })).toBe(true);
    expect(retryPolicyCovers(policy, { category: 'unknown', status: 503 })).toBe(true);
    expect(retryPolicyCovers(policy, { category: 'rate_limit', status: 400 })).toBe(false);
    expect(retryPolicyCovers(policy, { category: 'validation' })).toBe(false);
  });

  it('backs off exponentially up to its cap, with its jitter', () => {
    expect([1, 2, 3, 4].map((r) => retryPolicyDelayMs(policy, r, () => 0.5))).toEqual([50, 100, 200, 300]);
    expect(retryPolicyDelayMs({ ...policy, jitter: 'full' }, 3, () => 0.5)).toBe(100);
  });
});
