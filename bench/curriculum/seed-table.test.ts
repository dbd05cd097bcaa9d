import { describe, expect, it } from 'vitest';
import { curriculumMeans } from './curriculum-comparison.js';
import { RUNS } from './curriculum-runs.fixture.js';
import { formatMeans, formatSeedTable } from './seed-table.js';

describe('formatSeedTable', () => {
  it('has a row per seed with each curriculum’s held-out % by step, its rollouts and arms', () => {
    expect(formatSeedTable(RUNS, ['learnable-traffic', 'random'])).toEqual([
      '| seed | learnable-traffic                 | random                            |',
      '| ---- | --------------------------------- | --------------------------------- |',
      '| 1    | 25.0 → 25.0 → 50.0 (16; arms 1/2) | 25.0 → 25.0 → 25.0 (16; arms 1/2) |',
      '| 2    | 50.0 → 50.0 → 75.0 (16; arms 1/2) | 50.0 → 75.0 → 75.0 (16; arms 1/2) |',
    ]);
  });

  it('marks a seed at unequal budget and a curriculum that did not run', () => {
    expect(formatSeedTable(RUNS.slice(0, 4), ['learnable-traffic', 'sec'], new Set([1]))).toEqual([
      '| seed        | learnable-traffic                 | sec |',
      '| ----------- | --------------------------------- | --- |',
      '| 1 (unequal) | 25.0 → 25.0 → 50.0 (16; arms 1/2) | -   |',
    ]);
  });
});

describe('formatMeans', () => {
  it('gives mean held-out by step, then final and gain with their intervals', () => {
    const lines = formatMeans(curriculumMeans(RUNS, ['learnable-traffic', 'greedy']));
    // learnable-traffic final 62.5 ± 12.706 · 12.5 = 62.5 ± 158.8; gain 25 points on both seeds.
    // greedy: finals 0.25 and 0.25, gains 0 and −0.25: mean −12.5 ± 12.706 · 12.5 = −12.5 ± 158.8.
    expect(lines.slice(2)).toEqual([
      '| learnable-traffic | 37.5 → 37.5 → 62.5      | 62.5 (-96.3 to 221.3) | +25.0 (+25.0 to +25.0)   |',
      '| greedy            | 37.5 → 37.5 → 25.0      | 25.0 (25.0 to 25.0)   | -12.5 (-171.3 to +146.3) |',
    ]);
    expect(formatMeans(curriculumMeans(RUNS.slice(0, 4), ['greedy'])).at(-1)).toBe(
      '| greedy     | 25.0 → 25.0 → 25.0      | 25.0 (one seed)   | +0.0 (one seed)        |',
    );
  });
});
