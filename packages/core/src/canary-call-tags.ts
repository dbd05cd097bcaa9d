// How an event says which canary arms its call was in, and whether it is the event that stands for
// the call. The SDK tags every event of a call made while canaries of its function are live; the
// server counts each call once, in the arm it was assigned (DESIGN.md section 6). SDK and server
// share this contract.

/** `treatment` when the call got at least one of the canaries listed, `control` otherwise. */
export const CANARY_ARM_TAG = 'canary';
/** The live canaries of the call's function, comma-separated. */
export const CANARY_FIX_IDS_TAG = 'canaryFixIds';
/** A fix the call got only on a retry after failing without it (a promoted fix it had not got). */
export const RESCUE_FIX_ID_TAG = 'rescueFixId';
/** `final` on the event of the call's last attempt, `retried` on a failed attempt that was retried. */
export const CANARY_ATTEMPT_TAG = 'canaryAttempt';

export type CanaryAttempt = 'final' | 'retried';

/**
 * Whether an event stands for its call in a canary's tally: the final attempt, as the SDK marks
 * it. SDKs from before the mark sent every attempt unmarked, and rescued control calls with the
 * canary's own fix on their retries: of theirs, only the first attempt counts (the outcome the
 * call's arm alone decided; an aggregate success, which has no attempt number, is a first attempt).
 */
export function standsForCall(
  tags: Readonly<Record<string, string>>,
  attempt: number | null | undefined,
): boolean {
  const marked = tags[CANARY_ATTEMPT_TAG];
  if (marked !== undefined) return marked === 'final';
  return attempt === null || attempt === undefined || attempt === 1;
}
