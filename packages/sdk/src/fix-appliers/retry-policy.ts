import type { RetryPolicyFix } from '@arc-agent/core';
import { backoffDelayMs } from '../backoff.js';
import type { ClassifiedFailure } from '../failure-classification.js';

/** Whether the policy covers this failure: its category or its HTTP status is listed. */
export function retryPolicyCovers(
  fix: RetryPolicyFix,
  failure: Pick<ClassifiedFailure, 'category' | 'status'>,
): boolean {
  return (
    fix.retryOn.categories.includes(failure.category) ||
    (failure.status !== undefined && fix.retryOn.statuses.includes(failure.status))
  );
}

/** Delay before retry number `retry` (1 for the first), exponential with the policy's jitter. */
export function retryPolicyDelayMs(fix: RetryPolicyFix, retry: number, random: () => number): number {
  return backoffDelayMs(retry, fix, random);
}
