import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exampleInputText,
  indexExamples,
  MAX_SIMILARITY_TEXT,
  nearestExamples as nearestIn,
  similarityText,
} from './few-shot-selection.js';
import type { FewShotExample } from './fix-types.js';

const pool: FewShotExample[] = [
  {
    input: { question: 'What is the weather in Paris in celsius?' },
    output: 'weather(city="Paris", unit="celsius")',
  },
  { input: { question: 'Convert 10 euros to dollars' }, output: 'convert(amount=10, from="EUR", to="USD")' },
  {
    input: { question: 'What is the weather in Berlin in celsius?' },
    output: 'weather(city="Berlin", unit="celsius")',
  },
  { input: { question: 'Convert 99 pounds to yen' }, output: 'convert(amount=99, from="GBP", to="JPY")' },
  {
    messages: [
      { role: 'user', content: 'Book a table for two in Rome' },
      { role: 'assistant', content: 'book(2, "Rome")' },
    ],
  },
];

const nearestExamples = (examples: readonly FewShotExample[], input: unknown, k: number) =>
  nearestIn(indexExamples(examples), input, k);

describe('nearestExamples', () => {
  it('picks the examples whose inputs are most similar to the call, the nearest last', () => {
    const weather = nearestExamples(pool, { question: 'What is the weather in Madrid in celsius?' }, 2);
    expect(weather).toHaveLength(2);
    expect(new Set(weather)).toEqual(new Set([pool[0], pool[2]]));
    const money = nearestExamples(pool, { question: 'Convert 7 euros to dollars' }, 1);
    expect(money).toEqual([pool[1]]);
    // Literal exchanges are compared by their user turns.
    expect(nearestExamples(pool, 'Book a table for four in Rome', 1)).toEqual([pool[4]]);
    const three = nearestExamples(pool, { question: 'Convert 10 euros to yen' }, 3);
    expect(three.at(-1)).toBe(pool[1]);
  });

  it('gives every example when k covers the pool, none when k is 0', () => {
    expect(nearestExamples(pool, 'anything', 5)).toEqual(pool);
    expect(nearestExamples(pool, 'anything', 9)).toEqual(pool);
    expect(nearestExamples(pool, 'anything', 0)).toEqual([]);
    expect(() => nearestExamples(pool, 'x', -1)).toThrow(RangeError);
  });

  it('breaks ties by pool order, so equal examples are chosen the same way every time', () => {
    const twins: FewShotExample[] = [
      { input: 'same', output: 1 },
      { input: 'same', output: 2 },
      { input: 'same', output: 3 },
    ];
    expect(nearestExamples(twins, 'same', 2)).toEqual([twins[1], twins[0]]);
  });

  it('is deterministic and independent of key order, for any input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 6 }), (input, k) => {
        const index = indexExamples(pool);
        const first = nearestIn(index, input, k);
        expect(nearestIn(index, input, k)).toEqual(first);
        expect(nearestExamples(pool, input, k)).toEqual(first);
        expect(first).toHaveLength(Math.min(k, pool.length));
      }),
    );
    expect(nearestExamples(pool, { b: 'Convert 10 euros', a: 1 }, 2)).toEqual(
      nearestExamples(pool, { a: 1, b: 'Convert 10 euros' }, 2),
    );
  });

  it('tells inputs apart by what they do not share, not by the template they all do', () => {
    // Plain 3-gram cosine finds "…in Austin?" nearer to "…in Berlin?" than "…in Berlin in celsius?":
    // the shared template outweighs the city. Weighted by rarity in the pool, the city decides.
    const question = (city: string, unit?: string) => ({
      question: `What is the weather in ${city}${unit ? ` in ${unit}` : ''}?`,
    });
    const europe = ['Paris', 'Berlin', 'Rome', 'Madrid', 'Oslo', 'Vienna', 'Lisbon', 'Dublin'];
    const america = ['Boston', 'Denver', 'Chicago', 'Seattle', 'Austin', 'Miami'];
    const cities: FewShotExample[] = [
      ...europe.map((city) => ({ input: question(city, 'celsius'), output: 'celsius' })),
      ...america.map((city) => ({ input: question(city), output: 'fahrenheit' })),
    ];
    const index = indexExamples(cities);
    for (const city of europe)
      expect(nearestIn(index, question(city), 1)).toEqual([cities[europe.indexOf(city)]]);
    for (const city of america) {
      expect(nearestIn(index, question(city), 1)).toEqual([cities[europe.length + america.indexOf(city)]]);
    }
  });

  it('weighs each 3-gram by its smooth inverse document frequency in the pool', () => {
    const index = indexExamples([
      { input: 'abc', output: 1 },
      { input: 'abd', output: 2 },
    ]);
    // Padded texts " abc " and " abd ": " ab" is in both examples (idf ln(3/3) + 1 = 1); "abc" in one (ln(3/2) + 1).
    const idfs = [...new Set(index.idf.values())].sort();
    expect(idfs).toEqual([1, Math.log(3 / 2) + 1]);
    for (const v of index.vectors) expect(v.values.reduce((sum, x) => sum + x * x, 0)).toBeCloseTo(1, 12);
  });
});

describe('similarityText', () => {
  it('is a string itself, canonical JSON otherwise, and bounded', () => {
    expect(similarityText('plain')).toBe('plain');
    expect(similarityText({ b: 1, a: [true, null] })).toBe('{"a":[true,null],"b":1}');
    expect(similarityText('x'.repeat(10_000))).toHaveLength(MAX_SIMILARITY_TEXT);
    expect(similarityText({ text: 'y'.repeat(100_000) }).length).toBeLessThanOrEqual(MAX_SIMILARITY_TEXT);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => similarityText(cyclic)).not.toThrow();
    expect(exampleInputText(pool[4]!)).toBe('Book a table for two in Rome');
  });
});
