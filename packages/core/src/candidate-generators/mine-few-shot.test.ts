import { describe, expect, it } from 'vitest';
import { mineFewShotExamples } from './mine-few-shot.js';

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

  it('validates its options', () => {
    expect(mineFewShotExamples([search], { count: 0 })).toEqual([]);
    expect(() => mineFewShotExamples([], { count: -1 })).toThrow(/count/);
    expect(() => mineFewShotExamples([], { maxChars: 0 })).toThrow(/maxChars/);
  });
});
