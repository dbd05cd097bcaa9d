import { COUNT_TAG, SeededRandom } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import {
  aggregateBatch,
  firstOfEachId,
  ingestStreamEvents,
  patternResults,
  planReservoirs,
  type ReservoirCandidate,
  reservoirCandidates,
  reservoirPlacements,
} from './ingest-plan.js';
import type { PreparedEvent } from './storage.js';

const event = (id: string, kind: 'failure' | 'success', fn: string, timestamp: number, patternId?: string) =>
  ({
    id,
    kind,
    function: fn,
    agentId: null,
    timestamp,
    durationMs: null,
    error: null,
    input: null,
    output: null,
    fixIds: [],
    attempt: null,
    tags: {},
    traceId: null,
    fingerprint:
      kind === 'failure'
        ? {
            patternId: patternId!,
            category: 'timeout',
            normalizedMessage: 'm',
            errorType: 'E',
            signature: {},
          }
        : null,
  }) satisfies PreparedEvent;

describe('firstOfEachId', () => {
  it('keeps the first event of each id, in order', () => {
    const a = event('a', 'success', 'f', 1);
    const b = event('b', 'success', 'f', 2);
    const a2 = event('a', 'success', 'g', 3);
    expect(firstOfEachId([a, b, a2, b])).toEqual([a, b]);
  });
});

describe('aggregateBatch', () => {
  it('sums per pattern and per function in first-appearance order', () => {
    const batch = [
      event('1', 'success', 'g', 5),
      event('2', 'failure', 'f', 9, 'p2'),
      event('3', 'failure', 'f', 4, 'p1'),
      event('4', 'failure', 'f', 7, 'p2'),
      event('5', 'success', 'f', 1),
    ];
    const { patterns, functions } = aggregateBatch(batch);
    expect(patterns.map((p) => [p.id, p.count, p.firstSeen, p.lastSeen, p.events.map((e) => e.id)])).toEqual([
      ['p2', 2, 7, 9, ['2', '4']],
      ['p1', 1, 4, 4, ['3']],
    ]);
    expect(functions.map((f) => [f.function, f.successes, f.failures, f.lastSeen])).toEqual([
      ['g', 1, 0, 5],
      ['f', 1, 3, 9],
    ]);
  });

  it('counts an SDK aggregate success as the calls it stands for, and keeps it out of the examples', () => {
    const aggregate = { ...event('agg', 'success', 'f', 3), tags: { [COUNT_TAG]: '9' } };
    const { functions } = aggregateBatch([event('1', 'success', 'f', 2), aggregate]);
    expect(functions.map((f) => [f.successes, f.successEvents.map((e) => e.id)])).toEqual([[10, ['1']]]);
  });

  it("takes a wrong answer's success back and keeps a right verdict's example without counting it again", () => {
    const verdict = { callId: 'call-1', score: 0, threshold: 0.5 };
    const wrong = { ...event('w', 'failure', 'f', 8, 'p-wrong'), verdict };
    const right = {
      ...event('r', 'success', 'f', 6),
      input: ['q'],
      output: 'a',
      verdict: { ...verdict, score: 1 },
    };
    const bare = { ...event('b', 'success', 'f', 7), verdict: { ...verdict, score: 0.9 } };
    const { patterns, functions } = aggregateBatch([event('s', 'success', 'f', 2), wrong, right, bare]);
    expect(patterns.map((p) => [p.id, p.count])).toEqual([['p-wrong', 1]]);
    // Three calls came back (s, and the calls w and r judge, counted when they returned): s and r right, w wrong.
    expect(
      functions.map((f) => [f.successes, f.failures, f.lastSeen, f.successEvents.map((e) => e.id)]),
    ).toEqual([[0, 1, 8, ['s', 'r']]]);
  });

  it('refuses a failure without a fingerprint', () => {
    expect(() => aggregateBatch([{ ...event('x', 'failure', 'f', 1, 'p'), fingerprint: null }])).toThrow(
      /fingerprint/,
    );
  });
});

