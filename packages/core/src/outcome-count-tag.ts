// The SDK sends only a sample of successes in full; the rest travel as one aggregate `success`
// event whose tag says how many calls it stands for. SDK and server share this contract.

/** Tag on an aggregate success event: the number of calls it stands for (a decimal string). */
export const COUNT_TAG = 'arc.count';

/**
 * How many calls an event stands for: its COUNT_TAG when that is a positive integer, else 1.
 * A malformed tag counts as one call so counters never go backwards or explode.
 */
export function outcomeCount(tags: Readonly<Record<string, string>> | null | undefined): number {
  const raw = tags?.[COUNT_TAG];
  if (raw === undefined || !/^[1-9][0-9]{0,8}$/.test(raw)) return 1;
  return Number(raw);
}

/** True for an aggregate event: it carries counts, not an example worth keeping. */
export function isAggregateOutcome(tags: Readonly<Record<string, string>> | null | undefined): boolean {
  return tags?.[COUNT_TAG] !== undefined;
}
