import type { Jitter } from '@arc-agent/core';

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: Jitter;
}

/**
 * Delay before retry number `retry` (1 for the first retry): exponential, capped, with jitter so
 * that many agents failing together do not retry in lockstep ("full" jitter, from AWS's
 * "Exponential Backoff and Jitter", spreads them the most). `random` is uniform in [0, 1).
 */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  switch (options.jitter) {
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
    case 'none':
      return ceiling;
  }
}
