import { describe, expect, it } from 'vitest';
import { tallyCanaryOutcomes } from './canary-tally.js';
import type { PreparedEvent } from './storage.js';

function event(
  kind: 'failure' | 'success',
  tags: Record<string, string>,
  fixIds: string[],
  patternId = 'p-1',
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
    attempt: null,
    tags,
    traceId: null,
    fingerprint:
      kind === 'failure'
        ? { patternId, category: 'unknown', normalizedMessage: 'm', errorType: 'Error', signature: {} }
        : null,
  };
}

describe('tallyCanaryOutcomes', () => {
  it('counts each canary of a call in the arm the call was in', () => {
    const tallies = tallyCanaryOutcomes([
      // In the treatment of fx-a, in the control of fx-b (canary hashing is per fix).
      event('success', { canary: 'treatment', canaryFixIds: 'fx-a,fx-b', 'arc.count': '12' }, ['fx-a']),
      event('failure', { canary: 'treatment', canaryFixIds: 'fx-a,fx-b' }, ['fx-a'], 'p-2'),
      event('failure', { canary: 'control', canaryFixIds: 'fx-a' }, []),
      // Rescued with fx-a after failing without it: still the control arm.
      event('success', { canary: 'control', canaryFixIds: 'fx-a', rescueFixId: 'fx-a' }, ['fx-a']),
      // Garbled or absent counts stand for one call; calls without canaries are not counted.
      event('success', { canaryFixIds: 'fx-a', 'arc.count': 'lots' }, ['fx-a']),
      event('success', {}, ['fx-a']),
      event('failure', { canaryFixIds: '' }, []),
    ]);
    const byKey = Object.fromEntries(tallies.map((t) => [`${t.fixId}/${t.arm}`, t]));
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
});
