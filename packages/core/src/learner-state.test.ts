import { describe, expect, it } from 'vitest';
import { candidateFix } from './candidate-generators/candidate-fix.js';
import { fixId } from './fix-id.js';
import {
  deepFreeze,
  GREEDY,
  idOf,
  learnerWith,
  REPAIR,
  RETRY,
  withCandidate,
} from './learner-state.fixture.js';
import {
  addCandidates,
  createLearnerState,
  learnerStateFromJSON,
  MAX_CANDIDATES_PER_PATTERN,
  NO_FIX_ID,
  rankCandidates,
  setIncumbent,
  withPromotedIncumbents,
} from './learner-state.js';

const pattern = { id: 'p1', function: 'fn', category: 'parsing_error' } as const;

describe('learner state', () => {
  it('starts empty, at step 0, with SEC seeded and a separate stream for problems', () => {
    const state = createLearnerState({ seed: 7, sec: { alpha: 0.2 } });
    expect(state).toMatchObject({ version: 1, step: 0, patterns: [] });
    expect(state.sec.options).toMatchObject({ alpha: 0.2, seed: 7 });
    expect(state.rng).not.toEqual(state.sec.rng);
    expect(createLearnerState({ seed: 7 })).toEqual(createLearnerState({ seed: 7 }));
    expect(createLearnerState({ seed: 7 }).rng).not.toEqual(createLearnerState({ seed: '7' }).rng);
  });

  it('adds candidates after the incumbent "no fix", warm-started relative to it, each id once', () => {
    const start = deepFreeze(createLearnerState());
    const state = addCandidates(start, pattern, [
      candidateFix(REPAIR, 'rule', 'r'),
      candidateFix(GREEDY, 'transfer', 'g', 0.4),
      candidateFix(REPAIR, 'mined', 'again'),
    ]);
    const [p] = state.patterns;
    expect(p!.candidates.map((c) => [c.id, c.theta, c.origin])).toEqual([
      [NO_FIX_ID, 0, 'incumbent'],
      [fixId(REPAIR), 0, 'rule'],
      [fixId(GREEDY), 0.4, 'transfer'],
    ]);
    expect(p).toMatchObject({ function: 'fn', category: 'parsing_error', reported: [], exhausted: false });
    // Warm starts are relative to the incumbent's logit as it is now.
    const moved = withCandidate(state, 'p1', 0, { theta: -1 });
    const more = addCandidates(moved, pattern, [candidateFix(RETRY, 'analyst', 'x', 0.5)]);
    expect(more.patterns[0]!.candidates[3]!.theta).toBe(-0.5);
  });

  it('lifts exhaustion only when something new arrives', () => {
    const state = learnerWith([{ id: 'p1', fixes: [REPAIR] }]);
    const exhausted = {
      ...state,
      patterns: [{ ...state.patterns[0]!, exhausted: true, zeroRewardSteps: 6 }],
    };
    expect(addCandidates(exhausted, pattern, [candidateFix(REPAIR, 'rule', 'r')]).patterns[0]).toMatchObject({
      exhausted: true,
      zeroRewardSteps: 6,
    });
    expect(
      addCandidates(exhausted, pattern, [candidateFix(GREEDY, 'combination', 'g')]).patterns[0],
    ).toMatchObject({
      exhausted: false,
      zeroRewardSteps: 0,
    });
  });

  it('keeps at most MAX_CANDIDATES_PER_PATTERN candidates: renewals past it add nothing, and the pattern stays exhausted', () => {
    const proposal = (n: number) =>
      candidateFix({ type: 'prompt_adjustment', instructions: `Try ${n}.` }, 'analyst', `proposal ${n}`);
    let state = createLearnerState();
    // Each exhaustion brings an analyst's three new proposals.
    for (let renewal = 0; renewal < 40; renewal++) {
      const exhausted = state.patterns.map((p) => ({ ...p, exhausted: true }));
      state = addCandidates(
        { ...state, patterns: exhausted },
        pattern,
        [0, 1, 2].map((i) => proposal(renewal * 3 + i)),
      );
    }
    const [p] = state.patterns;
    expect(p!.candidates).toHaveLength(MAX_CANDIDATES_PER_PATTERN);
    expect(p!.candidates[0]!.id).toBe(NO_FIX_ID);
    expect(p!.candidates.at(-1)!.rationale).toBe(`proposal ${MAX_CANDIDATES_PER_PATTERN - 2}`);
    expect(p!.exhausted).toBe(true);
  });

  it('refuses malformed candidates, naming the field', () => {
    const state = createLearnerState();
    const bad = {
      id: 'x',
      fix: { type: 'param_patch', params: { temperature: 9 } },
      origin: 'analyst',
      rationale: '',
    };
    expect(() => addCandidates(state, pattern, [bad as never])).toThrow(
      /candidates\[0\]\.fix\.params\.temperature/,
    );
    expect(() => addCandidates(state, { ...pattern, category: 'nope' as never }, [])).toThrow(/category/);
    expect(() =>
      addCandidates(state, pattern, [{ ...candidateFix(REPAIR, 'rule', ''), warmStartTheta: Number.NaN }]),
    ).toThrow(/warmStartTheta/);
  });

  it('moves a deployed candidate to the front and reports afresh against it', () => {
    let state = learnerWith([{ id: 'p1', fixes: [REPAIR, GREEDY] }]);
    state = { ...state, patterns: [{ ...state.patterns[0]!, reported: [idOf(state, 'p1', 1)] }] };
    state = withCandidate(state, 'p1', 2, { failing: { successes: 3, trials: 4 } });
    const next = setIncumbent(deepFreeze(state), 'p1', fixId(GREEDY));
    expect(next.patterns[0]!.candidates.map((c) => c.id)).toEqual([fixId(GREEDY), NO_FIX_ID, fixId(REPAIR)]);
    expect(next.patterns[0]!.candidates[0]!.failing).toEqual({ successes: 3, trials: 4 });
    expect(next.patterns[0]!.reported).toEqual([]);
    expect(() => setIncumbent(state, 'p2', NO_FIX_ID)).toThrow(/patternId/);
    expect(() => setIncumbent(state, 'p1', 'fix_x')).toThrow(/candidateId/);
  });

  it('makes the promoted fix of each pattern its incumbent, and "no fix" where none is', () => {
    const state = learnerWith([
      { id: 'p1', fixes: [REPAIR, GREEDY], function: 'f' },
      { id: 'p2', fixes: [REPAIR], function: 'g' },
    ]);
    const promoted = withPromotedIncumbents(deepFreeze(state), [
      { patternId: 'p1', function: 'f', fixId: fixId(GREEDY), fix: GREEDY },
      { patternId: 'p2', function: 'other', fixId: fixId(REPAIR), fix: REPAIR }, // another function's: not p2's
      { patternId: 'p3', function: 'f', fixId: fixId(REPAIR), fix: REPAIR },
    ]);
    expect(promoted.patterns.map((p) => p.candidates[0]!.id)).toEqual([fixId(GREEDY), NO_FIX_ID]);
    // Rolled back or superseded: back to "no fix".
    expect(withPromotedIncumbents(promoted, []).patterns[0]!.candidates[0]!.id).toBe(NO_FIX_ID);
    expect(withPromotedIncumbents(state, [])).toBe(state);
  });

  it("makes a promoted fix that is none of the pattern's candidates (a person's) its incumbent, origin 'deployed'", () => {
    const state = learnerWith([{ id: 'p1', fixes: [REPAIR], function: 'f' }]);
    const exhausted = { ...state, patterns: [{ ...state.patterns[0]!, exhausted: true }] };
    const theirs = withPromotedIncumbents(deepFreeze(exhausted), [
      { patternId: 'p1', function: 'f', fixId: fixId(RETRY), fix: RETRY },
    ]);
    const [p] = theirs.patterns;
    expect(p!.candidates.map((c) => c.id)).toEqual([fixId(RETRY), NO_FIX_ID, fixId(REPAIR)]);
    expect(p!.candidates[0]).toMatchObject({
      fix: RETRY,
      origin: 'deployed',
      rationale: expect.stringMatching(/person's proposal/),
      theta: 0,
      failing: { successes: 0, trials: 0 },
    });
    // A new baseline: what was exhausted against "no fix" is planned again, reported afresh.
    expect(p).toMatchObject({ exhausted: false, reported: [] });
    // It persists, and stays a way back once superseded or rolled back.
    expect(learnerStateFromJSON(JSON.parse(JSON.stringify(theirs)))).toEqual(theirs);
    const back = withPromotedIncumbents(theirs, []);
    expect(back.patterns[0]!.candidates.map((c) => c.id)).toEqual([NO_FIX_ID, fixId(RETRY), fixId(REPAIR)]);
    expect(
      rankCandidates(back, 'p1')
        .map((c) => c.origin)
        .sort(),
    ).toEqual(['deployed', 'rule']);
  });

  it('makes room for a promoted fix in a full pattern by dropping its weakest candidate, never "no fix"', () => {
    const fixes = Array.from({ length: MAX_CANDIDATES_PER_PATTERN - 1 }, (_, n) => ({
      type: 'prompt_adjustment' as const,
      instructions: `Try ${n}.`,
    }));
    let state = learnerWith([{ id: 'p1', fixes, function: 'f' }]);
    // Every candidate has won 1 of 2 but the first, which won none: it is the weakest.
    for (let i = 1; i < MAX_CANDIDATES_PER_PATTERN; i++)
      state = withCandidate(state, 'p1', i, { failing: { successes: i === 1 ? 0 : 1, trials: 2 } });
    const weakest = idOf(state, 'p1', 1);
    state = { ...state, patterns: [{ ...state.patterns[0]!, reported: [weakest, idOf(state, 'p1', 2)] }] };
    const theirs = withPromotedIncumbents(deepFreeze(state), [
      { patternId: 'p1', function: 'f', fixId: fixId(RETRY), fix: RETRY },
    ]);
    const ids = theirs.patterns[0]!.candidates.map((c) => c.id);
    expect(ids).toHaveLength(MAX_CANDIDATES_PER_PATTERN);
    expect(ids.slice(0, 2)).toEqual([fixId(RETRY), NO_FIX_ID]);
    expect(ids).not.toContain(weakest);
  });

  it('ranks candidates by posterior mean on failing inputs, leaving out the incumbent and "no fix"', () => {
    let state = learnerWith([{ id: 'p1', fixes: [REPAIR, GREEDY, RETRY] }]);
    state = withCandidate(state, 'p1', 1, { failing: { successes: 1, trials: 4 } }); // 2/6
    state = withCandidate(state, 'p1', 2, { failing: { successes: 3, trials: 4 } }); // 4/6
    state = setIncumbent(state, 'p1', fixId(RETRY));
    expect(rankCandidates(state, 'p1').map((c) => c.fix)).toEqual([GREEDY, REPAIR]);
    expect(rankCandidates(state, 'p1')[0]).toEqual({
      id: fixId(GREEDY),
      fix: GREEDY,
      origin: 'rule',
      rationale: 'fix for p1',
    });
  });

  it('round-trips through JSON and rejects corrupt state, naming the field', () => {
    const state = withCandidate(learnerWith([{ id: 'p1', fixes: [REPAIR] }]), 'p1', 1, {
      failing: { successes: 0.5, trials: 2 },
      examples: ['e1'],
    });
    const restored = learnerStateFromJSON(JSON.parse(JSON.stringify(state)));
    expect(restored).toEqual(state);
    const seen = {
      ...state,
      patterns: [
        { ...state.patterns[0]!, replayable: true, traffic: { occurrences: 9, recentFailures: 2.5 } },
      ],
    };
    expect(learnerStateFromJSON(JSON.parse(JSON.stringify(seen)))).toEqual(seen);
    // Saved before the learner followed traffic: not replayable until the next plan says so.
    const { replayable: _, ...older } = state.patterns[0]!;
    expect(learnerStateFromJSON({ ...state, patterns: [older] }).patterns[0]!.replayable).toBe(false);
    // biome-ignore lint/suspicious/noExplicitAny: the test writes wrong values into arbitrary fields
    const corrupt = (mutate: (s: any) => void) => {
      const copy = JSON.parse(JSON.stringify(state));
      mutate(copy);
      return () => learnerStateFromJSON(copy);
    };
    expect(corrupt((s) => (s.version = 2))).toThrow(/version 1/);
    expect(corrupt((s) => (s.step = -1))).toThrow(/state\.step/);
    expect(corrupt((s) => (s.rng.state = [1, 2]))).toThrow(/random state/);
    expect(corrupt((s) => (s.sec.arms = 'x'))).toThrow(/SEC state arms/);
    expect(corrupt((s) => (s.patterns[0].candidates[1].theta = null))).toThrow(
      /patterns\[0\]\.candidates\[1\]\.theta/,
    );
    expect(corrupt((s) => (s.patterns[0].candidates[1].failing.successes = 3))).toThrow(
      /candidates\[1\]\.failing/,
    );
    expect(corrupt((s) => (s.patterns[0].candidates[1].fix = { type: 'x' }))).toThrow(
      /candidates\[1\]\.fix\.type/,
    );
    expect(corrupt((s) => (s.patterns[0].candidates[1].fix = null))).toThrow(/candidates\[1\]\.origin/);
    expect(corrupt((s) => (s.patterns[0].candidates[1].id = 'none'))).toThrow(/repeats an id/);
    expect(corrupt((s) => (s.patterns[0].reported = ['fix_other']))).toThrow(/reported/);
    expect(corrupt((s) => (s.patterns[0].category = 'x'))).toThrow(/patterns\[0\]\.category/);
    expect(corrupt((s) => s.patterns.push(s.patterns[0]))).toThrow(/state\.patterns repeats/);
    expect(corrupt((s) => (s.patterns[0].replayable = 'yes'))).toThrow(/patterns\[0\]\.replayable/);
    expect(corrupt((s) => (s.patterns[0].traffic = { occurrences: -1, recentFailures: 0 }))).toThrow(
      /patterns\[0\]\.traffic/,
    );
  });
});
