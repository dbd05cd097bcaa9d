import { describe, expect, it } from 'vitest';
import {
  BASELINE_CURRICULA,
  curriculumMeans,
  defaultVersusBestBaseline,
  parseCurricula,
  runOf,
  summaryLine,
  unequalRollouts,
} from './curriculum-comparison.js';
import { RUNS, run } from './curriculum-runs.fixture.js';

describe('runOf', () => {
  const heldOutByStep = RUNS[0]!.heldOutByStep;

  it('keeps the held-out curve and the rollouts the report counts', () => {
    const arm = (patternId: string) => ({
      patternId,
      category: 'AgentOutputParseError',
      probability: 0.5,
      drawn: 1,
      q: 0,
    });
    const curriculum = [
      { step: 1, arms: [arm('pat_a')] },
      { step: 2, arms: [arm('pat_a'), arm('pat_b')] },
    ];
    expect(runOf(1, 'learnable-traffic', { rollouts: 16, heldOutByStep, curriculum })).toEqual(RUNS[0]);
  });

  it('refuses a report without per-step scores, or whose curve disagrees with its rollouts', () => {
    expect(() => runOf(1, 'sec', { rollouts: 16, curriculum: [] })).toThrow(/seed 1 sec: .*evaluateEachStep/);
    expect(() => runOf(1, 'sec', { rollouts: 12, heldOutByStep, curriculum: [] })).toThrow(
      /ends at 16 rollouts, the report counts 12/,
    );
    const backwards = [...heldOutByStep.slice(0, 2), { step: 2, rollouts: 4, successRate: 0.5 }];
    expect(() => runOf(1, 'sec', { rollouts: 4, heldOutByStep: backwards, curriculum: [] })).toThrow(
      /\[2\]\.rollouts/,
    );
    const skipped = [heldOutByStep[0]!, heldOutByStep[2]!];
    expect(() => runOf(1, 'sec', { rollouts: 16, heldOutByStep: skipped, curriculum: [] })).toThrow(
      /\[1\]\.step must be 1/,
    );
    expect(() => runOf(1, 'sec', { rollouts: 0, heldOutByStep: [], curriculum: [] })).toThrow(
      /at least one point/,
    );
  });
});

describe('unequalRollouts', () => {
  it('is empty when every curriculum of a seed spent the same rollouts after every step', () => {
    expect(unequalRollouts(RUNS)).toEqual([]);
  });

  it('names the seed and every curriculum’s rollouts by step when they differ, even with equal totals', () => {
    const short = RUNS.map((r) =>
      r.seed === 2 && r.curriculum === 'greedy' ? run(2, 'greedy', [0.5, 0.5, 0.25], [0, 8, 12]) : r,
    );
    expect(unequalRollouts(short)).toEqual([
      {
        seed: 2,
        message:
          'seed 2: rollouts by step differ: learnable-traffic 0/8/16, random 0/8/16, uniform 0/8/16, greedy 0/8/12',
      },
    ]);
    // 16 in all for both, but one got its step 1 back only partly and made it up in step 2.
    const late = RUNS.map((r) =>
      r.seed === 1 && r.curriculum === 'random' ? run(1, 'random', [0.25, 0.25, 0.25], [0, 4, 16]) : r,
    );
    expect(unequalRollouts(late).map((u) => u.seed)).toEqual([1]);
  });
});

describe('curriculumMeans', () => {
  it('averages each step over seeds, with t intervals for the final score and the gain', () => {
    const [arc, random] = curriculumMeans(RUNS, ['learnable-traffic', 'random']);
    // learnable-traffic: (0.25 + 0.5) / 2, (0.25 + 0.5) / 2, (0.5 + 0.75) / 2.
    expect(arc!.byStep).toEqual([0.375, 0.375, 0.625]);
    // Finals 0.5 and 0.75: s = 0.125·√2, s/√2 = 0.125, t(0.975, 1) = 12.7062047.
    expect(arc!.final.estimate).toBe(0.625);
    expect(arc!.final.interval!.low).toBeCloseTo(0.625 - 12.7062047 * 0.125, 6);
    expect(arc!.final.interval!.high).toBeCloseTo(0.625 + 12.7062047 * 0.125, 6);
    // Gains 0.25 on both seeds: no spread.
    expect(arc!.gain.estimate).toBe(0.25);
    expect(arc!.gain.interval!.low).toBeCloseTo(0.25, 12);
    expect(arc!.gain.interval!.high).toBeCloseTo(0.25, 12);
    // random: gains 0 and 0.25.
    expect(random!.gain.estimate).toBe(0.125);
  });

  it('gives no interval on one seed, and needs every curriculum on every seed', () => {
    const [arc] = curriculumMeans(RUNS.slice(0, 4), ['learnable-traffic']);
    expect(arc!.final).toEqual({ estimate: 0.5, interval: null });
    expect(() => curriculumMeans(RUNS.slice(0, 5), ['random'])).toThrow(/no run of random on seed 2/);
    expect(() => curriculumMeans([], ['random'])).toThrow(/at least one run/);
    const shorter = RUNS.map((r) =>
      r.seed === 2 && r.curriculum === 'random' ? run(2, 'random', [0.5, 0.75], [0, 8]) : r,
    );
    expect(() => curriculumMeans(shorter, ['random'])).toThrow(
      /random: every seed must have the same number of steps/,
    );
  });
});

