import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grpoAdvantages, meanAbsoluteAdvantage } from './grpo-advantages.js';
import { SecCurriculum, type SecCurriculumJSON } from './sec-curriculum.js';
import { SeededRandom } from './seeded-random.js';

const roundTrip = (c: SecCurriculum) =>
  SecCurriculum.fromJSON(JSON.parse(JSON.stringify(c)) as SecCurriculumJSON);

describe('SecCurriculum', () => {
  it('fills in the defaults and validates its options', () => {
    expect(new SecCurriculum().options).toEqual({
      alpha: 0.1,
      temperature: 1,
      seed: 0,
      unsampled: 'keep',
      historyLimit: 100,
    });
    expect(
      new SecCurriculum({ alpha: 1, temperature: 0.5, seed: 'x', unsampled: 'decay' }).options,
    ).toMatchObject({
      alpha: 1,
      temperature: 0.5,
      seed: 'x',
      unsampled: 'decay',
    });
    for (const alpha of [0, -0.1, 1.5, Number.NaN])
      expect(() => new SecCurriculum({ alpha })).toThrow(/alpha/);
    for (const temperature of [0, -1, Number.POSITIVE_INFINITY]) {
      expect(() => new SecCurriculum({ temperature })).toThrow(/temperature/);
    }
    expect(() => new SecCurriculum({ unsampled: 'drop' as 'keep' })).toThrow(/unsampled/);
    expect(() => new SecCurriculum({ historyLimit: -1 })).toThrow(/historyLimit/);
    expect(() => new SecCurriculum({ seed: Number.NaN })).toThrow(/seed/);
  });

  it('starts every arm at Q = 0 and applies TD(0) as computed by hand', () => {
    const sec = new SecCurriculum({ alpha: 0.1 });
    expect(sec.q('a')).toBe(0);
    sec.update({ a: 1 });
    expect(sec.q('a')).toBeCloseTo(0.1, 15); // 0.1·1 + 0.9·0
    sec.update({ a: 0.5 });
    expect(sec.q('a')).toBeCloseTo(0.14, 15); // 0.1·0.5 + 0.9·0.1
    expect(sec.q('b')).toBe(0);
    expect(sec.step).toBe(2);
    const stats = sec.armStats('a');
    expect(stats.updates).toBe(2);
    expect(sec.updates('a')).toBe(2);
    expect(sec.updates('b')).toBe(0);
    expect(stats.pulls).toBe(0);
    expect(stats.history.map((p) => p.step)).toEqual([1, 2]);
    expect(stats.history[1]!.q).toBeCloseTo(0.14, 15);
  });

  it("keeps unrewarded arms in 'keep' mode and decays them with r = 0 in 'decay' mode", () => {
    const keep = new SecCurriculum({ alpha: 0.1 });
    keep.update({ a: 1 });
    keep.update({ b: 1 }, ['a', 'b']);
    expect(keep.q('a')).toBeCloseTo(0.1, 15);

    const decay = new SecCurriculum({ alpha: 0.1, unsampled: 'decay' });
    decay.update({ a: 1 });
    decay.update({ b: 1 }, ['a', 'b', 'c']);
    expect(decay.q('a')).toBeCloseTo(0.09, 15); // 0.1·0 + 0.9·0.1
    expect(decay.q('b')).toBeCloseTo(0.1, 15);
    expect(decay.q('c')).toBe(0);
    expect(decay.updates('a')).toBe(1); // the decay is in the history, not counted as a reward
    expect(decay.armStats('a').history.map((p) => p.step)).toEqual([1, 2]);
    // Without a list of arms every known arm decays.
    decay.update({});
    expect(decay.q('a')).toBeCloseTo(0.081, 15);
    expect(decay.q('b')).toBeCloseTo(0.09, 15);
    // An arm listed but not known stays at 0 and gets no state; an arm listed twice decays once.
    expect(decay.knownArms()).toEqual(['a', 'b']);
    decay.update({ b: 0.09 }, ['a', 'a', 'b']);
    expect(decay.q('a')).toBeCloseTo(0.0729, 15);
  });

  it('gives softmax(Q / τ) as computed by hand', () => {
    const sec = new SecCurriculum({ alpha: 1, temperature: 0.5 });
    sec.update({ a: 0.1, b: 0.14 }); // alpha 1 sets Q = r
    const [pa, pb, pc] = sec.probabilities(['a', 'b', 'c']);
    const z = Math.exp(0.2) + Math.exp(0.28) + Math.exp(0);
    expect(pa).toBeCloseTo(Math.exp(0.2) / z, 15); // 0.34459
    expect(pb).toBeCloseTo(Math.exp(0.28) / z, 15); // 0.37329
    expect(pc).toBeCloseTo(1 / z, 15); // 0.28213
    expect(pa).toBeCloseTo(0.34459, 5);
    expect(new SecCurriculum().probabilities(['x', 'y'])).toEqual([0.5, 0.5]);
  });

  it('samples with replacement, counts pulls, and validates its input', () => {
    const sec = new SecCurriculum({ seed: 1 });
    const drawn = sec.sample(['a', 'b'], 32);
    expect(drawn).toHaveLength(32);
    expect(new Set(drawn).size).toBe(2); // 32 draws from two equal arms: both appear
    expect(sec.armStats('a').pulls + sec.armStats('b').pulls).toBe(32);
    expect(sec.armStats('a').pulls).toBe(drawn.filter((x) => x === 'a').length);
    expect(sec.sample(['a'], 0)).toEqual([]);
    expect(() => sec.sample([], 1)).toThrow(/empty/);
    expect(() => sec.sample(['a'], -1)).toThrow(/batchSize/);
    expect(() => sec.sample(['a'], 1.5)).toThrow(/batchSize/);
    expect(() => sec.probabilities([1 as unknown as string])).toThrow(/arms\[0\]/);
    expect(() => sec.update({ a: Number.NaN })).toThrow(/arm 'a'/);
    expect(() => sec.update([] as unknown as Record<string, number>)).toThrow(/rewards/);
    expect(sec.step).toBe(0); // failed updates change nothing
  });

  it('keeps a bounded Q history, oldest dropped first', () => {
    const sec = new SecCurriculum({ alpha: 1, historyLimit: 3 });
    for (let i = 1; i <= 5; i++) sec.update({ a: i });
    expect(sec.armStats('a').history).toEqual([
      { step: 3, q: 3 },
      { step: 4, q: 4 },
      { step: 5, q: 5 },
    ]);
    const none = new SecCurriculum({ historyLimit: 0 });
    none.update({ a: 1 });
    expect(none.armStats('a').history).toEqual([]);
    expect(roundTrip(none).armStats('a').history).toEqual([]);
  });

  it('keeps Q within [min, max] of 0 and every reward seen (TD(0) is a convex combination)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { maxLength: 50 }),
        fc.constantFrom('keep' as const, 'decay' as const),
        (alpha, rewards, unsampled) => {
          const sec = new SecCurriculum({ alpha, unsampled });
          let lo = 0;
          let hi = 0;
          for (const r of rewards) {
            sec.update({ a: r }, ['a', 'b']);
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
            expect(sec.q('a')).toBeGreaterThanOrEqual(lo - 1e-12);
            expect(sec.q('a')).toBeLessThanOrEqual(hi + 1e-12);
          }
        },
      ),
    );
  });

  it('samples arms with the frequencies of probabilities()', () => {
    const n = 20_000;
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.integer(),
        (qs, seed) => {
          const arms = qs.map((_, i) => `arm${i}`);
          const sec = new SecCurriculum({ alpha: 1, seed });
          sec.update(Object.fromEntries(arms.map((a, i) => [a, qs[i]!])));
          const p = sec.probabilities(arms);
          const counts = new Map<string, number>();
          for (const a of sec.sample(arms, n)) counts.set(a, (counts.get(a) ?? 0) + 1);
          arms.forEach((a, i) => {
            const pi = p[i]!;
            // Each count is Binomial(n, p): 5 standard deviations (a false alarm < 1e-6 per arm), with a
            // floor of 5/n for arms so unlikely that the normal approximation does not hold.
            const tolerance = 5 * Math.sqrt(Math.max(pi * (1 - pi), 1 / n) / n);
            expect(Math.abs((counts.get(a) ?? 0) / n - pi)).toBeLessThanOrEqual(tolerance);
          });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('round-trips through JSON, RNG stream included', () => {
    const arms = ['a', 'b', 'c', 'd'];
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom('keep' as const, 'decay' as const),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.double({ min: 0, max: 2, noNaN: true })), {
          maxLength: 20,
        }),
        (seed, unsampled, steps) => {
          const sec = new SecCurriculum({ seed, unsampled, historyLimit: 5 });
          for (const [batch, reward] of steps) {
            const drawn = sec.sample(arms, batch);
            sec.update({ [drawn[0]!]: reward }, arms);
          }
          const copy = roundTrip(sec);
          expect(copy.toJSON()).toEqual(sec.toJSON());
          expect(copy.sample(arms, 50)).toEqual(sec.sample(arms, 50));
          copy.update({ a: 1 }, arms);
          sec.update({ a: 1 }, arms);
          expect(copy.toJSON()).toEqual(sec.toJSON());
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects malformed state', () => {
    const good = new SecCurriculum().toJSON();
    const bad: unknown[] = [
      null,
      { ...good, version: 2 },
      { ...good, step: -1 },
      { ...good, options: { ...good.options, alpha: 2 } },
      { ...good, rng: { algorithm: 'sfc32', state: [1] } },
      { ...good, arms: [{ id: 'a', q: 'x', pulls: 0, updates: 0, history: [] }] },
      {
        ...good,
        arms: [
          { id: 'a', q: 0, pulls: 0, updates: 0, history: [] },
          { id: 'a', q: 0, pulls: 0, updates: 0, history: [] },
        ],
      },
    ];
    for (const json of bad) expect(() => SecCurriculum.fromJSON(json as SecCurriculumJSON)).toThrow();
  });

  it('draws the p = 0.5 arm most when rewarded by mean |GRPO advantage|', () => {
    // Three patterns whose problems the agent solves with probability 0.02, 0.5 and 0.98. Each step
    // draws B = 32 arms; each draw runs G = 8 binary rollouts of one problem (one GRPO group); an
    // arm's reward is the mean |A| over all its rollouts in the step.
    const successRate: Record<string, number> = { hopeless: 0.02, frontier: 0.5, solved: 0.98 };
    const arms = Object.keys(successRate);
    const sec = new SecCurriculum({ seed: 'p=0.5' });
    const env = new SeededRandom('rollouts');
    for (let step = 0; step < 150; step++) {
      const rewards: number[] = [];
      const groups: number[] = [];
      const owner: string[] = [];
      sec.sample(arms, 32).forEach((arm, draw) => {
        for (let g = 0; g < 8; g++) {
          rewards.push(env.next() < successRate[arm]! ? 1 : 0);
          groups.push(draw);
          owner.push(arm);
        }
      });
      const advantages = grpoAdvantages(rewards, groups);
      const perArm: Record<string, number> = {};
      for (const arm of new Set(owner)) {
        perArm[arm] = meanAbsoluteAdvantage(advantages.filter((_, i) => owner[i] === arm));
      }
      sec.update(perArm, arms);
    }
    const pulls = Object.fromEntries(arms.map((a) => [a, sec.armStats(a).pulls]));
    expect(pulls.frontier).toBeGreaterThan(pulls.hopeless!);
    expect(pulls.frontier).toBeGreaterThan(pulls.solved!);
    // E|A| is about 0.87 at p = 0.5 and about 0.1 at 0.02 or 0.98, so softmax settles near 52% : 24% : 24%.
    expect(sec.q('frontier')).toBeGreaterThan(0.7);
    expect(sec.probabilities(arms)[1]).toBeGreaterThan(0.45);
  });
});
