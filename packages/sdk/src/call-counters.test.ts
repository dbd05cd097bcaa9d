import { COUNT_TAG } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { CallCounters, groupKey } from './call-counters.js';

const group = (fn: string, fixIds: string[] = [], tags: Record<string, string> = {}) => ({
  function: fn,
  fixIds,
  tags,
  key: groupKey(fn, fixIds, tags),
});

describe('CallCounters', () => {
  it('counts exactly and aggregates unsampled successes per function, fix set and tags', () => {
    const counters = new CallCounters();
    for (let i = 0; i < 7; i++) counters.success(group('a'), false);
    counters.success(group('a'), true);
    for (let i = 0; i < 3; i++) counters.success(group('a', ['fx1'], { canary: 'treatment' }), false);
    counters.success(group('b', [], { canary: 'control', canaryFixIds: 'fx1' }), false);
    counters.failure('a');
    counters.retry('a');

    expect(counters.snapshot()).toEqual({
      a: {
        successes: 11,
        failures: 1,
        retries: 1,
        sampledSuccesses: 1,
        wrongAnswers: 0,
        verifyFailures: 0,
        unvalidated: 0,
      },
      b: {
        successes: 1,
        failures: 0,
        retries: 0,
        sampledSuccesses: 0,
        wrongAnswers: 0,
        verifyFailures: 0,
        unvalidated: 0,
      },
    });
    const events = counters.drainAggregates('agent-1', 1000);
    expect(events.map(({ id: _id, ...e }) => e)).toEqual([
      { kind: 'success', function: 'a', timestamp: 1000, agentId: 'agent-1', tags: { [COUNT_TAG]: '7' } },
      {
        kind: 'success',
        function: 'a',
        timestamp: 1000,
        agentId: 'agent-1',
        fixIds: ['fx1'],
        tags: { canary: 'treatment', [COUNT_TAG]: '3' },
      },
      {
        kind: 'success',
        function: 'b',
        timestamp: 1000,
        agentId: 'agent-1',
        tags: { canary: 'control', canaryFixIds: 'fx1', [COUNT_TAG]: '1' },
      },
    ]);
    expect(counters.drainAggregates(undefined, 2000)).toEqual([]);
  });

  it('keys groups independently of tag order', () => {
    expect(groupKey('f', [], { a: '1', b: '2' })).toBe(groupKey('f', [], { b: '2', a: '1' }));
    expect(groupKey('f', ['x'], {})).not.toBe(groupKey('f', [], {}));
  });

  it('keeps counters for at most maxFunctions names; past it outcomes are counted apart and still aggregated', () => {
    const counters = new CallCounters(1);
    expect(counters.keeps('a')).toBe(true);
    expect(counters.keeps('b')).toBe(false);
    counters.success(group('b'), false);
    counters.failure('b');
    counters.retry('b');
    counters.wrongAnswer('b');
    counters.verifyFailure('b');
    counters.unvalidated('b');
    counters.success(group('a'), true);
    expect(Object.keys(counters.snapshot())).toEqual(['a']);
    expect(counters.overLimitCalls).toBe(2);
    // The server still counts the over-limit function's unsampled success exactly.
    expect(counters.drainAggregates(undefined, 1).map((e) => [e.function, e.tags?.[COUNT_TAG]])).toEqual([
      ['b', '1'],
    ]);
  });

  it('holds at most maxGroups aggregates: a success of another group first spills them', () => {
    const spilled: unknown[][] = [];
    const counters: CallCounters = new CallCounters(Number.POSITIVE_INFINITY, 2, () =>
      spilled.push(counters.drainAggregates(undefined, 1).map((e) => e.function)),
    );
    for (const fn of ['a', 'b', 'a', 'c', 'd', 'e']) counters.success(group(fn), false);
    expect(spilled).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(counters.drainAggregates(undefined, 1).map((e) => e.function)).toEqual(['e']);
    const unspilled = new CallCounters(Number.POSITIVE_INFINITY, 1);
    for (const fn of ['a', 'b', 'a']) unspilled.success(group(fn), false);
    expect(unspilled.drainAggregates(undefined, 1).map((e) => [e.function, e.tags?.[COUNT_TAG]])).toEqual([
      ['a', '2'],
    ]);
  });
});
