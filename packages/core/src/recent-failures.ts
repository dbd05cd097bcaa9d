/**
 * Weight of the newest step's failures in a pattern's recent failures, an exponential moving
 * average over learning steps: about the last ten steps count, so a pattern whose fix was deployed
 * stops weighing within a few dozen steps, while one quiet step does not erase a busy pattern.
 */
export const RECENT_FAILURES_SMOOTHING = 0.1;

/** What the learner knows of a pattern's traffic. */
export interface PatternTraffic {
  /** Failures of the pattern counted so far, at the last plan. */
  occurrences: number;
  /** Failures per step, smoothed: the traffic weight of the curricula that read it. */
  recentFailures: number;
}

/**
 * The traffic after a plan that saw `occurrences` failures counted so far. The step's failures
 * Δ = occurrences − the count at the previous plan (0 if the count went down: a pattern counted
 * afresh); recentFailures ← recentFailures + s·(Δ − recentFailures) with s the smoothing. At first
 * sight nothing is known of the rate: recentFailures = Δ, all of its failures so far.
 */
export function nextTraffic(previous: PatternTraffic | undefined, occurrences: number): PatternTraffic {
  if (!(Number.isFinite(occurrences) && occurrences >= 0)) {
    throw new RangeError(`occurrences must be a finite number >= 0, got ${String(occurrences)}`);
  }
  if (previous === undefined) return { occurrences, recentFailures: occurrences };
  const delta = Math.max(0, occurrences - previous.occurrences);
  return {
    occurrences,
    recentFailures: previous.recentFailures + RECENT_FAILURES_SMOOTHING * (delta - previous.recentFailures),
  };
}
