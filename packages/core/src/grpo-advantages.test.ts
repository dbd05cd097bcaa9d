import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grpoAdvantages, meanAbsoluteAdvantage } from './grpo-advantages.js';

const EPS = 1e-6;
const binaryGroup = (k: number, g: number) => Array.from({ length: g }, (_, i) => (i < k ? 1 : 0));

describe('grpoAdvantages', () => {
  it('matches a small case written out by hand', () => {
    // rewards [1, 0, 0]: mean 1/3; deviations 2/3, -1/3, -1/3; sample variance (4/9 + 1/9 + 1/9) / 2 = 1/3
    const std = Math.sqrt(1 / 3);
    const a = grpoAdvantages([1, 0, 0], ['p', 'p', 'p']);
    expect(a[0]).toBeCloseTo(2 / 3 / (std + EPS), 14);
    expect(a[1]).toBeCloseTo(-1 / 3 / (std + EPS), 14);
    expect(a[2]).toBeCloseTo(-1 / 3 / (std + EPS), 14);
    expect(a[0]).toBeCloseTo(1.1547, 4); // 2/√3
    expect(a[1]).toBeCloseTo(-0.57735, 4); // −1/√3
  });

  it('gives mean |A| = 0.619, 0.810, 0.906, 0.935 for G = 8 and k = 1..4 successes, symmetric in k', () => {
    const expected: Record<number, number> = {
      1: 0.619,
      2: 0.81,
      3: 0.906,
      4: 0.935,
      5: 0.906,
      6: 0.81,
      7: 0.619,
    };
    for (let k = 1; k <= 7; k++) {
      const rewards = binaryGroup(k, 8);
      const m = meanAbsoluteAdvantage(grpoAdvantages(rewards, new Array(8).fill('q')));
      expect(m).toBeCloseTo(expected[k]!, 3);
    }
  });

  it('for binary rewards, mean |A| = 2·sqrt(p(1−p))·sqrt((G−1)/G) up to epsilon', () => {
    // |A| is (1−p)/s for a success and p/s for a failure with s = sqrt(G/(G−1)·p(1−p)).
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.nat(), (g, seed) => {
        const k = 1 + (seed % (g - 1));
        const p = k / g;
        const m = meanAbsoluteAdvantage(grpoAdvantages(binaryGroup(k, g), new Array(g).fill(0)));
        expect(m).toBeCloseTo(2 * Math.sqrt(p * (1 - p)) * Math.sqrt((g - 1) / g), 5);
      }),
    );
  });

  it('handles interleaved groups independently', () => {
    // group a = [1, 0]: mean 1/2, sample std sqrt(1/2); group b = [0.5, 0.5] is constant
    const a = grpoAdvantages([1, 0.5, 0, 0.5], ['a', 'b', 'a', 'b']);
    const s = Math.sqrt(0.5);
    expect(a[0]).toBeCloseTo(0.5 / (s + EPS), 14);
    expect(a[2]).toBeCloseTo(-0.5 / (s + EPS), 14);
    expect(a[1]).toBe(0);
    expect(a[3]).toBe(0);
  });

  it('handles non-binary rewards', () => {
    // [0.2, 0.5, 0.8]: mean 0.5, deviations −0.3, 0, 0.3, sample variance 0.18 / 2 = 0.09, std 0.3
    const a = grpoAdvantages([0.2, 0.5, 0.8], [7, 7, 7]);
    expect(a[0]).toBeCloseTo(-0.3 / (0.3 + EPS), 12);
    expect(a[1]).toBeCloseTo(0, 14);
    expect(a[2]).toBeCloseTo(0.3 / (0.3 + EPS), 12);
  });

  it('gives a singleton group mean 0 and std 1', () => {
    expect(grpoAdvantages([0.7], ['x'])[0]).toBe(0.7 / (1 + EPS));
    expect(grpoAdvantages([0.7, 1, 0], ['x', 'y', 'y'])[0]).toBe(0.7 / (1 + EPS));
    expect(grpoAdvantages([0.7], ['x'], { normalizeByStd: false })[0]).toBe(0.7);
    expect(grpoAdvantages([0], ['x'])[0]).toBe(0);
  });

  it('gives exactly 0 to a constant group, with or without std normalisation', () => {
    // 0.1 three times does not average to exactly 0.1 in floating point; the answer is still 0.
    expect(grpoAdvantages([0.1, 0.1, 0.1], ['c', 'c', 'c'])).toEqual([0, 0, 0]);
    expect(grpoAdvantages([1, 1], ['c', 'c'], { normalizeByStd: false })).toEqual([0, 0]);
    expect(grpoAdvantages([0, 0, 0, 0], [1, 1, 1, 1])).toEqual([0, 0, 0, 0]);
  });

  it('subtracts the mean only when std normalisation is off', () => {
    const a = grpoAdvantages([1, 0, 0], ['p', 'p', 'p'], { normalizeByStd: false });
    expect(a[0]).toBeCloseTo(2 / 3, 15);
    expect(a[1]).toBeCloseTo(-1 / 3, 15);
    expect(a[2]).toBeCloseTo(-1 / 3, 15);
  });

  it('uses a custom epsilon', () => {
    const a = grpoAdvantages([1, 0], ['p', 'p'], { epsilon: 0.5 });
    expect(a[0]).toBeCloseTo(0.5 / (Math.sqrt(0.5) + 0.5), 14);
    expect(grpoAdvantages([3], ['s'], { epsilon: 0.5 })[0]).toBeCloseTo(2, 14);
    expect(grpoAdvantages([1, 0], ['p', 'p'], { epsilon: 0 })[0]).toBeCloseTo(0.5 / Math.sqrt(0.5), 14);
  });

  it('tells the number 1 and the string "1" apart as group ids', () => {
    expect(grpoAdvantages([1, 0], [1, '1'])).toEqual([1 / (1 + EPS), 0]);
  });

  it('advantages sum to 0 within every group of more than one rollout, up to the rounding of the mean', () => {
    const rollouts = fc.array(
      fc.record({
        reward: fc.double({ min: -10, max: 10, noNaN: true }),
        group: fc.constantFrom('a', 'b', 1, 2, 3),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(rollouts, fc.boolean(), (rs, normalizeByStd) => {
        const a = grpoAdvantages(
          rs.map((r) => r.reward),
          rs.map((r) => r.group),
          { normalizeByStd },
        );
        const byGroup = new Map<string | number, { rewards: number[]; advantages: number[] }>();
        rs.forEach((r, i) => {
          const g = byGroup.get(r.group) ?? { rewards: [], advantages: [] };
          g.rewards.push(r.reward);
          g.advantages.push(a[i]!);
          byGroup.set(r.group, g);
        });
        for (const { rewards, advantages } of byGroup.values()) {
          const n = rewards.length;
          if (n < 2) continue;
          // The floating-point mean is off by up to about n ulps of the largest reward; n such
          // errors survive the centring and are then divided by std + epsilon, which for nearly
          // equal rewards is about epsilon: (10, 10 - 1e-14) sums to ~1e-9, not 0.
          const mean = rewards.reduce((x, y) => x + y, 0) / n;
          const std = Math.sqrt(rewards.reduce((x, r) => x + (r - mean) ** 2, 0) / (n - 1));
          const divisor = normalizeByStd ? std + 1e-6 : 1;
          const largest = Math.max(...rewards.map(Math.abs));
          const scale = advantages.reduce((x, y) => x + Math.abs(y), 0);
          // Subnormal rewards round in absolute steps of Number.MIN_VALUE instead.
          const bound =
            4 * n * (Number.EPSILON * ((n * largest) / divisor + scale) + Number.MIN_VALUE / divisor);
          expect(Math.abs(advantages.reduce((x, y) => x + y, 0))).toBeLessThanOrEqual(bound);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is unchanged when every reward of a group is shifted by the same amount', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 16 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (rewards, shift) => {
          const groups = rewards.map(() => 'g');
          const a = grpoAdvantages(rewards, groups);
          const b = grpoAdvantages(
            rewards.map((r) => r + shift),
            groups,
          );
          a.forEach((v, i) => {
            expect(b[i]).toBeCloseTo(v, 6);
          });
        },
      ),
    );
  });

  it('rejects mismatched lengths, non-finite rewards and bad options', () => {
    expect(() => grpoAdvantages([1, 0], ['a'])).toThrow(/same length/);
    expect(() => grpoAdvantages([1, Number.NaN], ['a', 'a'])).toThrow(/rewards\[1\] must be a finite number/);
    expect(() => grpoAdvantages([Number.POSITIVE_INFINITY], ['a'])).toThrow(TypeError);
    expect(() => grpoAdvantages(['1' as unknown as number], ['a'])).toThrow(TypeError);
    expect(() => grpoAdvantages([1], [{} as unknown as string])).toThrow(/groups\[0\]/);
    expect(() => grpoAdvantages([1], [Number.NaN])).toThrow(/groups\[0\]/);
    expect(() => grpoAdvantages([1], ['a'], { epsilon: -1 })).toThrow(/epsilon/);
    expect(() => grpoAdvantages([1], ['a'], { normalizeByStd: 'yes' as unknown as boolean })).toThrow(
      TypeError,
    );
    expect(() => grpoAdvantages(null as unknown as number[], [])).toThrow(TypeError);
    expect(grpoAdvantages([], [])).toEqual([]);
  });
});

describe('meanAbsoluteAdvantage', () => {
  it('is the mean of |A|, and 0 for no advantages', () => {
    expect(meanAbsoluteAdvantage([])).toBe(0);
    expect(meanAbsoluteAdvantage([1, -3])).toBe(2);
    expect(meanAbsoluteAdvantage([0, 0, 0])).toBe(0);
  });

  it('rejects non-finite values', () => {
    expect(() => meanAbsoluteAdvantage([1, Number.NaN])).toThrow(/advantages\[1\]/);
    expect(() => meanAbsoluteAdvantage('x' as unknown as number[])).toThrow(TypeError);
  });
});