describe('defaultVersusBestBaseline', () => {
  it('measures the default against the baseline with the best mean final score', () => {
    const verdict = defaultVersusBestBaseline(RUNS, 'learnable-traffic');
    // Mean finals: learnable-traffic 0.625, random 0.5, uniform 0.375, greedy 0.25.
    expect(verdict).toMatchObject({
      arc: 'learnable-traffic',
      best: 'random',
      arcFinal: 0.625,
      bestFinal: 0.5,
      seeds: 2,
    });
    expect(verdict.unequal).toEqual([]);
    // Resamples of two seeds: both seed 1 (0.5 / 0.25 = 2), both seed 2 (0.75 / 0.75 = 1), one each
    // (1.25 / 1 = 1.25); each extreme holds a quarter of the resamples, so the 95 % interval is 1-2.
    expect(verdict.ratio!.estimate).toBeCloseTo(1.25, 12);
    expect(verdict.ratio!.low).toBe(1);
    expect(verdict.ratio!.high).toBe(2);
    expect(summaryLine(verdict)).toBe(
      'curriculum: learnable-traffic/best-baseline 1.25 (95% CI 1.00-2.00) over 2 seeds; final held-out 62.5 % vs 50.0 % (random); equal rollouts',
    );
  });

  it('flags unequal rollouts on the last line, and has no ratio on one seed or against baselines at 0', () => {
    const short = RUNS.map((r) =>
      r.seed === 2 && r.curriculum === 'greedy' ? run(2, 'greedy', [0.5, 0.5, 0.25], [0, 8, 12]) : r,
    );
    expect(summaryLine(defaultVersusBestBaseline(short, 'learnable-traffic'))).toMatch(
      /; UNEQUAL rollouts on 1 seed\(s\): not a comparison at equal budget$/,
    );
    expect(summaryLine(defaultVersusBestBaseline(RUNS.slice(0, 4), 'learnable-traffic'))).toBe(
      'curriculum: learnable-traffic/best-baseline n/a (one seed gives no interval) over 1 seeds; final held-out 50.0 % vs 25.0 % (random); equal rollouts',
    );
    const zeros = [1, 2].flatMap((seed) => [
      run(seed, 'learnable-traffic', [0, 0, 0.25]),
      run(seed, 'greedy', [0, 0, 0]),
    ]);
    expect(defaultVersusBestBaseline(zeros, 'learnable-traffic').ratio).toBeNull();
    expect(() =>
      defaultVersusBestBaseline(
        RUNS.filter((r) => r.curriculum === 'learnable-traffic'),
        'learnable-traffic',
      ),
    ).toThrow(/no baseline ran/);
  });
});

describe('parseCurricula', () => {
  it('is every curriculum of core, the default first, when unset or empty', () => {
    const all = ['learnable-traffic', 'sec', 'sec-weighted', 'random', 'uniform', 'greedy'];
    expect(parseCurricula(undefined, 'learnable-traffic')).toEqual(all);
    expect(parseCurricula(' ', 'learnable-traffic')).toEqual(all);
    expect(BASELINE_CURRICULA).toEqual(['random', 'uniform', 'greedy']);
  });

  it('takes a comma-separated list, the default first and no repeats', () => {
    expect(parseCurricula('greedy, learnable-traffic,greedy', 'learnable-traffic')).toEqual([
      'learnable-traffic',
      'greedy',
    ]);
  });

  it('refuses unknown names, a list without the default, and one without a baseline', () => {
    expect(() => parseCurricula('learnable-traffic,best', 'learnable-traffic')).toThrow(
      /ARC_BENCH_CURRICULA: best not among/,
    );
    expect(() => parseCurricula('random,greedy', 'learnable-traffic')).toThrow(
      /must include the default, learnable-traffic/,
    );
    expect(() => parseCurricula('learnable-traffic,sec', 'learnable-traffic')).toThrow(
      /must include a baseline/,
    );
  });
});
