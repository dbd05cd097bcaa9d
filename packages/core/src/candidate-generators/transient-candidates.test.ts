import { describe, expect, it } from 'vitest';
import { expectValidCandidates, typesOf } from './generator-input.fixture.js';
import { longerTimeoutMs, transientCandidates } from './transient-candidates.js';

describe('longerTimeoutMs', () => {
  it('doubles the longest deadline the errors mention, within [1 s, 10 min]', () => {
    expect(
      longerTimeoutMs([
        { input: 1, error: 'timeout of 30000ms exceeded' },
        { input: 2, error: 'after 12.5 s' },
      ]),
    ).toBe(60_000);
    expect(longerTimeoutMs([{ input: 1, error: 'Headers timeout after 45 seconds' }])).toBe(90_000);
    expect(longerTimeoutMs([{ input: 1, error: 'deadline 200ms' }])).toBe(1_000);
    expect(longerTimeoutMs([{ input: 1, error: 'took 900 s' }])).toBe(600_000);
    expect(longerTimeoutMs([{ input: 1, error: 'Request timed out after 3 attempts' }, { input: 2 }])).toBe(
      60_000,
    );
  });
});

describe('transientCandidates', () => {
  it('retries rate limits patiently on 429', () => {
    const candidates = transientCandidates('rate_limit', []);
    expectValidCandidates(candidates);
    expect(candidates.map((c) => c.fix)).toEqual([
      {
        type: 'retry_policy',
        maxAttempts: 4,
        baseDelayMs: 1000,
        maxDelayMs: 30000,
        jitter: 'full',
        retryOn: { categories: ['rate_limit'], statuses: [429] },
      },
      {
        type: 'retry_policy',
        maxAttempts: 6,
        baseDelayMs: 2000,
        maxDelayMs: 60000,
        jitter: 'full',
        retryOn: { categories: ['rate_limit'], statuses: [429] },
      },
    ]);
  });

  it('retries network failures quickly on gateway statuses', () => {
    const candidates = transientCandidates('network', []);
    expectValidCandidates(candidates);
    expect(candidates.map((c) => c.fix)).toMatchObject([
      { maxAttempts: 3, baseDelayMs: 250, retryOn: { categories: ['network'], statuses: [502, 503, 504] } },
      { maxAttempts: 5, baseDelayMs: 500 },
    ]);
  });

  it('gives timeouts a longer deadline too, alone and with the short retry', () => {
    const candidates = transientCandidates('timeout', [{ input: 1, error: 'timeout of 10000ms exceeded' }]);
    expectValidCandidates(candidates);
    expect(typesOf(candidates)).toEqual([
      'retry_policy',
      'retry_policy',
      'param_patch',
      'param_patch+retry_policy',
    ]);
    expect(candidates[2]!.fix).toEqual({ type: 'param_patch', params: { timeoutMs: 20_000 } });
    expect(candidates[3]!.fix).toEqual({
      type: 'composite',
      fixes: [candidates[2]!.fix, candidates[0]!.fix],
    });
  });
});
