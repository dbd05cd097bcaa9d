import { describe, expect, it } from 'vitest';
import { candidateFix } from './candidate-generators/candidate-fix.js';
import { fixId } from './fix-id.js';
import { deepFreeze, GREEDY, learnerWith, REPAIR, RETRY, withCandidate } from './learner-state.fixture.js';
import { addCandidates, type LearnerState, learnerStateFromJSON, NO_FIX_ID } from './learner-state.js';
import { applyStepResults, type LearningJob, type LearningPlan, planLearningStep } from './learning-step.js';
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
    const plan = planLearningStep(state, { patterns, config: { batchSize: 6, groupSize: 3 } });
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
    // Planning advances the streams and SEC's pull counts, nothing else.
    expect(plan.nextState.step).toBe(0);
    expect(plan.nextState.rng).not.toEqual(state.rng);
    const sec = SecCurriculum.fromJSON(plan.nextState.sec);
    expect(sec.armStats('a').pulls + sec.armStats('b').pulls).toBe(6);
    expect(plan.nextState.patterns).toEqual(state.patterns);
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
      { patterns, config: { batchSize: 2000, groupSize: 1 } },
    );
    const share = plan.jobs.filter((j) => j.patternId === 'a').length / 2000;
    expect(Math.abs(share - Math.exp(2) / (Math.exp(2) + 1))).toBeLessThan(0.03);
  });

  it('draws uniformly when asked to, whatever Q says', () => {
    const state = two();
    const sec = SecCurriculum.fromJSON(state.sec);
    sec.update({ a: 2 / 0.1 }); // under SEC P(a) ≈ 0.881
    const plan = planLearningStep(
      { ...state, sec: sec.toJSON() },
      { patterns, config: { batchSize: 2000, groupSize: 1 }, draw: 'uniform' },
    );
    const share = plan.jobs.filter((j) => j.patternId === 'a').length / 2000;
    expect(Math.abs(share - 0.5)).toBeLessThan(0.03);
    expect(() => planLearningStep(state, { patterns, draw: 'greedy' as never })).toThrow(/input\.draw/);
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

  it('does not report a candidate that breaks working calls', () => {
    let s: LearnerState = withCandidate(state, 'a', 0, { failing: { successes: 0, trials: 8 } });
    s = withCandidate(s, 'a', 1, {
      failing: { successes: 7, trials: 7 },
      guard: { successes: 0, trials: 2 },
    });
    const plan: LearningPlan = {
      step: 1,
      jobs: [job('a', repair, 'g', 'j1'), job('a', NO_FIX_ID, 'g', 'j2')],
    };
    const results = [
      { jobId: 'j1', reward: 1 },
      { jobId: 'j2', reward: 0 },
    ];
    expect(applyStepResults(s, plan, results).learningResults).toEqual([]);
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
  });
});
