import { firstAbove } from './categorical-sampling.js';
import type { SeededRandom } from './seeded-random.js';

const TWO_POW_32 = 4294967296;

function validatePoolSizes(poolSizes: readonly number[]): number {
  if (!Array.isArray(poolSizes)) throw new TypeError('poolSizes must be an array of problem counts');
  let total = 0;
  poolSizes.forEach((size, i) => {
    if (!(Number.isInteger(size) && size >= 0)) {
      throw new RangeError(`poolSizes[${i}] must be an integer >= 0, got ${String(size)}`);
    }
    total += size;
  });
  if (total < 1) throw new RangeError('poolSizes must hold at least one problem');
  if (total > TWO_POW_32) throw new RangeError(`poolSizes must hold at most 2^32 problems, got ${total}`);
  return total;
}

/**
 * The random curriculum of the SEC paper (Chen et al. 2025, arXiv 2505.14970): each training
 * problem is drawn uniformly from the whole pool, so arm i comes up with probability
 * `poolSizes[i] / sum(poolSizes)`. These are those probabilities, in the arms' order.
 */
export function randomCurriculumShares(poolSizes: readonly number[]): number[] {
  const total = validatePoolSizes(poolSizes);
  return poolSizes.map((size) => size / total);
}

/**
 * Draws `count` arm indices independently, with replacement, under the random curriculum: each
 * draw picks one problem uniformly (without modulo bias) from all pools laid end to end and
 * returns the arm it belongs to. Integer arithmetic only, so the shares are exact, not rounded.
 */
export function drawRandomCurriculum(
  poolSizes: readonly number[],
  rng: SeededRandom,
  count: number,
): number[] {
  const total = validatePoolSizes(poolSizes);
  if (!(Number.isInteger(count) && count >= 0)) {
    throw new RangeError(`count must be an integer >= 0, got ${String(count)}`);
  }
  // ends[i]: one past the last problem of arm i in the concatenated pool.
  const ends: number[] = [];
  let end = 0;
  for (const size of poolSizes) {
    end += size;
    ends.push(end);
  }
  // Integer problem numbers, so the shares are exact; an empty pool never wins.
  return Array.from({ length: count }, () => firstAbove(ends, rng.nextInt(total)));
}
