import { describe, expect, it } from 'vitest';
import { candidateFix } from './candidate-generators/candidate-fix.js';
import { fixId } from './fix-id.js';
import { deepFreeze, GREEDY, learnerWith, REPAIR, RETRY, withCandidate } from './learner-state.fixture.js';
import { addCandidates, type LearnerState, learnerStateFromJSON, NO_FIX_ID } from './learner-state.js';
import {
  applyStepResults,
  drawProbabilities,
  type LearningJob,
  type LearningPlan,
  planLearningStep,
} from './learning-step.js';
import { SecCurriculum } from './sec-curriculum.js';

const EPS = 1e-6;
const two = () =>
  learnerWith([
    { id: 'a', fixes: [REPAIR, GREEDY], function: 'f' },
    { id: 'b', fixes: [RETRY], function: 'g', category: 'timeout' },
  ]);
const patterns = [
  { id: 'a', exampleIds: ['a1', 'a2', 'a3'] },
  { id: 'b', exampleIds: ['b1'] },
];

function job(
  patternId: string,
  candidateId: string,
  group: string,
  jobId: string,
  extra: Partial<LearningJob> = {},
) {
  return {
    jobId,
    patternId,
    problemId: 'e1',
    problemKind: 'failing',
    group,
    candidateId,
    fix: null,
    ...extra,
  } as LearningJob;
}