describe('reservoirPlacements (Algorithm R)', () => {
  it('fills the free slots in order, drawing once per item all the same (none for no reservoir)', () => {
    let drawn = 0;
    const draw = () => {
      drawn += 1;
      return 0;
    };
    expect([...reservoirPlacements(['a', 'b'], 1, 4, draw)]).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(drawn).toBe(2);
    expect(reservoirPlacements(['a'], 0, 0, draw).size).toBe(0);
    expect(drawn).toBe(2);
  });

  it('replaces slot floor(random * n) when it falls inside the reservoir', () => {
    const draws = [0.5, 0.1, 0.99];
    const placed = reservoirPlacements(['x', 'y', 'z'], 9, 3, () => draws.shift()!);
    // n = 10: floor(5) = 5 ≥ 3, skipped; n = 11: floor(1.1) = 1; n = 12: floor(11.88) = 11, skipped.
    expect([...placed]).toEqual([[1, 'y']]);
  });

  it('keeps every item with probability size / n', () => {
    const random = new SeededRandom('reservoir');
    const total = 30;
    const size = 5;
    const trials = 6_000;
    const kept = new Array<number>(total).fill(0);
    for (let t = 0; t < trials; t++) {
      const slots = new Map<number, number>();
      // Three batches, as ingest would see them.
      for (const [start, end] of [
        [0, 7],
        [7, 19],
        [19, total],
      ] as const) {
        const items = Array.from({ length: end - start }, (_, i) => start + i);
        for (const [slot, item] of reservoirPlacements(items, start, size, () => random.next()))
          slots.set(slot, item);
      }
      for (const item of slots.values()) kept[item]! += 1;
    }
    const expected = (trials * size) / total;
    const chiSquare = kept.reduce((sum, k) => sum + (k - expected) ** 2 / expected, 0);
    // 29 degrees of freedom: the 99.9th percentile is 58.3.
    expect(chiSquare).toBeLessThan(58.3);
  });
});

describe('planReservoirs', () => {
  it('draws for patterns first, then functions, from the totals after the upserts', () => {
    const batch = [
      event('s1', 'success', 'f', 1),
      event('f1', 'failure', 'f', 1, 'p'),
      event('s2', 'success', 'f', 1),
    ];
    const aggregate = aggregateBatch(batch);
    const draws = [0, 0.99, 0];
    let drawn = 0;
    const options = { failureReservoirSize: 1, successReservoirSize: 1, random: () => draws[drawn++]! };
    const plan = planReservoirs(aggregate, new Map([['p', 3]]), new Map([['f', 12]]), options);
    // p: f1 is occurrence 3 -> slot floor(0 * 3) = 0. f: s1 is success 11 (skipped), s2 is 12 -> slot 0.
    expect(plan).toEqual({
      failures: [{ owner: 'p', slot: 0, eventId: 'f1' }],
      successes: [{ owner: 'f', slot: 0, eventId: 's2' }],
    });
    expect(drawn).toBe(3);
  });

  it('counts verified successes as reservoir items, which counted calls alone are not', () => {
    const right = {
      ...event('r', 'success', 'f', 1),
      input: 1,
      output: 2,
      verdict: { callId: 'c', score: 1, threshold: 0.5 },
    };
    const wrong = {
      ...event('w', 'failure', 'f', 1, 'p'),
      verdict: { callId: 'd', score: 0, threshold: 0.5 },
    };
    const aggregate = aggregateBatch([
      { ...event('agg', 'success', 'f', 1), tags: { [COUNT_TAG]: '4' } },
      event('s', 'success', 'f', 1),
      right,
      wrong,
    ]);
    // 5 calls counted as successes, one taken back; 6 items sampled from: 5 calls and 1 verified example.
    expect(aggregate.functions.map((f) => [f.successes, f.sampled])).toEqual([[4, 6]]);
    const options = { failureReservoirSize: 10, successReservoirSize: 10, random: () => 0.99 };
    // After the upsert the function's reservoir has sampled 6 items in all: s and r are the last two.
    expect(planReservoirs(aggregate, new Map([['p', 1]]), new Map([['f', 6]]), options).successes).toEqual([
      { owner: 'f', slot: 4, eventId: 's' },
      { owner: 'f', slot: 5, eventId: 'r' },
    ]);
  });
});

