import { describe, expect, it } from 'vitest';
import { fixId } from './fix-id.js';
import { GREEDY, learnerWith, REPAIR, RETRY, withCandidate } from './learner-state.fixture.js';
import type { LearnerState } from './learner-state.js';
import { approvalRequests, policySnapshot, shouldSync } from './policy-sync.js';

describe('shouldSync', () => {
  it('syncs every s steps, never at step 0, never when offline', () => {
    expect([0, 1, 49, 50, 51, 100].map((step) => shouldSync(step, 50))).toEqual([
      false,
      false,
      false,
      true,
      false,
      true,
    ]);
    expect([1, 2, 3].map((step) => shouldSync(step, 1))).toEqual([true, true, true]);
    expect(shouldSync(1e9, Number.POSITIVE_INFINITY)).toBe(false);
    expect(() => shouldSync(-1, 5)).toThrow(/step/);
    expect(() => shouldSync(3, 0)).toThrow(/syncInterval/);
    expect(() => shouldSync(3, 2.5)).toThrow(/syncInterval/);
  });
});

describe('policySnapshot', () => {
  const evidence = (successes: number, trials: number) => ({ failing: { successes, trials } });

  it('gives each pattern its best candidate that beats the incumbent, and nothing where none does', () => {
    let state: LearnerState = learnerWith([
      { id: 'a', fixes: [REPAIR, GREEDY], function: 'parse' },
      { id: 'b', fixes: [RETRY], function: 'fetch', category: 'timeout' },
    ]);
    state = withCandidate(state, 'a', 0, evidence(0, 10));
    state = withCandidate(state, 'a', 1, evidence(9, 10)); // beats, improvement 10/12 − 1/12
    state = withCandidate(state, 'a', 2, evidence(10, 10)); // beats, improvement 11/12 − 1/12
    state = withCandidate(state, 'b', 0, evidence(5, 10));
    state = withCandidate(state, 'b', 1, evidence(6, 10)); // not confidently better
    const snapshot = policySnapshot(state);
    expect(snapshot).toHaveLength(1);
    expect(snapshot[0]).toMatchObject({
      patternId: 'a',
      function: 'parse',
      candidateId: fixId(GREEDY),
      fix: GREEDY,
      risk: 'medium',
    });
    expect(snapshot[0]!.improvement).toBeCloseTo(10 / 12, 14);
    expect(snapshot[0]!.confidence).toBeGreaterThan(0.95);
  });

  it('drops a candidate that breaks working calls, and breaks ties by confidence then id', () => {
    let state: LearnerState = learnerWith([{ id: 'a', fixes: [REPAIR, GREEDY] }]);
    state = withCandidate(state, 'a', 0, { ...evidence(0, 10), guard: { successes: 2, trials: 2 } });
    state = withCandidate(state, 'a', 1, evidence(10, 10));
    state = withCandidate(state, 'a', 2, { ...evidence(10, 10), guard: { successes: 0, trials: 3 } });
    expect(policySnapshot(state).map((e) => e.fix)).toEqual([REPAIR]);
    // Cleared only once its working-input rollouts show it no worse there than the incumbent.
    state = withCandidate(state, 'a', 2, { ...evidence(10, 10), guard: { successes: 3, trials: 3 } });
    expect(policySnapshot(state).map((e) => e.fix)).toEqual([REPAIR]);
    state = withCandidate(state, 'a', 2, { ...evidence(10, 10), guard: { successes: 18, trials: 18 } });
    const tie = [fixId(REPAIR), fixId(GREEDY)].sort()[0];
    expect(policySnapshot(state).map((e) => e.candidateId)).toEqual([tie]);
    expect(policySnapshot(state, { confidence: 0.5, minTrials: 20 })).toEqual([]);
  });
});

describe('approvalRequests', () => {
  it('asks once about each reported entry of the policy, with the approval policy decision', () => {
    let state: LearnerState = learnerWith([
      { id: 'a', fixes: [REPAIR], function: 'parse' },
      { id: 'b', fixes: [GREEDY], function: 'fetch' },
      { id: 'c', fixes: [RETRY], function: 'fetch', category: 'timeout' },
    ]);
    for (const id of ['a', 'b', 'c'])
      state = withCandidate(state, id, 0, { failing: { successes: 0, trials: 10 } });
    state = withCandidate(state, 'a', 1, { failing: { successes: 10, trials: 10 } }); // low risk, 100 %
    state = withCandidate(state, 'b', 1, { failing: { successes: 10, trials: 10 } }); // medium risk
    state = withCandidate(state, 'c', 1, { failing: { successes: 10, trials: 10 } }); // not reported
    const reported = (id: string) => state.patterns.find((p) => p.id === id)!.candidates[1]!.id;
    state = {
      ...state,
      patterns: state.patterns.map((p) => (p.id === 'c' ? p : { ...p, reported: [reported(p.id)] })),
    };
    const requests = approvalRequests(state, {}, () => false);
    expect(requests.map((r) => [r.entry.patternId, r.successRate, r.decision.decision])).toEqual([
      ['a', 1, 'auto_approved'],
      ['b', 1, 'pending'],
    ]);
    expect(requests[1]!.decision.reasons).toEqual(['risk medium needs a person (auto-approved: low)']);
    // Asked before: not again. A policy that auto-approves medium risk approves b too.
    expect(
      approvalRequests(state, {}, (patternId) => patternId === 'a').map((r) => r.entry.patternId),
    ).toEqual(['b']);
    expect(
      approvalRequests(state, {}, () => false, { autoApproveRisk: ['low', 'medium'] }).map(
        (r) => r.decision.decision,
      ),
    ).toEqual(['auto_approved', 'auto_approved']);
  });
});