describe('planLearningStep', () => {
  it('draws B problems from SEC arms and gives each G rollouts with candidates from the fix policy', () => {
    const state = deepFreeze(two());
    const plan = planLearningStep(state, {
      patterns,
      config: { batchSize: 6, groupSize: 3, curriculum: 'sec' },
    });
    expect(plan.step).toBe(1);
    expect(plan.jobs).toHaveLength(18);
    for (let d = 0; d < 6; d++) {
      const group = plan.jobs.slice(3 * d, 3 * d + 3);
      expect(group.map((j) => j.jobId)).toEqual([`1:${d}:0`, `1:${d}:1`, `1:${d}:2`]);
      expect(new Set(group.map((j) => `${j.group}|${j.patternId}|${j.problemId}`)).size).toBe(1);
      expect(group[0]!.group).toBe(`1:${d}`);
    }
    const candidates = new Map(
      state.patterns.map((p) => [p.id, new Map(p.candidates.map((c) => [c.id, c.fix]))]),
    );
    for (const j of plan.jobs) {
      expect(patterns.find((p) => p.id === j.patternId)!.exampleIds).toContain(j.problemId);
      expect(j.problemKind).toBe('failing');
      expect(candidates.get(j.patternId)!.get(j.candidateId)).toEqual(j.fix);
    }
    // Planning advances the streams and SEC's pull counts, and notes what it saw of each pattern.
    expect(plan.nextState.step).toBe(0);
    expect(plan.nextState.rng).not.toEqual(state.rng);
    const sec = SecCurriculum.fromJSON(plan.nextState.sec);
    expect(sec.armStats('a').pulls + sec.armStats('b').pulls).toBe(6);
    expect(plan.nextState.patterns).toEqual(
      state.patterns.map((p) => {
        const failures = p.id === 'a' ? 3 : 1; // no occurrences given: its failing examples
        return { ...p, replayable: true, traffic: { occurrences: failures, recentFailures: failures } };
      }),
    );
    expect(plan.rewardWeights).toBeUndefined();
  });

  it("follows each pattern's recent failures from the occurrences it is given", () => {
    let state = two();
    const at = (a: number, b: number) => [
      { id: 'a', exampleIds: ['a1'], occurrences: a },
      { id: 'b', exampleIds: ['b1'], occurrences: b },
    ];
    const traffic = (s: LearnerState) => s.patterns.map((p) => p.traffic);
    state = planLearningStep(state, { patterns: at(40, 2) }).nextState;
    expect(traffic(state)).toEqual([
      { occurrences: 40, recentFailures: 40 },
      { occurrences: 2, recentFailures: 2 },
    ]);
    // 10 more for a, none for b: 40 + 0.1 · (10 − 40) = 37 and 2 + 0.1 · (0 − 2) = 1.8.
    state = planLearningStep(state, { patterns: at(50, 2) }).nextState;
    expect(traffic(state)[0]).toEqual({ occurrences: 50, recentFailures: 37 });
    expect(traffic(state)[1]!.recentFailures).toBeCloseTo(1.8, 14);
    // A pattern left out is not an arm any more and keeps what was known of it.
    const without = planLearningStep(state, { patterns: [at(60, 2)[0]!] }).nextState;
    expect(without.patterns[1]).toEqual({ ...state.patterns[1], replayable: false });
    expect(() =>
      planLearningStep(state, { patterns: [{ id: 'a', exampleIds: [], occurrences: -1 }] }),
    ).toThrow(/patterns\[0\]\.occurrences/);
  });

  it('plans only patterns with examples, candidates, and not exhausted', () => {
    let state = learnerWith([
      { id: 'a', fixes: [REPAIR] },
      { id: 'none', fixes: [] },
      { id: 'done', fixes: [REPAIR] },
      { id: 'empty', fixes: [REPAIR] },
    ]);
    state = {
      ...state,
      patterns: state.patterns.map((p) => (p.id === 'done' ? { ...p, exhausted: true } : p)),
    };
    const input = {
      patterns: [
        { id: 'a', exampleIds: ['x'] },
        { id: 'none', exampleIds: ['x'] },
        { id: 'done', exampleIds: ['x'] },
        { id: 'empty', exampleIds: [] },
        { id: 'unknown', exampleIds: ['x'] },
      ],
      config: { batchSize: 20 },
    };
    expect(new Set(planLearningStep(state, input).jobs.map((j) => j.patternId))).toEqual(new Set(['a']));
    const idle = planLearningStep(state, { patterns: [{ id: 'unknown', exampleIds: ['x'] }] });
    expect(idle.jobs).toEqual([]);
    expect(idle.nextState).toEqual(state);
  });

  it('takes problems uniformly from the pool, and a share from working inputs of the same function', () => {
    const state = two();
    const many = planLearningStep(state, {
      patterns: [patterns[0]!],
      succeedingInputs: { f: ['ok1', 'ok2'], g: ['other'] },
      config: { batchSize: 4000, groupSize: 1, successShare: 0.25 },
    });
    const counts = new Map<string, number>();
    for (const j of many.jobs) counts.set(j.problemId, (counts.get(j.problemId) ?? 0) + 1);
    // Binomial(4000, 0.25): sd ≈ 27; each failing example Binomial(4000, 0.25): same; each working one 0.125: sd ≈ 21.
    for (const id of ['a1', 'a2', 'a3']) expect(Math.abs(counts.get(id)! - 1000)).toBeLessThan(110);
    for (const id of ['ok1', 'ok2']) expect(Math.abs(counts.get(id)! - 500)).toBeLessThan(85);
    expect(counts.has('other')).toBe(false);
    expect(
      many.jobs.filter((j) => j.problemKind === 'succeeding').every((j) => j.problemId.startsWith('ok')),
    ).toBe(true);
    expect(many.nextState.patterns.find((p) => p.id === 'a')!.guarded).toBe(true);
    // No working inputs for the function, or a share of 0: only failing examples.
    const none = planLearningStep(state, { patterns, succeedingInputs: {}, config: { batchSize: 50 } });
    expect(none.jobs.every((j) => j.problemKind === 'failing')).toBe(true);
    expect(none.nextState.patterns.every((p) => !p.guarded)).toBe(true);
    const zero = planLearningStep(state, {
      patterns,
      succeedingInputs: { f: ['ok1'] },
      config: { batchSize: 50, successShare: 0 },
    });
    expect(zero.jobs.every((j) => j.problemKind === 'failing')).toBe(true);
  });

  it('follows SEC: a pattern with a higher Q is drawn more often', () => {
    const state = two();
    const sec = SecCurriculum.fromJSON(state.sec);
    sec.update({ a: 2 / 0.1 }); // Q_a = 2, Q_b = 0: P(a) = e² / (e² + 1) ≈ 0.881
    const plan = planLearningStep(
      { ...state, sec: sec.toJSON() },
      { patterns, config: { batchSize: 2000, groupSize: 1, curriculum: 'sec' } },
    );
    const share = plan.jobs.filter((j) => j.patternId === 'a').length / 2000;
    expect(Math.abs(share - Math.exp(2) / (Math.exp(2) + 1))).toBeLessThan(0.03);
    // The plan says what it drew from and what it drew.
    expect(plan.draw!.arms).toEqual(['a', 'b']);
    expect(plan.draw!.probabilities[0]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 1), 12);
    expect(plan.draw!.probabilities[1]).toBeCloseTo(1 / (Math.exp(2) + 1), 12);
    expect(plan.draw!.drawn).toEqual(plan.jobs.map((j) => j.patternId));
  });

  it('draws uniformly when configured to, whatever Q says', () => {
    const state = two();
    const sec = SecCurriculum.fromJSON(state.sec);
    sec.update({ a: 2 / 0.1 }); // under SEC P(a) ≈ 0.881
    const plan = planLearningStep(
      { ...state, sec: sec.toJSON() },
      { patterns, config: { batchSize: 2000, groupSize: 1, curriculum: 'uniform' } },
    );
    const share = plan.jobs.filter((j) => j.patternId === 'a').length / 2000;
    expect(Math.abs(share - 0.5)).toBeLessThan(0.03);
    expect(plan.draw!.probabilities).toEqual([0.5, 0.5]);
    expect(() => planLearningStep(state, { patterns, config: { curriculum: 'bandit' as never } })).toThrow(
      /config\.curriculum must be one of sec, sec-weighted, random, learnable-traffic, uniform, greedy/,
    );
  });

  it('draws at random in proportion to recent failures when configured to, whatever Q says', () => {
    const state = two();
    const sec = SecCurriculum.fromJSON(state.sec);
    sec.update({ b: 2 / 0.1 }); // under SEC P(b) ≈ 0.881
    const n = 8000;
    const plan = planLearningStep(
      { ...state, sec: sec.toJSON() },
      {
        patterns: [
          { id: 'a', exampleIds: ['a1'], occurrences: 30 },
          { id: 'b', exampleIds: ['b1', 'b2', 'b3'], occurrences: 10 },
        ],
        config: { batchSize: n, groupSize: 1, curriculum: 'random' },
      },
    );
    // Failures 30 and 10, so P(a) = 3/4, whatever the pools hold. Binomial(8000, 0.75): sd ≈ 38.7;
    // 5 sd is a false alarm below 1e-6.
    expect(plan.draw!.probabilities).toEqual([0.75, 0.25]);
    const bound = 5 * Math.sqrt(n * 0.25 * 0.75);
    expect(Math.abs(plan.jobs.filter((j) => j.patternId === 'a').length - 0.75 * n)).toBeLessThan(bound);
    // The three draws are three different streams of the same learner.
    const draws = (['sec', 'random', 'uniform'] as const).map((curriculum) =>
      planLearningStep(state, { patterns, config: { batchSize: 40, groupSize: 1, curriculum } }).jobs.map(
        (j) => j.patternId,
      ),
    );
    expect(new Set(draws.map((d) => d.join())).size).toBe(3);
  });

  it('draws greedily the patterns with the most recent failures, one draw each, from the top again', () => {
    const state = learnerWith(['p', 'q', 'r'].map((id) => ({ id, fixes: [REPAIR] })));
    const input = (batchSize: number) => ({
      patterns: [
        { id: 'p', exampleIds: ['p1'], occurrences: 5 },
        { id: 'q', exampleIds: ['q1'], occurrences: 9 },
        { id: 'r', exampleIds: ['r1'], occurrences: 5 },
      ],
      config: { batchSize, groupSize: 1, curriculum: 'greedy' as const },
    });
    const drawn = (batchSize: number) =>
      [...new Set(planLearningStep(state, input(batchSize)).jobs.map((j) => j.group))].map(
        (g) => planLearningStep(state, input(batchSize)).jobs.find((j) => j.group === g)!.patternId,
      );
    expect(drawn(2)).toEqual(['q', 'p']); // p and r tie at 5: by id
    expect(drawn(7)).toEqual(['q', 'p', 'r', 'q', 'p', 'r', 'q']);
  });

  it('weighs SEC rewards by the share of failures under sec-weighted, and applies the weights', () => {
    const state = two();
    const input = {
      patterns: [
        { id: 'a', exampleIds: ['a1'], occurrences: 8 },
        { id: 'b', exampleIds: ['b1'], occurrences: 2 },
      ],
      config: { batchSize: 40, groupSize: 2, curriculum: 'sec-weighted' as const },
    };
    const plan = planLearningStep(state, input);
    // Recent failures 8 and 2: weights f / max f = 1 and 1/4 (both drawn in 40 draws at Q = 0).
    expect(plan.rewardWeights).toEqual({ a: 1, b: 0.25 });
    // Every group of two: one success, one failure, so mean |A| = c = (1/2) / (√(1/2) + ε) for both.
    const results = plan.jobs.map((j) => ({ jobId: j.jobId, reward: Number(j.jobId.endsWith(':0')) }));
    const outcome = applyStepResults(plan.nextState, plan, results, input.config);
    const c = 0.5 / (Math.sqrt(0.5) + EPS);
    expect(outcome.patternRewards.a).toBeCloseTo(c, 12);
    expect(outcome.patternRewards.b).toBeCloseTo(0.25 * c, 12);
    const sec = SecCurriculum.fromJSON(outcome.nextState.sec);
    expect(sec.q('b')).toBeCloseTo(0.1 * 0.25 * c, 12);
    const bad = { ...plan, rewardWeights: { a: 2 } };
    expect(() => applyStepResults(plan.nextState, bad, results)).toThrow(
      /rewardWeights\["a"\] must be a number in \[0, 1\]/,
    );
    expect(() => applyStepResults(plan.nextState, { ...plan, rewardWeights: { z: 1 } }, results)).toThrow(
      /'z' is not a pattern/,
    );
  });

  it('is deterministic, and a learner restored from JSON plans exactly the same step', () => {
    let state = two();
    for (let step = 0; step < 3; step++) {
      const plan = planLearningStep(state, { patterns });
      state = applyStepResults(
        plan.nextState,
        plan,
        plan.jobs.map((j, i) => ({ jobId: j.jobId, reward: (i * 7) % 3 === 0 ? 1 : 0 })),
      ).nextState;
    }
    const restored = learnerStateFromJSON(JSON.parse(JSON.stringify(state)));
    const input = { patterns, succeedingInputs: { f: ['ok'] } };
    expect(planLearningStep(restored, input)).toEqual(planLearningStep(state, input));
    expect(planLearningStep(restored, input).jobs).toHaveLength(32 * 4);
  });

  it('rejects malformed input, naming the field', () => {
    const state = two();
    expect(() => planLearningStep(state, { patterns: [{ id: '', exampleIds: [] }] })).toThrow(
      /patterns\[0\]\.id/,
    );
    expect(() => planLearningStep(state, { patterns: [patterns[0]!, patterns[0]!] })).toThrow(
      /patterns\[1\]\.id repeats/,
    );
    expect(() => planLearningStep(state, { patterns: [{ id: 'a', exampleIds: [3 as never] }] })).toThrow(
      /patterns\[0\]\.exampleIds\[0\]/,
    );
    expect(() => planLearningStep(state, { patterns, succeedingInputs: { f: 'x' as never } })).toThrow(
      /succeedingInputs\["f"\]/,
    );
    expect(() => planLearningStep(state, { patterns, config: { groupSize: 0 } })).toThrow(
      /config\.groupSize/,
    );
  });

  it('runs the incumbent as the control on working inputs, and sets aside fixes that break them', () => {
    let state: LearnerState = learnerWith([
      { id: 'a', fixes: [REPAIR, GREEDY], function: 'f' },
      { id: 'b', fixes: [RETRY], function: 'f', category: 'timeout' },
    ]);
    // Against the incumbent's 2 of 2, 0 of 3 on working inputs shows a fix breaks them.
    for (const id of ['a', 'b']) state = withCandidate(state, id, 0, { guard: { successes: 2, trials: 2 } });
    state = withCandidate(state, 'a', 2, { guard: { successes: 0, trials: 3 } });
    state = withCandidate(state, 'b', 1, { guard: { successes: 0, trials: 3 } });
    const greedy = fixId(GREEDY);
    const input = {
      patterns: [
        { id: 'a', exampleIds: ['a1'] },
        { id: 'b', exampleIds: ['b1'] },
      ],
      succeedingInputs: { f: ['ok'] },
      config: { batchSize: 400, groupSize: 3, successShare: 0.5 },
    };
    const plan = planLearningStep(state, input);
    // b has nothing left to try but its incumbent: not planned (so nothing of it is set aside).
    expect(new Set(plan.jobs.map((j) => j.patternId))).toEqual(new Set(['a']));
    expect(plan.setAside).toEqual({ a: [greedy] });
    expect(plan.jobs.some((j) => j.candidateId === greedy)).toBe(false);
    const groups = new Map<string, LearningJob[]>();
    for (const j of plan.jobs) groups.set(j.group, [...(groups.get(j.group) ?? []), j]);
    let working = 0;
    for (const [, [first, ...rest]] of groups) {
      if (first!.problemKind === 'succeeding') {
        working++;
        expect(first).toMatchObject({ candidateId: NO_FIX_ID, fix: null, control: true });
      } else expect(first!.control).toBeUndefined();
      for (const j of rest) expect(j.control).toBeUndefined();
    }
    expect(working).toBeGreaterThan(150); // Binomial(400, 0.5)
    // A group of one has no room for a control.
    const single = planLearningStep(state, { ...input, config: { ...input.config, groupSize: 1 } });
    expect(single.jobs.some((j) => j.control === true)).toBe(false);
    // The plan applies: controls and the set-aside candidates are accepted as planned.
    const outcome = applyStepResults(
      plan.nextState,
      plan,
      plan.jobs.map((j) => ({ jobId: j.jobId, reward: 1 })),
      input.config,
    );
    const a = outcome.nextState.patterns[0]!;
    expect(a.candidates[2]!.theta).toBe(0);
    const incumbentOnWorking = plan.jobs.filter(
      (j) => j.candidateId === NO_FIX_ID && j.problemKind === 'succeeding',
    ).length;
    expect(incumbentOnWorking).toBeGreaterThan(working); // the controls, and the policy's own draws
    expect(a.candidates[0]!.guard.trials).toBe(2 + incumbentOnWorking);
  });
});

