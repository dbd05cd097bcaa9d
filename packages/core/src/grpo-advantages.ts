/** Options of `grpoAdvantages`, named after VERL's `norm_adv_by_std_in_grpo` and `epsilon`. */
export interface GrpoAdvantageOptions {
  /** Divide by the group's sample standard deviation (default true). */
  normalizeByStd?: boolean;
  /** Added to the standard deviation so a near-constant group cannot blow up (default 1e-6). */
  epsilon?: number;
}

interface GroupMoments {
  mean: number;
  std: number;
  constant: boolean;
}

/**
 * GRPO outcome advantages, as VERL's `compute_grpo_outcome_advantage`
 * (verl/trainer/ppo/core_algos.py): rewards are grouped by group id (one group = the G rollouts of
 * one input); within a group of n > 1, `A_i = (r_i - mean) / (std + epsilon)` with the sample
 * standard deviation (n - 1, as `torch.std`), or `A_i = r_i - mean` without std normalisation.
 * A group of one has mean 0 and std 1, so `A = r / (1 + epsilon)` (or `r`).
 *
 * Group ids are compared with `===`, so the number 1 and the string '1' are different groups.
 * A group whose rewards are all equal gets exactly 0: mathematically that is what the formula
 * gives, and computing it would leave ~1e-11 of rounding noise from the mean divided by epsilon.
 */
export function grpoAdvantages(
  rewards: readonly number[],
  groups: readonly (string | number)[],
  opts: GrpoAdvantageOptions = {},
): number[] {
  const normalizeByStd = opts.normalizeByStd ?? true;
  const epsilon = opts.epsilon ?? 1e-6;
  if (!Array.isArray(rewards)) throw new TypeError('rewards must be an array of numbers');
  if (!Array.isArray(groups)) throw new TypeError('groups must be an array of group ids');
  if (rewards.length !== groups.length) {
    throw new TypeError(
      `rewards and groups must have the same length, got ${rewards.length} rewards and ${groups.length} groups`,
    );
  }
  if (typeof normalizeByStd !== 'boolean') throw new TypeError('normalizeByStd must be a boolean');
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) {
    throw new TypeError(`epsilon must be a finite number >= 0, got ${epsilon}`);
  }

  const members = new Map<string | number, number[]>();
  for (let i = 0; i < rewards.length; i++) {
    const r = rewards[i];
    if (typeof r !== 'number' || !Number.isFinite(r)) {
      throw new TypeError(`rewards[${i}] must be a finite number, got ${String(r)}`);
    }
    const g = groups[i];
    if (!(typeof g === 'string' || (typeof g === 'number' && Number.isFinite(g)))) {
      throw new TypeError(`groups[${i}] must be a string or a finite number, got ${String(g)}`);
    }
    const list = members.get(g);
    if (list) list.push(r);
    else members.set(g, [r]);
  }

  const moments = new Map<string | number, GroupMoments>();
  for (const [g, values] of members) moments.set(g, groupMoments(values));

  const out = new Array<number>(rewards.length);
  for (let i = 0; i < rewards.length; i++) {
    const m = moments.get(groups[i]!)!;
    if (m.constant) out[i] = 0;
    else {
      const centred = rewards[i]! - m.mean;
      out[i] = normalizeByStd ? centred / (m.std + epsilon) : centred;
    }
  }
  return out;
}

function groupMoments(values: readonly number[]): GroupMoments {
  const n = values.length;
  if (n === 1) return { mean: 0, std: 1, constant: false };
  let sum = 0;
  let constant = true;
  for (const v of values) {
    sum += v;
    if (v !== values[0]) constant = false;
  }
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(squares / (n - 1)), constant };
}

/**
 * Mean of |A| (0 for no advantages): the SEC reward of a pattern. With binary rewards it is
 * largest when half the rollouts succeed, so the curriculum favours problems at the frontier.
 */
export function meanAbsoluteAdvantage(advantages: readonly number[]): number {
  if (!Array.isArray(advantages)) throw new TypeError('advantages must be an array of numbers');
  if (advantages.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < advantages.length; i++) {
    const a = advantages[i];
    if (typeof a !== 'number' || !Number.isFinite(a)) {
      throw new TypeError(`advantages[${i}] must be a finite number, got ${String(a)}`);
    }
    sum += Math.abs(a);
  }
  return sum / advantages.length;
}
