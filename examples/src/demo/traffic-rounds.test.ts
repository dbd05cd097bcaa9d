import { describe, expect, it } from 'vitest';
import { trafficRounds } from './traffic-rounds.js';

describe('trafficRounds', () => {
  it('serves the pool in steps + 1 consecutive rounds, so an interleaved pool mixes categories in each', () => {
    const pool = Array.from(
      { length: 12 },
      (_, i) => ['simple', 'multiple', 'parallel', 'irrelevance'][i % 4]!,
    );
    const rounds = trafficRounds(pool, 2);
    expect(rounds.map((r) => r.length)).toEqual([4, 4, 4]);
    for (const round of rounds) expect(new Set(round).size).toBe(4);
    expect(rounds.flat()).toEqual(pool);
  });

  it('gives the last round what is left', () => {
    expect(trafficRounds([1, 2, 3, 4, 5], 1)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });
});
