// Runs a host's verifier (track's `verify`) so that nothing it does reaches the host: a throw, a
// rejection, a hang past the timeout or an answer that is not a verdict each become a failure to
// count, never an error, an unhandled rejection or a timer that keeps the process alive.

import { type Verdict, verdictOf } from '@arc-agent/core';
import { isThenable } from './safe-checks.js';

export type VerifyOutcome =
  | { ok: true; verdict: Verdict }
  | { ok: false; reason: 'threw' | 'timed_out' | 'not_a_verdict'; error: string };

function describe(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
  } catch {
    return 'a value that cannot be read';
  }
}

function judged(value: unknown): VerifyOutcome {
  let read: ReturnType<typeof verdictOf>;
  try {
    read = verdictOf(value);
  } catch (error) {
    return { ok: false, reason: 'not_a_verdict', error: `verify returned no verdict: ${describe(error)}` };
  }
  return 'verdict' in read
    ? { ok: true, verdict: read.verdict }
    : { ok: false, reason: 'not_a_verdict', error: `verify returned no verdict: ${read.error}` };
}

/**
 * Calls `verify`: what it answered at once, read as an outcome (a throw included), or the promise
 * (any thenable) it answered with, for settleVerify.
 */
export function callVerify(verify: () => unknown): VerifyOutcome | PromiseLike<unknown> {
  let result: unknown;
  try {
    result = verify();
  } catch (error) {
    return { ok: false, reason: 'threw', error: `verify threw ${describe(error)}` };
  }
  return isThenable(result) ? result : judged(result);
}

/** Settles with what a verify that answered with a promise said, within `timeoutMs`; never rejects. */
export function settleVerify(answer: PromiseLike<unknown>, timeoutMs: number): Promise<VerifyOutcome> {
  const settled = Promise.resolve(answer).then(judged, (error: unknown) => ({
    ok: false as const,
    reason: 'threw' as const,
    error: `verify rejected with ${describe(error)}`,
  }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<VerifyOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, reason: 'timed_out', error: `verify took longer than ${timeoutMs} ms` }),
      timeoutMs,
    );
    timer.unref?.();
  });
  return Promise.race([settled, timedOut]).finally(() => clearTimeout(timer));
}

/** Settles with what `verify` said, within `timeoutMs`; never rejects. */
export function runVerify(verify: () => unknown, timeoutMs: number): Promise<VerifyOutcome> {
  const answer = callVerify(verify);
  return isThenable(answer) ? settleVerify(answer, timeoutMs) : Promise.resolve(answer);
}