describe('reservoirCandidates', () => {
  it("draws what planReservoirs draws, so that placing them by the counts gives planReservoirs' slots", () => {
    const batch = [
      event('f1', 'failure', 'f', 1, 'p'),
      event('s1', 'success', 'f', 1),
      event('f2', 'failure', 'g', 1, 'q'),
      event('f3', 'failure', 'f', 1, 'p'),
      event('s2', 'success', 'g', 1),
      event('s3', 'success', 'f', 1),
      event('f4', 'failure', 'f', 1, 'p'),
    ];
    const aggregate = aggregateBatch(batch);
    const failuresSampled = new Map([
      ['p', 7],
      ['q', 1],
    ]);
    const successesSampled = new Map([
      ['f', 40],
      ['g', 2],
    ]);
    // What the locked statement does in SQL: item n = sampled - m + k; the last one placed in a slot keeps it.
    const place = (candidates: ReservoirCandidate[], sampled: Map<string, number>, size: number) => {
      const slots = new Map<string, { owner: string; slot: number; eventId: string }>();
      for (const c of candidates) {
        const n = sampled.get(c.owner)! - c.m + c.k;
        const slot = n <= size ? n - 1 : Math.floor(c.u * n);
        if (slot < size) slots.set(`${c.owner}/${slot}`, { owner: c.owner, slot, eventId: c.eventId });
      }
      return [...slots.values()];
    };
    for (const seed of ['a', 'b', 'c', 'd']) {
      const options = (random: SeededRandom) => ({
        failureReservoirSize: 3,
        successReservoirSize: 2,
        random: () => random.next(),
      });
      const planned = planReservoirs(
        aggregate,
        failuresSampled,
        successesSampled,
        options(new SeededRandom(seed)),
      );
      const drawn = reservoirCandidates(aggregate, options(new SeededRandom(seed)));
      expect(drawn.failures.map((c) => [c.owner, c.k, c.m, c.eventId])).toEqual([
        ['p', 1, 3, 'f1'],
        ['p', 2, 3, 'f3'],
        ['p', 3, 3, 'f4'],
        ['q', 1, 1, 'f2'],
      ]);
      const bySlot = (a: { owner: string; slot: number }, b: { owner: string; slot: number }) =>
        a.owner.localeCompare(b.owner) || a.slot - b.slot;
      expect(place(drawn.failures, failuresSampled, 3).sort(bySlot)).toEqual(planned.failures.sort(bySlot));
      expect(place(drawn.successes, successesSampled, 2).sort(bySlot)).toEqual(
        planned.successes.sort(bySlot),
      );
    }
  });
});

describe('ingestStreamEvents', () => {
  it('announces new patterns, then the batch', () => {
    const aggregate = aggregateBatch([
      event('1', 'failure', 'f', 3, 'old'),
      event('2', 'failure', 'f', 4, 'new'),
    ]);
    const results = patternResults(
      aggregate,
      new Map([
        ['old', { occurrences: 8, created: false }],
        ['new', { occurrences: 1, created: true }],
      ]),
    );
    expect(ingestStreamEvents(aggregate, results)).toEqual([
      {
        type: 'pattern.created',
        data: {
          patternId: 'new',
          category: 'timeout',
          function: 'f',
          errorType: 'E',
          normalizedMessage: 'm',
          firstSeen: 4,
        },
      },
      {
        type: 'failures.ingested',
        data: {
          failures: 2,
          patterns: [
            { id: 'old', category: 'timeout', count: 1, occurrences: 8 },
            { id: 'new', category: 'timeout', count: 1, occurrences: 1 },
          ],
        },
      },
    ]);
    expect(ingestStreamEvents(aggregateBatch([event('s', 'success', 'f', 1)]), [])).toEqual([]);
  });
});
