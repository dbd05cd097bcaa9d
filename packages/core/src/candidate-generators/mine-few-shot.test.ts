import { describe, expect, it } from 'vitest';
import { fixId } from '../fix-id.js';
import { parseFix } from '../fix-types.js';
import {
  FEW_SHOT_POOL_SIZE,
  fewShotCandidate,
  mineFewShotExamples,
  nearestFewShotCandidate,
} from './mine-few-shot.js';

const weather = (city: string, temp: number) => ({ input: { city }, output: { temp } });
const search = { input: { query: 'books about whales', limit: 5 }, output: { results: ['Moby-Dick'] } };

describe('mineFewShotExamples', () => {
  it('returns every distinct short example, shortest first, when there are no more than asked', () => {
    const examples = mineFewShotExamples(
      [
        search,
        weather('Paris', 20),
        weather('Paris', 20), // duplicate
        { input: { text: 'x'.repeat(2000) }, output: 'long' }, // over maxChars
        { input: undefined, output: 1 }, // nothing to show
      ],
      { count: 3 },
    );
    expect(examples).toEqual([weather('Paris', 20), search]);
  });

  it('picks diverse examples: the one different shape is always among them', () => {
    const successes = [
      weather('Paris', 20),
      weather('Rome', 24),
      weather('Oslo', 3),
      weather('Lima', 18),
      search,
    ];
    const outputs = new Set<string>();
    for (let seed = 0; seed < 25; seed++) {
      const examples = mineFewShotExamples(successes, { count: 2, seed });
      expect(examples).toHaveLength(2);
      expect(examples).toContainEqual(search);
      expect(examples.filter((e) => 'input' in e && 'city' in (e.input as object))).toHaveLength(1);
      expect(mineFewShotExamples(successes, { count: 2, seed })).toEqual(examples);
      outputs.add(JSON.stringify(examples));
    }
    expect(outputs.size).toBeGreaterThan(1); // the seed matters
  });

  it('prefers short examples: only the shortest count × 4 are candidates', () => {
    const successes = [
      ...Array.from({ length: 8 }, (_, i) => weather(`C${i}`, i)),
      { input: { query: 'a much longer and different request' }, output: { results: ['x', 'y', 'z'] } },
    ];
    for (let seed = 0; seed < 10; seed++) {
      const examples = mineFewShotExamples(successes, { count: 2, seed });
      expect(examples.every((e) => 'input' in e && 'city' in (e.input as object))).toBe(true);
    }
  });

  it('mines an array once: the same array again, under any seed or count, picks what a fresh copy picks', () => {
    const cities = ['Paris', 'Rome', 'Oslo', 'Lima', 'Cairo', 'Quito', 'Bern', 'Riga', 'Baku', 'Doha'];
    const examples = [...cities.map((city, i) => weather(city, i)), search];
    // Counts the examples read out of the array.
    let reads = 0;
    const successes = new Proxy(examples, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
        return Reflect.get(target, key, receiver);
      },
    });
    const first = mineFewShotExamples(successes, { count: 2, seed: 'a' });
    expect(reads).toBe(examples.length);
    for (const [count, seed] of [
      [2, 'a'],
      [3, 'b'],
      [1, 7],
      [24, 'c'],
    ] as const) {
      expect(mineFewShotExamples(successes, { count, seed })).toEqual(
        mineFewShotExamples(structuredClone(examples), { count, seed }),
      );
    }
    expect(mineFewShotExamples(successes, { count: 2, seed: 'a' })).toEqual(first);
    expect(reads).toBe(examples.length);
  });

  it('validates its options', () => {
    expect(mineFewShotExamples([search], { count: 0 })).toEqual([]);
    expect(() => mineFewShotExamples([], { count: -1 })).toThrow(/count/);
    expect(() => mineFewShotExamples([], { maxChars: 0 })).toThrow(/maxChars/);
  });
});

describe('nearestFewShotCandidate', () => {
  const input = (successes: { input: unknown; output: unknown }[], fewShotCount?: number) => ({
    pattern: {
      id: 'pat_w',
      category: 'wrong_answer' as const,
      function: 'weather.answer',
      normalizedMessage: '',
      errorType: 'WrongAnswer',
    },
    failures: [{ input: { city: 'Oslo' } }],
    successes,
    ...(fewShotCount === undefined ? {} : { fewShotCount }),
  });
  const many = Array.from({ length: 40 }, (_, i) => weather(`City${i}`, i));

  it('carries a bounded pool of distinct successes and picks the nearest per call', () => {
    const candidate = nearestFewShotCandidate(input(many))!;
    expect(candidate.fix.nearest).toBe(3);
    expect(candidate.fix.examples).toHaveLength(FEW_SHOT_POOL_SIZE);
    expect(new Set(candidate.fix.examples.map((e) => JSON.stringify(e))).size).toBe(FEW_SHOT_POOL_SIZE);
    expect(candidate).toMatchObject({ origin: 'mined', id: fixId(candidate.fix) });
    expect(candidate.rationale).toBe(
      `Each call gets the 3 of ${FEW_SHOT_POOL_SIZE} successful calls of \`weather.answer\` whose inputs are most like its own, as examples.`,
    );
    expect(parseFix(JSON.parse(JSON.stringify(candidate.fix)))).toEqual({ ok: true, value: candidate.fix });
    // Same successes, same candidate: whichever replica generates it.
    expect(nearestFewShotCandidate(input(many))).toEqual(candidate);
    expect(nearestFewShotCandidate(input(many, 5))!.fix.nearest).toBe(5);
  });

  it('is a plain few-shot fix when a call would get every success anyway, and none without successes', () => {
    const few = [weather('Paris', 20), weather('Rome', 24)];
    expect(nearestFewShotCandidate(input(few))).toEqual(fewShotCandidate(input(few)));
    expect(nearestFewShotCandidate(input(few))!.fix).not.toHaveProperty('nearest');
    expect(nearestFewShotCandidate(input([]))).toBeUndefined();
  });
});
