import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { probabilityBetaGreater } from './beta-comparison.js';
import { FixPolicy, type FixPolicyJSON, type FixRollout } from './fix-policy.js';
import { meanAbsoluteAdvantage } from './grpo-advantages.js';
import { SeededRandom } from './seeded-random.js';

const EPS = 1e-6;
const withThetas = (thetas: number[]) =>
  FixPolicy.fromJSON({
    version: 1,
    candidates: thetas.map((theta, i) => ({
      id: i === 0 ? 'none' : `k${i}`,
      theta,
      successes: 0,
      trials: 0,
    })),
  });

describe('FixPolicy', () => {
  it('starts uniform with the incumbent first', () => {
    const policy = new FixPolicy(['none', 'a', 'b', 'c']);
    expect(policy.incumbentId).toBe('none');
    expect(policy.candidateIds()).toEqual(['none', 'a', 'b', 'c']);
    expect(policy.probabilities()).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(() => new FixPolicy([])).toThrow(/non-empty/);
    expect(() => new FixPolicy(['a', 'a'])).toThrow(/already exists/);
    expect(() => new FixPolicy([''])).toThrow(/non-empty string/);
  });

  it('takes the policy gradient step computed by hand', () => {
    // θ = [0, ln 2, 0] -> π = [1/4, 1/2, 1/4].
    // Group 'x': k1 succeeds, none fails: mean 1/2, sample std √(1/2), A = ±c with c = (1/2)/(√(1/2) + ε).
    // Group 'y' is a singleton: k2 gets d = 1/(1 + ε). So Σ A = d (the pair cancels).
    // ∇_none = −c − (1/4)d, ∇_k1 = c − (1/2)d, ∇_k2 = d − (1/4)d; η = 0.5.
    const policy = withThetas([0, Math.log(2), 0]);
    const rollouts: FixRollout[] = [
      { candidateId: 'k1', reward: 1, group: 'x' },
      { candidateId: 'none', reward: 0, group: 'x' },
      { candidateId: 'k2', reward: 1, group: 'y' },
    ];
    const advantages = policy.update(rollouts, { learningRate: 0.5 });
    const c = 0.5 / (Math.sqrt(0.5) + EPS);
    const d = 1 / (1 + EPS);
    expect(advantages[0]).toBeCloseTo(c, 14);
    expect(advantages[1]).toBeCloseTo(-c, 14);
    expect(advantages[2]).toBeCloseTo(d, 14);
    expect(policy.candidate('none').theta).toBeCloseTo(0.5 * (-c - d / 4), 14);
    expect(policy.candidate('k1').theta).toBeCloseTo(Math.log(2) + 0.5 * (c - d / 2), 14);
    expect(policy.candidate('k2').theta).toBeCloseTo(0.5 * ((3 / 4) * d), 14);
    expect(policy.candidate('k1')).toMatchObject({ successes: 1, trials: 1 });
    expect(policy.candidate('none')).toMatchObject({ successes: 0, trials: 1 });
    expect(meanAbsoluteAdvantage(advantages)).toBeCloseTo((2 * c + d) / 3, 14);
  });

  it('steps along the gradient of Σ A_i log π(k_i) (checked by finite differences)', () => {
    const rollout = fc.record({
      candidateId: fc.constantFrom('none', 'k1', 'k2', 'k3'),
      reward: fc.constantFrom(0, 0.25, 1),
      group: fc.constantFrom('g1', 'g2', 'g3'),
    });
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.array(rollout, { minLength: 1, maxLength: 24 }),
        (thetas, rollouts) => {
          const policy = withThetas(thetas);
          const ids = policy.candidateIds();
          const advantages = policy.update(rollouts, { learningRate: 1 });
          const surrogate = (th: number[]) => {
            const logZ = Math.log(th.reduce((s, t) => s + Math.exp(t), 0));
            return rollouts.reduce(
              (s, r, i) => s + advantages[i]! * (th[ids.indexOf(r.candidateId)]! - logZ),
              0,
            );
          };
          const h = 1e-6;
          thetas.forEach((t, k) => {
            const up = thetas.map((v, j) => (j === k ? v + h : v));
            const down = thetas.map((v, j) => (j === k ? v - h : v));
            const numeric = (surrogate(up) - surrogate(down)) / (2 * h);
            expect(policy.candidate(ids[k]!).theta - t).toBeCloseTo(numeric, 5);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('counts non-binary rewards as fractional successes', () => {
    const policy = new FixPolicy(['none', 'a']);
    policy.update([
      { candidateId: 'a', reward: 0.7, group: 1 },
      { candidateId: 'a', reward: 0.2, group: 1 },
    ]);
    expect(policy.candidate('a').successes).toBeCloseTo(0.9, 15);
    expect(policy.candidate('a').trials).toBe(2);
  });

  it('adds candidates level with the incumbent unless warm-started', () => {
    const policy = withThetas([1.5, -2]);
    policy.addCandidate('fresh');
    expect(policy.candidate('fresh').theta).toBe(1.5);
    policy.addCandidate('transferred', { warmStartTheta: 3 });
    expect(policy.candidate('transferred').theta).toBe(3);
    expect(policy.candidateIds()).toEqual(['none', 'k1', 'fresh', 'transferred']);
    expect(() => policy.addCandidate('fresh')).toThrow(/already exists/);
    expect(() => policy.addCandidate('x', { warmStartTheta: Number.NaN })).toThrow(/warmStartTheta/);
  });

  it('samples candidates with the frequencies of π from the caller’s generator', () => {
    const policy = withThetas([0, Math.log(3)]); // π = [1/4, 3/4]
    const n = 40_000;
    const draws = policy.sample(new SeededRandom('fix'), n);
    const share = draws.filter((id) => id === 'k1').length / n;
    // sd = sqrt(3/16 / n) ≈ 0.0022; 5 sd
    expect(Math.abs(share - 0.75)).toBeLessThan(0.011);
    expect(policy.sample(new SeededRandom(9), 10)).toEqual(policy.sample(new SeededRandom(9), 10));
  });

  it('compares a candidate to the incumbent with Beta posteriors', () => {
    const policy = FixPolicy.fromJSON({
      version: 1,
      candidates: [
        { id: 'none', theta: 0, successes: 2, trials: 10 },
        { id: 'good', theta: 0, successes: 9, trials: 10 },
        { id: 'young', theta: 0, successes: 7, trials: 7 },
      ],
    });
    const good = policy.compareToIncumbent('good');
    // Beta(10, 2) vs Beta(3, 9); posterior means 10/12 and 3/12
    expect(good.probabilityBetter).toBeCloseTo(probabilityBetaGreater(10, 2, 3, 9), 15);
    expect(good.probabilityBetter).toBeGreaterThan(0.99);
    expect(good.improvement).toBeCloseTo(7 / 12, 15);
    expect(good).toMatchObject({ beats: true, trials: 10, incumbentTrials: 10 });
    // 7 of 7 is convincing but below minTrials = 8
    const young = policy.compareToIncumbent('young');
    expect(young.probabilityBetter).toBeGreaterThan(0.95);
    expect(young.beats).toBe(false);
    expect(policy.compareToIncumbent('young', { minTrials: 7 }).beats).toBe(true);
    expect(policy.compareToIncumbent('good', { confidence: 0.9999 }).beats).toBe(false);
    expect(policy.compareToIncumbent('none').probabilityBetter).toBeCloseTo(0.5, 12);
    expect(() => policy.compareToIncumbent('missing')).toThrow(/not a candidate/);
    expect(() => policy.compareToIncumbent('good', { confidence: 1 })).toThrow(/confidence/);
    expect(() => policy.compareToIncumbent('good', { minTrials: -1 })).toThrow(/minTrials/);
  });

  it('compares fractional evidence by numeric integration', () => {
    const policy = FixPolicy.fromJSON({
      version: 1,
      candidates: [
        { id: 'none', theta: 0, successes: 3.5, trials: 10 },
        { id: 'a', theta: 0, successes: 8.25, trials: 10 },
      ],
    });
    const result = policy.compareToIncumbent('a');
    expect(result.probabilityBetter).toBeCloseTo(probabilityBetaGreater(9.25, 2.75, 4.5, 7.5), 15);
    expect(result.probabilityBetter).toBeGreaterThan(0.95);
    expect(result.improvement).toBeCloseTo(9.25 / 12 - 4.5 / 12, 15);
  });

  it('learns to prefer the best fix and finds that it beats the incumbent', () => {
    const rate: Record<string, number> = { none: 0.3, weak: 0.5, strong: 0.8 };
    const policy = new FixPolicy(['none', 'weak', 'strong']);
    const rng = new SeededRandom('learn');
    for (let step = 0; step < 60; step++) {
      const rollouts: FixRollout[] = [];
      for (let problem = 0; problem < 4; problem++) {
        for (const id of policy.sample(rng, 8)) {
          rollouts.push({
            candidateId: id,
            reward: rng.next() < rate[id]! ? 1 : 0,
            group: `${step}/${problem}`,
          });
        }
      }
      policy.update(rollouts, { learningRate: 0.05 });
    }
    expect(policy.probabilities()[2]).toBeGreaterThan(0.9);
    expect(policy.compareToIncumbent('strong').beats).toBe(true);
  });

  it('validates the whole batch before changing anything', () => {
    const policy = new FixPolicy(['none', 'a']);
    const before = policy.toJSON();
    const bad: FixRollout[][] = [
      [{ candidateId: 'b', reward: 1, group: 1 }],
      [{ candidateId: 'a', reward: 1.5, group: 1 }],
      [{ candidateId: 'a', reward: Number.NaN, group: 1 }],
      [
        { candidateId: 'a', reward: 1, group: 1 },
        { candidateId: 'a', reward: 0, group: null as unknown as string },
      ],
      [null as unknown as FixRollout],
    ];
    for (const rollouts of bad) expect(() => policy.update(rollouts)).toThrow();
    expect(() => policy.update([], { learningRate: 0 })).toThrow(/learningRate/);
    expect(policy.toJSON()).toEqual(before);
    expect(policy.update([])).toEqual([]);
  });

  it('round-trips through JSON and rejects malformed state', () => {
    const policy = new FixPolicy(['none', 'a', 'b']);
    policy.update([
      { candidateId: 'a', reward: 1, group: 'p' },
      { candidateId: 'b', reward: 0.5, group: 'p' },
      { candidateId: 'none', reward: 0, group: 'p' },
    ]);
    const copy = FixPolicy.fromJSON(JSON.parse(JSON.stringify(policy)) as FixPolicyJSON);
    expect(copy.toJSON()).toEqual(policy.toJSON());
    expect(copy.probabilities()).toEqual(policy.probabilities());
    const bad: unknown[] = [
      null,
      { version: 2, candidates: [] },
      { version: 1, candidates: [] },
      { version: 1, candidates: [{ id: 'a', theta: 'x', successes: 0, trials: 0 }] },
      { version: 1, candidates: [{ id: 'a', theta: 0, successes: 3, trials: 2 }] },
      { version: 1, candidates: [{ id: 'a', theta: 0, successes: 0, trials: 1.5 }] },
      {
        version: 1,
        candidates: [
          { id: 'a', theta: 0, successes: 0, trials: 0 },
          { id: 'a', theta: 0, successes: 0, trials: 0 },
        ],
      },
    ];
    for (const json of bad) expect(() => FixPolicy.fromJSON(json as FixPolicyJSON)).toThrow();
  });
});
