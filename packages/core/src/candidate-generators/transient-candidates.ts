import type { Category } from '../failure-category.js';
import type { ParamPatchFix, RetryPolicyFix } from '../fix-types.js';
import { type CandidateFix, candidateFix } from './candidate-fix.js';
import type { FailureExample } from './generator-input.js';

export type TransientCategory = Extract<Category, 'timeout' | 'rate_limit' | 'network'>;

interface Schedule {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Per category, the HTTP statuses that mean the same thing, and a short and a patient backoff
 * schedule: rate limits need seconds to refill, a dropped connection is worth retrying at once.
 * Full jitter throughout, so retries from many agents do not arrive in waves.
 */
const PLANS: Record<TransientCategory, { statuses: number[]; schedules: [Schedule, Schedule] }> = {
  timeout: {
    statuses: [408, 504],
    schedules: [
      { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8_000 },
      { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 },
    ],
  },
  rate_limit: {
    statuses: [429],
    schedules: [
      { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000 },
      { maxAttempts: 6, baseDelayMs: 2_000, maxDelayMs: 60_000 },
    ],
  },
  network: {
    statuses: [502, 503, 504],
    schedules: [
      { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 4_000 },
      { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 15_000 },
    ],
  },
};

const DEFAULT_TIMEOUT_MS = 60_000;
const MIN_TIMEOUT_MS = 1_000;
const MAX_TIMEOUT_MS = 600_000;
const DURATION = /(\d+(?:\.\d+)?) ?(ms|milliseconds?|s|secs?|seconds?)\b/gi;

/**
 * Twice the longest duration the failing calls' errors mention (`timeout of 30000ms exceeded`),
 * within [1 s, 10 min]: the deadline they hit was too short. 60 s when none mentions one.
 */
export function longerTimeoutMs(failures: readonly FailureExample[]): number {
  let longest = 0;
  for (const failure of failures) {
    for (const m of (failure.error ?? '').matchAll(DURATION)) {
      const value = Number(m[1]);
      longest = Math.max(longest, m[2]!.toLowerCase().startsWith('m') ? value : value * 1000);
    }
  }
  if (longest === 0) return DEFAULT_TIMEOUT_MS;
  return Math.round(Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, 2 * longest)));
}

/**
 * timeout, rate_limit and network (DESIGN.md section 5): the call was fine, the moment was not.
 * Retry with a short and a patient backoff; for timeouts also a longer deadline, alone and with
 * the short retry.
 */
export function transientCandidates(
  category: TransientCategory,
  failures: readonly FailureExample[],
): CandidateFix[] {
  const plan = PLANS[category];
  const retries = plan.schedules.map(
    (s): RetryPolicyFix => ({
      type: 'retry_policy',
      ...s,
      jitter: 'full',
      retryOn: { categories: [category], statuses: plan.statuses },
    }),
  );
  const candidates = retries.map((fix) =>
    candidateFix(
      fix,
      'rule',
      `Retries ${category} failures up to ${fix.maxAttempts} attempts, backing off from ${fix.baseDelayMs} ms to at most ${fix.maxDelayMs} ms.`,
    ),
  );
  if (category === 'timeout') {
    const timeoutMs = longerTimeoutMs(failures);
    const deadline: ParamPatchFix = { type: 'param_patch', params: { timeoutMs } };
    candidates.push(
      candidateFix(deadline, 'rule', `Raises the call's deadline to ${timeoutMs} ms.`),
      candidateFix(
        { type: 'composite', fixes: [deadline, retries[0]!] },
        'rule',
        `A ${timeoutMs} ms deadline, and retries for calls that still time out.`,
      ),
    );
  }
  return candidates;
}
