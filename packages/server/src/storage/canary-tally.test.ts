import { describe, expect, it } from 'vitest';
import { tallyCanaryOutcomes } from './canary-tally.js';
import type { PreparedEvent } from './storage.js';

function event(
  kind: 'failure' | 'success',
  tags: Record<string, string>,
  fixIds: string[],
  patternId = 'p-1',
  attempt: number | null = null,
): PreparedEvent {
  return {
    id: 'e',
    kind,
    function: 'f',
    agentId: null,
    timestamp: 0,
    durationMs: null,
    error: null,
    input: null,
    output: null,
    fixIds,
    attempt,
    tags,
    traceId: null,
    fingerprint:
      kind === 'failure'
        ? { patternId, category: 'unknown', normalizedMessage: 'm', errorType: 'Error', signature: {} }
        : null,
  };
}

const byArm = (tallies: ReturnType<typeof tallyCanaryOutcomes>) =>
  Object.fromEntries(tallies.map((t) => [`${t.fixId}/${t.arm}`, t]));

describe('tallyCanaryOutcomes', () => {
  it('counts each canary of a call in the arm the call was in', () => {
    const tallies = tallyCanaryOutcomes([
      // In the treatment of fx-a, in the control of fx-b (canary hashing is per fix).
      event('success', { canary: 'treatment', canaryFixIds: 'fx-a,fx-b', 'arc.count': '12' }, ['fx-a']),
      event('failure', { canary: 'treatment', canaryFixIds: 'fx-a,fx-b' }, ['fx-a'], 'p-2'),
      event('failure', { canary: 'control', canaryFixIds: 'fx-a' }, []),
      // Rescued with fx-a (promoted meanwhile) after failing without it: still the control arm.
      event('success', { canary: 'control', canaryFixIds: 'fx-a', rescueFixId: 'fx-a' }, ['fx-a']),
      // Garbled or absent counts stand for one call; calls without canaries are not counted.
      event('success', { canaryFixIds: 'fx-a', 'arc.count': 'lots' }, ['fx-a']),
      event('success', {}, ['fx-a']),
      event('failure', { canaryFixIds: '' }, []),
    ]);
    const byKey = byArm(tallies);
    expect(Object.keys(byKey).sort()).toEqual(['fx-a/control', 'fx-a/treatment', 'fx-b/control']);
    expect(byKey['fx-a/treatment']).toEqual({
      fixId: 'fx-a',
      arm: 'treatment',
      trials: 14,
      failures: 1,
      failuresByPattern: new Map([['p-2', 1]]),
    });
    expect(byKey['fx-a/control']).toEqual({
      fixId: 'fx-a',
      arm: 'control',
      trials: 2,
      failures: 1,
      failuresByPattern: new Map([['p-1', 1]]),
    });
    expect(byKey['fx-b/control']).toEqual({
      fixId: 'fx-b',
      arm: 'control',
      trials: 13,
      failures: 1,
      failuresByPattern: new Map([['p-2', 1]]),
    });
  });

  it('counts each call once, by its final attempt', () => {
    const control = { canary: 'control', canaryFixIds: 'fx-a' };
    const tallies = byArm(
      tallyCanaryOutcomes([
        // Failed twice under a promoted retry policy, then succeeded: one call, a success.
        event('failure', { ...control, canaryAttempt: 'retried' }, [], 'p-1', 1),
        event('failure', { ...control, canaryAttempt: 'retried' }, [], 'p-2', 2),
        event('success', { ...control, canaryAttempt: 'final' }, [], 'p-1', 3),
        // Failed, retried, failed again with another pattern: one call, failed with that pattern.
        event('failure', { ...control, canaryAttempt: 'retried' }, [], 'p-1', 1),
        event('failure', { ...control, canaryAttempt: 'final' }, [], 'p-2', 2),
        // Successes not sent in full: an aggregate of first attempts.
        event('success', { ...control, canaryAttempt: 'final', 'arc.count': '5' }, []),
      ]),
    );
    expect(tallies['fx-a/control']).toEqual({
      fixId: 'fx-a',
      arm: 'control',
      trials: 7,
      failures: 1,
      failuresByPattern: new Map([['p-2', 1]]),
    });
  });

  it("counts an older SDK's calls by their first attempt, so that its rescues cannot bias the control arm", () => {
    // Such an SDK retried a failed control call with the canary's own fix and marked no attempt final.
    const rescued = { canary: 'control', canaryFixIds: 'fx-a', rescueFixId: 'fx-a' };
    const tallies = byArm(
      tallyCanaryOutcomes([
        event('failure', { canary: 'control', canaryFixIds: 'fx-a' }, [], 'p-1', 1),
        event('failure', rescued, ['fx-a'], 'p-1', 2),
        event('failure', { canary: 'control', canaryFixIds: 'fx-a' }, [], 'p-1', 1),
        event('success', rescued, ['fx-a'], 'p-1', 2),
        event('success', { canary: 'treatment', canaryFixIds: 'fx-a' }, ['fx-a'], 'p-1', 1),
      ]),
    );
    expect(tallies['fx-a/control']).toMatchObject({ trials: 2, failures: 2 });
    expect(tallies['fx-a/treatment']).toMatchObject({ trials: 1, failures: 0 });
  });

  it('counts a wrong answer as a failure of a call already counted, and a right verdict not at all', () => {
    const verdict = { callId: 'c', score: 0, threshold: 0.5 };
    const tallies = tallyCanaryOutcomes([
      // The calls returned: two in fx-a's treatment, one in its control.
      event('success', { canary: 'treatment', canaryFixIds: 'fx-a', 'arc.count': '2' }, ['fx-a']),
      event('success', { canary: 'control', canaryFixIds: 'fx-a' }, []),
      // Then verdicts on them: one treatment call was wrong, the control call right.
      { ...event('failure', { canary: 'treatment', canaryFixIds: 'fx-a' }, ['fx-a'], 'p-wrong'), verdict },
      {
        ...event('success', { canary: 'control', canaryFixIds: 'fx-a' }, []),
        verdict: { ...verdict, score: 1 },
      },
    ]);
    expect(tallies).toEqual([
      {
        fixId: 'fx-a',
        arm: 'treatment',
        trials: 2,
        failures: 1,
        failuresByPattern: new Map([['p-wrong', 1]]),
      },
      { fixId: 'fx-a', arm: 'control', trials: 1, failures: 0, failuresByPattern: new Map() },
    ]);
  });
});
