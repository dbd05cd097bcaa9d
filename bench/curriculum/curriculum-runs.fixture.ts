// Demo runs for the curriculum bench's tests, small enough to check every figure by hand.
import type { Curriculum } from '@arc-agent/core';
import type { CurriculumRun } from './curriculum-comparison.js';

// Held-out sets of 4 tasks, 2 steps of 8 rollouts: each curve is the score before and after each step.
export const run = (
  seed: number,
  curriculum: Curriculum,
  scores: number[],
  rollouts = [0, 8, 16],
): CurriculumRun => ({
  seed,
  curriculum,
  heldOutByStep: scores.map((successRate, step) => ({ step, rollouts: rollouts[step]!, successRate })),
  rollouts: rollouts.at(-1)!,
  // One pattern to draw from at step 1, two at step 2.
  arms: [1, 2],
});

export const RUNS: CurriculumRun[] = [
  run(1, 'learnable-traffic', [0.25, 0.25, 0.5]),
  run(1, 'random', [0.25, 0.25, 0.25]),
  run(1, 'uniform', [0.25, 0.5, 0.25]),
  run(1, 'greedy', [0.25, 0.25, 0.25]),
  run(2, 'learnable-traffic', [0.5, 0.5, 0.75]),
  run(2, 'random', [0.5, 0.75, 0.75]),
  run(2, 'uniform', [0.5, 0.5, 0.5]),
  run(2, 'greedy', [0.5, 0.5, 0.25]),
];
