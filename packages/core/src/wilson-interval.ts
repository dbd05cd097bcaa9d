/** A two-sided confidence interval for a proportion, within [0, 1]. */
export interface ProportionInterval {
  lower: number;
  upper: number;
}

/**
 * Wilson score interval for a success rate (Wilson 1927): unlike the normal (Wald) interval it stays
 * inside [0, 1] and keeps its coverage near 0 and 1 and for few trials, which is where fix success
 * rates live. `successes` may be fractional (rewards in [0, 1] counted as partial successes).
 * With no trials nothing is known: [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z = 1.96): ProportionInterval {
  if (!(Number.isFinite(trials) && trials >= 0)) {
    throw new RangeError(`trials must be a finite number >= 0, got ${trials}`);
  }
  if (!(Number.isFinite(successes) && successes >= 0 && successes <= trials)) {
    throw new RangeError(`successes must be a number in [0, trials], got ${successes} of ${trials}`);
  }
  if (!(Number.isFinite(z) && z > 0)) throw new RangeError(`z must be a finite number > 0, got ${z}`);
  if (trials === 0) return { lower: 0, upper: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { lower: Math.max(0, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}