describe('drawProbabilities', () => {
  it('gives the arms of the last plan what the configured curriculum draws them with', () => {
    let state = learnerWith([
      { id: 'a', fixes: [REPAIR] },
      { id: 'b', fixes: [RETRY] },
      { id: 'gone', fixes: [REPAIR] },
      { id: 'none', fixes: [] },
      { id: 'tired', fixes: [REPAIR] },
    ]);
    expect(drawProbabilities(state)).toEqual([]); // never planned: no arms known yet
    state = {
      ...state,
      patterns: state.patterns.map((p) => (p.id === 'tired' ? { ...p, exhausted: true } : p)),
    };
    const sec = SecCurriculum.fromJSON(state.sec);
    sec.update({ a: Math.log(3) / 0.1 }); // Q_a = ln 3: softmax 3/4, 1/4
    state = { ...state, sec: sec.toJSON() };
    const planned = planLearningStep(state, {
      patterns: [
        { id: 'a', exampleIds: ['a1'], occurrences: 1 },
        { id: 'b', exampleIds: ['b1'], occurrences: 3 },
        { id: 'gone', exampleIds: [], occurrences: 5 }, // no failing examples left
        { id: 'none', exampleIds: ['n1'], occurrences: 7 }, // nothing to try
        { id: 'tired', exampleIds: ['t1'], occurrences: 9 },
      ],
      config: { batchSize: 1 },
    }).nextState;
    const view = (config = {}) =>
      drawProbabilities(planned, { curriculum: 'sec', ...config }).map((a) => [
        a.patternId,
        a.probability,
        a.recentFailures,
      ]);
    const secView = view();
    expect(secView.map(([id, , f]) => [id, f])).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
    expect(secView[0]![1]).toBeCloseTo(0.75, 14);
    expect(secView[1]![1]).toBeCloseTo(0.25, 14);
    expect(view({ curriculum: 'random' })).toEqual([
      ['a', 0.25, 1],
      ['b', 0.75, 3],
    ]);
    expect(view({ curriculum: 'uniform' })).toEqual([
      ['a', 0.5, 1],
      ['b', 0.5, 3],
    ]);
    // Q_a = ln 3 after one reward, b never rewarded: learnability ln 3 + 0.9 · 0.1 and 0.1; neither
    // incumbent has evidence, so half of each pattern's failures are left (Beta(1, 1) mean 0.5).
    const [ltA, ltB] = view({ curriculum: 'learnable-traffic' });
    const weightA = 1 * 0.5 * (Math.log(3) + 0.09);
    const weightB = 3 * 0.5 * 0.1;
    expect(ltA![1]).toBeCloseTo(weightA / (weightA + weightB), 14);
    expect(ltB![1]).toBeCloseTo(weightB / (weightA + weightB), 14);
    expect(view({ curriculum: 'greedy', batchSize: 3 })).toEqual([
      ['a', 1 / 3, 1],
      ['b', 2 / 3, 3],
    ]);
  });
});

