import { sampleCategorical } from './categorical-sampling.js';
import { learnableTrafficProbabilities } from './learnable-traffic.js';
import type { SecCurriculum } from './sec-curriculum.js';
import type { SeededRandom } from './seeded-random.js';
import { softmax } from './softmax.js';

/**
 * How a learning step draws its B patterns (DESIGN.md section 3):
 * - `sec`: softmax(Q / τ), Q learnt from each pattern's mean |GRPO advantage|;
 * - `sec-weighted`: the same draw, with each reward weighted by the pattern's share of failures
 *   (`failureShareWeights`), so Q follows learnability times traffic;
 * - `random`: in proportion to the pattern's recent failures (uniform while none has any);
 * - `learnable-traffic`: in proportion to recent failures times the share left to prevent times
 *   learnability, SEC's Q from an optimistic start (`learnable-traffic.ts`);
 * - `uniform`: each pattern alike;
 * - `greedy`: the patterns with the most recent failures, one draw each, most first (again from the
 *   top when there are fewer than B); ties by id.
 */
export const CURRICULA = ['sec', 'sec-weighted', 'random', 'learnable-traffic', 'uniform', 'greedy'] as const;
export type Curriculum = (typeof CURRICULA)[number];

export function isCurriculum(value: unknown): value is Curriculum {
  return CURRICULA.includes(value as Curriculum);
}

/** An arm as the curricula see it. */
export interface CurriculumArm {
  id: string;
  /** SEC's value of the arm. */
  q: number;
  /** Recent failures of the pattern (see `recentFailures`), >= 0. */
  failures: number;
  /** Share of its failures left to prevent (`unpreventedShare`), in [0, 1]. */
  unprevented: number;
  /** SEC's Q from an optimistic start (`learnability`), >= 0. */
  learnability: number;
}

/** Arm indices, most failures first, ties by id: the order greedy draws in. */
function greedyOrder(arms: readonly CurriculumArm[]): number[] {
  return arms
    .map((_, i) => i)
    .sort((a, b) => arms[b]!.failures - arms[a]!.failures || (arms[a]!.id < arms[b]!.id ? -1 : 1));
}

const uniform = (n: number) => Array.from({ length: n }, () => 1 / n);

/**
 * The probability that one draw of a step picks each arm, in the arms' order: what the learner
 * draws from. For greedy, whose B draws are fixed, each arm's share of them.
 */
export function curriculumProbabilities(
  curriculum: Curriculum,
  arms: readonly CurriculumArm[],
  temperature: number,
  batchSize: number,
): number[] {
  if (arms.length === 0) return [];
  switch (curriculum) {
    case 'sec':
    case 'sec-weighted':
      return softmax(
        arms.map((a) => a.q),
        temperature,
      );
    case 'random': {
      const total = arms.reduce((sum, a) => sum + a.failures, 0);
      return total > 0 ? arms.map((a) => a.failures / total) : uniform(arms.length);
    }
    case 'learnable-traffic':
      return learnableTrafficProbabilities(arms);
    case 'uniform':
      return uniform(arms.length);
    case 'greedy': {
      const shares = new Array<number>(arms.length).fill(0);
      greedyOrder(arms).forEach((index, rank) => {
        // Draw d takes the arm at rank d mod n.
        const draws = Math.floor(batchSize / arms.length) + (rank < batchSize % arms.length ? 1 : 0);
        shares[index] = draws / batchSize;
      });
      return shares;
    }
  }
}

/**
 * Draws `count` arms (with replacement) under the curriculum. SEC's draws come from its own
 * stream; the others use the learner's `rng` (greedy draws nothing at random). Every draw counts as
 * a pull of its arm in `sec`, as the dashboard shows them.
 */
export function drawCurriculum(
  curriculum: Curriculum,
  arms: readonly CurriculumArm[],
  count: number,
  sec: SecCurriculum,
  rng: SeededRandom,
): string[] {
  if (curriculum === 'sec' || curriculum === 'sec-weighted') {
    return sec.sample(
      arms.map((a) => a.id),
      count,
    );
  }
  const drawn = drawOutsideSec(curriculum, arms, count, rng);
  sec.countPulls(drawn);
  return drawn;
}

function drawOutsideSec(
  curriculum: Exclude<Curriculum, 'sec' | 'sec-weighted'>,
  arms: readonly CurriculumArm[],
  count: number,
  rng: SeededRandom,
): string[] {
  switch (curriculum) {
    case 'greedy': {
      const order = greedyOrder(arms);
      return Array.from({ length: count }, (_, d) => arms[order[d % order.length]!]!.id);
    }
    case 'random':
    case 'learnable-traffic':
    case 'uniform': {
      const probabilities = curriculumProbabilities(curriculum, arms, 1, count);
      return sampleCategorical(probabilities, rng, count).map((i) => arms[i]!.id);
    }
  }
}

/**
 * The `sec-weighted` reward weights: each arm's failures over the largest among the arms, f / max f,
 * in [0, 1]: the pattern's share of failures relative to the largest share, which keeps Q on SEC's
 * scale (the busiest learnable pattern earns exactly SEC's reward) so τ means what it means for SEC.
 * All 1 while no arm has failures.
 */
export function failureShareWeights(arms: readonly CurriculumArm[]): number[] {
  const max = arms.reduce((m, a) => Math.max(m, a.failures), 0);
  return arms.map((a) => (max > 0 ? a.failures / max : 1));
}
