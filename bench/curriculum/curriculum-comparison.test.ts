import { describe, expect, it } from 'vitest';
import {
  compareCurricula,
  relativeDifference,
  rolloutsToReach,
  summarizeSeeds,
} from './curriculum-comparison.js';

// Held-out sets of 20 tasks: scores are k/20. Each point is [rollouts, solved].
const curve = (...points: [number, number][]) =>
  points.map(([rollouts, solved], step) => ({ step, rollouts, successRate: solved / 20 }));

// Seed A: SEC ends best; uniform peaks at step 1 and falls back.
const seedA = {
  sec: curve([0, 1], [12, 4], [24, 5]),
  random: curve([0, 1], [12, 2], [24, 4]),
  uniform: curve([0, 1], [12, 5], [24, 3]),
};
// Seed B: nothing moves much, and uniform's last step came back with 8 of its 12 rollouts.
const seedB = {
  sec: curve([0, 2], [12, 2], [24, 2]),
  random: curve([0, 2], [12, 1], [24, 2]),
  uniform: curve([0, 2], [12, 2], [20, 1]),
};

describe('rolloutsToReach', () => {
  it('is the rollouts at the first point at or above the target, 0 when the start is there', () => {
    const c = curve([0, 1], [12, 4], [24, 5]);
    expect(rolloutsToReach(c, 4 / 20)).toBe(12);
    expect(rolloutsToReach(c, 5 / 20)).toBe(24);
    expect(rolloutsToReach(c, 1 / 20)).toBe(0);
    expect(rolloutsToReach(c, 6 / 20)).toBeNull();
  });

  it('rejects curves that are empty, out of range or spend rollouts backwards', () => {
    expect(() => rolloutsToReach([], 0)).toThrow(/at least one point/);
    expect(() => rolloutsToReach([{ step: 0, rollouts: 0, successRate: 1.5 }], 0)).toThrow(/successRate/);
    expect(() => rolloutsToReach(curve([0, 1], [12, 2], [8, 3]), 0)).toThrow(/curve\[2\]\.rollouts/);
  });
});

describe('compareCurricula', () => {
  it('measures each curriculum against the best final score of the other two', () => {
    expect(compareCurricula(seedA)).toEqual({
      // Others end at 4/20 and 3/20: SEC had 4/20 after 12 rollouts.
      sec: { final: 0.25, rollouts: 24, target: 0.2, rolloutsToTarget: 12 },
      // SEC ends at 5/20, which random never reaches.
      random: { final: 0.2, rollouts: 24, target: 0.25, rolloutsToTarget: null },
      // Uniform reached 5/20 after step 1, even though it ended lower.
      uniform: { final: 0.15, rollouts: 24, target: 0.25, rolloutsToTarget: 12 },
    });
    expect(compareCurricula(seedB)).toEqual({
      sec: { final: 0.1, rollouts: 24, target: 0.1, rolloutsToTarget: 0 },
      random: { final: 0.1, rollouts: 24, target: 0.1, rolloutsToTarget: 0 },
      uniform: { final: 0.05, rollouts: 20, target: 0.1, rolloutsToTarget: 0 },
    });
    expect(() => compareCurricula({ ...seedA, random: [] })).toThrow(/curves\.random/);
  });
});

describe('relativeDifference', () => {
  it('is (value - baseline) / baseline, with no ratio to a baseline of 0', () => {
    expect(relativeDifference(0.3, 0.2)).toBeCloseTo(0.5, 12);
    expect(relativeDifference(0.1, 0.2)).toBeCloseTo(-0.5, 12);
    expect(relativeDifference(0.2, 0.2)).toBe(0);
    expect(relativeDifference(0.1, 0)).toBeNull();
    expect(relativeDifference(0, 0)).toBeNull();
  });
});

describe('summarizeSeeds', () => {
  it('averages over seeds, and gives SEC relative to each baseline', () => {
    const summary = summarizeSeeds([compareCurricula(seedA), compareCurricula(seedB)]);
    // Finals: SEC (0.25 + 0.1) / 2 = 0.175, random (0.2 + 0.1) / 2 = 0.15, uniform (0.15 + 0.05) / 2 = 0.1.
    expect(summary.means.sec.final).toBeCloseTo(0.175, 12);
    expect(summary.means.random.final).toBeCloseTo(0.15, 12);
    expect(summary.means.uniform.final).toBeCloseTo(0.1, 12);
    // Rollouts to the others' best: SEC 12 and 0; random only on seed B (0); uniform 12 and 0.
    expect(summary.means.sec).toMatchObject({ rollouts: 24, reached: 2, seeds: 2, rolloutsToTarget: 6 });
    expect(summary.means.random).toMatchObject({ rollouts: 24, reached: 1, seeds: 2, rolloutsToTarget: 0 });
    expect(summary.means.uniform).toMatchObject({ rollouts: 22, reached: 2, seeds: 2, rolloutsToTarget: 6 });
    // 0.175 / 0.15 - 1 = 1/6; 0.175 / 0.1 - 1 = 0.75.
    expect(summary.secVsRandom).toBeCloseTo(1 / 6, 12);
    expect(summary.secVsUniform).toBeCloseTo(0.75, 12);
  });

  it('says never when a curriculum reached the target on no seed, and needs a seed', () => {
    expect(summarizeSeeds([compareCurricula(seedA)]).means.random).toMatchObject({
      reached: 0,
      seeds: 1,
      rolloutsToTarget: null,
    });
    expect(() => summarizeSeeds([])).toThrow(/at least one seed/);
  });
});