describe('applyStepResults', () => {
  const state = deepFreeze(
    learnerWith([
      { id: 'a', fixes: [REPAIR] },
      { id: 'b', fixes: [RETRY] },
    ]),
  );
  const repair = fixId(REPAIR);

  it('takes the GRPO step, updates evidence and SEC, by hand', () => {
    // One group: "no fix" fails, the repair succeeds. Mean 1/2, sample sd √(1/2): A = ±c, c = (1/2)/(√(1/2) + ε).
    // π = (1/2, 1/2) and ΣA = 0, so θ_none = −η c and θ_repair = +η c; the SEC reward is mean |A| = c.
    const plan: LearningPlan = {
      step: 1,
      jobs: [job('a', NO_FIX_ID, 'g', 'j1'), job('a', repair, 'g', 'j2', { problemId: 'e2' })],
    };
    const outcome = applyStepResults(state, plan, [
      { jobId: 'j2', reward: 1 },
      { jobId: 'j1', reward: 0 },
    ]);
    const c = 0.5 / (Math.sqrt(0.5) + EPS);
    expect(outcome.patternRewards.a).toBeCloseTo(c, 14);
    expect(Object.keys(outcome.patternRewards)).toEqual(['a']);
    const [none, fix] = outcome.nextState.patterns[0]!.candidates;
    expect(none!.theta).toBeCloseTo(-0.1 * c, 14);
    expect(fix!.theta).toBeCloseTo(0.1 * c, 14);
    expect(none!.failing).toEqual({ successes: 0, trials: 1 });
    expect(fix!.failing).toEqual({ successes: 1, trials: 1 });
    expect(fix!.examples).toEqual(['e2']);
    const sec = SecCurriculum.fromJSON(outcome.nextState.sec);
    expect(sec.q('a')).toBeCloseTo(0.1 * c, 14);
    expect(sec.step).toBe(1);
    expect(outcome.nextState.step).toBe(1);
    // Pattern b got nothing: untouched, not rewarded.
    expect(outcome.nextState.patterns[1]).toBe(state.patterns[1]);
    expect(sec.armStats('b').updates).toBe(0);
    expect(outcome).toMatchObject({ learningResults: [], exhaustedPatterns: [] });
  });

  it('uses the rollouts that arrived when some expired, and leaves patterns without results alone', () => {
    // Group of four, two arrived: the same as a group of those two.
    const plan: LearningPlan = {
      step: 1,
      jobs: [
        job('a', NO_FIX_ID, 'g', 'j1'),
        job('a', repair, 'g', 'j2'),
        job('a', repair, 'g', 'j3'),
        job('a', NO_FIX_ID, 'g', 'j4'),
        job('b', NO_FIX_ID, 'h', 'j5'),
      ],
    };
    const partial = applyStepResults(state, plan, [
      { jobId: 'j1', reward: 0 },
      { jobId: 'j3', reward: 1 },
    ]);
    const pair = applyStepResults(state, { step: 1, jobs: [plan.jobs[0]!, plan.jobs[2]!] }, [
      { jobId: 'j1', reward: 0 },
      { jobId: 'j3', reward: 1 },
    ]);
    expect(partial.nextState).toEqual(pair.nextState);
    expect(partial.patternRewards).toEqual(pair.patternRewards);
    // One of four arrived: not a group of one (whose A would be r), so no gradient and no SEC
    // reward; it still counts as a trial of its candidate.
    const lone = applyStepResults(state, plan, [{ jobId: 'j3', reward: 1 }]);
    const [before, after] = [state, lone.nextState].map((s) => s.patterns.find((p) => p.id === 'a')!);
    expect(after!.candidates.map((c) => c.theta)).toEqual(before!.candidates.map((c) => c.theta));
    expect(lone.patternRewards).toEqual({});
    const trialsOf = (p: typeof before) => p!.candidates.find((c) => c.id === repair)!.failing;
    expect(trialsOf(after)).toEqual({
      trials: trialsOf(before).trials + 1,
      successes: trialsOf(before).successes + 1,
    });
    // Nothing arrived at all: only the step counter moves.
    const nothing = applyStepResults(state, plan, []);
    expect(nothing.nextState).toEqual({ ...state, step: 1 });
    expect(nothing.patternRewards).toEqual({});
  });

  it('keeps working-input rollouts out of the failing evidence but in the policy gradient', () => {
    const plan: LearningPlan = {
      step: 1,
      jobs: [
        job('a', NO_FIX_ID, 'g', 'j1', { problemKind: 'succeeding', problemId: 'ok' }),
        job('a', repair, 'g', 'j2', { problemKind: 'succeeding', problemId: 'ok' }),
      ],
    };
    const outcome = applyStepResults(state, plan, [
      { jobId: 'j1', reward: 1 },
      { jobId: 'j2', reward: 0 },
    ]);
    const [none, fix] = outcome.nextState.patterns[0]!.candidates;
    expect(fix!.guard).toEqual({ successes: 0, trials: 1 });
    expect(fix!.failing).toEqual({ successes: 0, trials: 0 });
    expect(fix!.examples).toEqual([]);
    expect(none!.guard).toEqual({ successes: 1, trials: 1 });
    expect(fix!.theta).toBeLessThan(0); // the fix broke a working call: punished
    expect(outcome.nextState.patterns[0]!.zeroRewardSteps).toBe(0); // no failing rollouts: no evidence either way
  });

  it('reports a candidate that beats the incumbent once, with its numbers', () => {
    let s: LearnerState = withCandidate(state, 'a', 0, { failing: { successes: 0, trials: 8 } });
    s = withCandidate(s, 'a', 1, { failing: { successes: 7, trials: 7 }, examples: ['e1', 'e2'] });
    const plan: LearningPlan = {
      step: 1,
      jobs: [job('a', repair, 'g', 'j1', { problemId: 'e3' }), job('a', NO_FIX_ID, 'g', 'j2')],
    };
    const { learningResults, nextState } = applyStepResults(s, plan, [
      { jobId: 'j1', reward: 1 },
      { jobId: 'j2', reward: 0 },
    ]);
    // Now 8/8 against 0/9: improvement 9/10 − 1/11; P(better) = 1 − 9 · B(9, 11) = 1 − 9 · 8! 10! / 19!.
    const f = (n: number): number => (n <= 1 ? 1 : n * f(n - 1));
    expect(learningResults).toHaveLength(1);
    const [result] = learningResults;
    expect(result).toMatchObject({
      patternId: 'a',
      candidateId: repair,
      fix: REPAIR,
      origin: 'rule',
      rationale: 'fix for a',
      successRate: 1,
      trials: 8,
      guard: { successes: 0, trials: 0 },
      examplesLearnedFrom: 3,
      risk: 'low',
      step: 1,
    });
    expect(result!.improvement).toBeCloseTo(9 / 10 - 1 / 11, 14);
    expect(result!.confidence).toBeCloseTo(1 - (9 * f(8) * f(10)) / f(19), 12);
    expect(nextState.patterns[0]!.reported).toEqual([repair]);
    const again = applyStepResults(nextState, { ...plan, step: 2 }, [
      { jobId: 'j1', reward: 1 },
      { jobId: 'j2', reward: 0 },
    ]);
    expect(again.learningResults).toEqual([]);
  });

  it('reports only the best of the candidates that beat the incumbent', () => {
    let s: LearnerState = learnerWith([{ id: 'a', fixes: [REPAIR, GREEDY] }]);
    s = withCandidate(s, 'a', 0, { failing: { successes: 0, trials: 10 } });
    s = withCandidate(s, 'a', 1, { failing: { successes: 6, trials: 10 } }); // beats, improvement 7/12 − 1/12
    s = withCandidate(s, 'a', 2, { failing: { successes: 9, trials: 10 } }); // beats, improvement 10/12 − 1/12
    const plan: LearningPlan = { step: 1, jobs: [job('a', NO_FIX_ID, 'g', 'j1')] };
    const { learningResults } = applyStepResults(s, plan, [{ jobId: 'j1', reward: 0 }]);
    expect(learningResults.map((r) => r.fix)).toEqual([GREEDY]);
    expect(learningResults[0]!.risk).toBe('medium');
  });

  it('does not report a candidate that breaks working calls, nor one not yet shown to keep them working', () => {
    const withGuard = (successes: number, trials: number) => {
      let s: LearnerState = withCandidate(state, 'a', 0, {
        failing: { successes: 0, trials: 8 },
        guard: { successes: 2, trials: 2 },
      });
      s = withCandidate(s, 'a', 1, { failing: { successes: 7, trials: 7 }, guard: { successes, trials } });
      return s;
    };
    const plan: LearningPlan = {
      step: 1,
      jobs: [job('a', repair, 'g', 'j1'), job('a', NO_FIX_ID, 'g', 'j2')],
    };
    const results = [
      { jobId: 'j1', reward: 1 },
      { jobId: 'j2', reward: 0 },
    ];
    // 8 of 8 against 0 of 9 on failing inputs beats the incumbent; on working inputs 0 of 2 breaks
    // them, and 2 of 2 (P(no worse by 0.05) ≈ 0.58) is too little to show it does not; 18 of 18 is enough.
    expect(applyStepResults(withGuard(0, 2), plan, results).learningResults).toEqual([]);
    expect(applyStepResults(withGuard(2, 2), plan, results).learningResults).toEqual([]);
    expect(
      applyStepResults(withGuard(18, 18), plan, results).learningResults.map((r) => r.candidateId),
    ).toEqual([repair]);
  });

  it('keeps controls out of the gradient and steps the softmax over the candidates not set aside, by hand', () => {
    const three = deepFreeze(learnerWith([{ id: 'a', fixes: [REPAIR, GREEDY] }]));
    const greedy = fixId(GREEDY);
    // The incumbent as the control on a working input, and the repair alone in a failing group:
    // A = 1 / (1 + ε). Over {none, repair} (greedy set aside) π = (1/2, 1/2), so θ_none = −η A / 2 and
    // θ_repair = +η A / 2 (with greedy in the softmax they would be −η A / 3 and +2η A / 3).
    const plan: LearningPlan = {
      step: 1,
      jobs: [
        job('a', NO_FIX_ID, 'h', 'j1', { problemKind: 'succeeding', problemId: 'ok', control: true }),
        job('a', repair, 'k', 'j2'),
      ],
      setAside: { a: [greedy] },
    };
    const outcome = applyStepResults(three, plan, [
      { jobId: 'j1', reward: 1 },
      { jobId: 'j2', reward: 1 },
    ]);
    const a = 1 / (1 + EPS);
    const [none, fix, aside] = outcome.nextState.patterns[0]!.candidates;
    expect(none!.theta).toBeCloseTo(-0.1 * a * 0.5, 14);
    expect(fix!.theta).toBeCloseTo(0.1 * a * 0.5, 14);
    expect(aside!.theta).toBe(0);
    expect(outcome.patternRewards.a).toBeCloseTo(a, 14); // the control is not in mean |A|
    expect(none!.guard).toEqual({ successes: 1, trials: 1 }); // but it is the incumbent's guard evidence
    expect(none!.failing).toEqual({ successes: 0, trials: 0 });
    // Only controls arrived: evidence, no policy step and no SEC reward.
    const controlOnly = applyStepResults(three, plan, [{ jobId: 'j1', reward: 0 }]);
    expect(controlOnly.patternRewards).toEqual({});
    expect(controlOnly.nextState.patterns[0]!.candidates.map((c) => c.theta)).toEqual([0, 0, 0]);
    expect(controlOnly.nextState.patterns[0]!.candidates[0]!.guard).toEqual({ successes: 0, trials: 1 });
  });

  it('reports a pattern as exhausted once all its candidates are shown to break working calls', () => {
    let s: LearnerState = withCandidate(state, 'b', 0, { guard: { successes: 2, trials: 2 } });
    s = withCandidate(s, 'b', 1, { guard: { successes: 0, trials: 2 } });
    const retry = fixId(RETRY);
    const plan: LearningPlan = {
      step: 1,
      jobs: [job('b', retry, 'g', 'j1', { problemKind: 'succeeding', problemId: 'ok' })],
    };
    // 0 of 3 against 2 of 2: P(no worse by 0.05) <= 0.05.
    const outcome = applyStepResults(s, plan, [{ jobId: 'j1', reward: 0 }]);
    expect(outcome.exhaustedPatterns).toEqual(['b']);
    expect(outcome.nextState.patterns[1]!.exhausted).toBe(true);
    const kept = applyStepResults(s, plan, [{ jobId: 'j1', reward: 1 }]);
    expect(kept.exhaustedPatterns).toEqual([]);
  });

  it('reports a pattern as exhausted once, after N all-zero steps with Q near 0, and stops planning it', () => {
    let s: LearnerState = state;
    const exhausted: string[][] = [];
    for (let step = 1; step <= 4; step++) {
      const plan = planLearningStep(s, {
        patterns: [{ id: 'a', exampleIds: ['e'] }],
        config: { batchSize: 2 },
      });
      const outcome = applyStepResults(
        plan.nextState,
        plan,
        plan.jobs.map((j) => ({ jobId: j.jobId, reward: 0 })),
        { exhaustAfterSteps: 3 },
      );
      exhausted.push(outcome.exhaustedPatterns);
      s = outcome.nextState;
    }
    // Step 4 planned nothing for it: no rollouts, no report, the count stays.
    expect(exhausted).toEqual([[], [], ['a'], []]);
    expect(s.patterns[0]).toMatchObject({ exhausted: true, zeroRewardSteps: 3 });
    expect(planLearningStep(s, { patterns: [{ id: 'a', exampleIds: ['e'] }] }).jobs).toEqual([]);
    // New candidates (e.g. combinations) put it back in the curriculum.
    const revived = addCandidates(s, { id: 'a', function: 'fn', category: 'parsing_error' }, [
      candidateFix(GREEDY, 'combination', 'new'),
    ]);
    expect(
      planLearningStep(revived, { patterns: [{ id: 'a', exampleIds: ['e'] }] }).jobs.length,
    ).toBeGreaterThan(0);
  });

  it('does not exhaust a pattern whose Q is not near 0', () => {
    const sec = SecCurriculum.fromJSON(state.sec);
    sec.update({ a: 1 }); // Q_a = 0.1 > 0.05; zero rewards decay it by 0.9 a step
    let s: LearnerState = { ...state, sec: sec.toJSON() };
    const plan: LearningPlan = {
      step: 1,
      jobs: [job('a', repair, 'g', 'j1'), job('a', NO_FIX_ID, 'g', 'j2')],
    };
    const zero = [
      { jobId: 'j1', reward: 0 },
      { jobId: 'j2', reward: 0 },
    ];
    const reports: string[][] = [];
    for (let step = 1; step <= 8; step++) {
      const outcome = applyStepResults(s, { ...plan, step }, zero, { exhaustAfterSteps: 2 });
      reports.push(outcome.exhaustedPatterns);
      s = outcome.nextState;
    }
    // Q = 0.1 · 0.9^k: 0.0531 after 6 steps, 0.0478 after 7.
    expect(reports.findIndex((r) => r.length > 0)).toBe(6);
  });

  it('rejects results that do not fit the plan, naming the field', () => {
    const plan: LearningPlan = { step: 1, jobs: [job('a', repair, 'g', 'j1')] };
    expect(() => applyStepResults(state, { ...plan, step: 2 }, [])).toThrow(/plan\.step 2/);
    expect(() => applyStepResults(state, plan, [{ jobId: 'x', reward: 1 }])).toThrow(
      /results\[0\]\.jobId 'x'/,
    );
    expect(() =>
      applyStepResults(state, plan, [
        { jobId: 'j1', reward: 1 },
        { jobId: 'j1', reward: 0 },
      ]),
    ).toThrow(/results\[1\]\.jobId 'j1' is reported twice/);
    expect(() => applyStepResults(state, plan, [{ jobId: 'j1', reward: 1.5 }])).toThrow(
      /results\[0\]\.reward/,
    );
    const stranger: LearningPlan = { step: 1, jobs: [job('a', 'fix_unknown', 'g', 'j1')] };
    expect(() => applyStepResults(state, stranger, [{ jobId: 'j1', reward: 1 }])).toThrow(
      /plan\.jobs\[0\]\.candidateId/,
    );
    const lost: LearningPlan = { step: 1, jobs: [job('zz', repair, 'g', 'j1')] };
    expect(() => applyStepResults(state, lost, [{ jobId: 'j1', reward: 1 }])).toThrow(
      /plan\.jobs\[0\]\.patternId/,
    );
    const fakeControl: LearningPlan = { step: 1, jobs: [job('a', repair, 'g', 'j1', { control: true })] };
    expect(() => applyStepResults(state, fakeControl, [{ jobId: 'j1', reward: 1 }])).toThrow(
      /plan\.jobs\[0\] is a control/,
    );
    const asideDrawn: LearningPlan = { ...plan, setAside: { a: [repair] } };
    expect(() => applyStepResults(state, asideDrawn, [{ jobId: 'j1', reward: 1 }])).toThrow(
      /plan\.jobs\[0\]\.candidateId .* set aside/,
    );
    for (const [setAside, message] of [
      [[], /plan\.setAside must be an object/],
      [{ a: 'x' }, /plan\.setAside\["a"\] must be an array/],
      [{ zz: [repair] }, /plan\.setAside\["zz"\]: 'zz' is not a pattern/],
      [{ a: [NO_FIX_ID] }, /plan\.setAside\["a"\]\[0\] 'none' is not a candidate/],
    ] as const) {
      expect(() => applyStepResults(state, { ...plan, setAside } as never, [])).toThrow(message);
    }
  });
});
