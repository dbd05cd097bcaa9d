import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.js';

/** sfc32 as published (PractRand's reference, bryc's JavaScript port): the oracle for our stepping. */
function referenceSfc32(state: [number, number, number, number]): () => number {
  let [a, b, c, d] = state;
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

const draw = (rng: SeededRandom, n: number) => Array.from({ length: n }, () => rng.next());

describe('SeededRandom', () => {
  it('steps exactly like the reference sfc32 from any state', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), (words) => {
        const state = words.map((w) => w >>> 0) as [number, number, number, number];
        const rng = SeededRandom.fromState({ algorithm: 'sfc32', state });
        const reference = referenceSfc32(state);
        for (let i = 0; i < 20; i++) expect(rng.nextUint32()).toBe(reference());
      }),
    );
  });

  it('pins the streams of a number seed and a string seed (persisted states must stay valid)', () => {
    const numbered = new SeededRandom(42);
    expect([numbered.nextUint32(), numbered.nextUint32(), numbered.nextUint32()]).toEqual([
      4293220324, 3253601845, 4075053168,
    ]);
    const named = new SeededRandom('arc');
    expect([named.nextUint32(), named.nextUint32(), named.nextUint32()]).toEqual([
      3325638053, 2178865158, 2989653232,
    ]);
  });

  it('gives the same stream for the same seed and different streams for different seeds', () => {
    expect(draw(new SeededRandom(7), 5)).toEqual(draw(new SeededRandom(7), 5));
    expect(draw(new SeededRandom('p'), 5)).toEqual(draw(new SeededRandom('p'), 5));
    expect(draw(new SeededRandom(1), 5)).not.toEqual(draw(new SeededRandom('1'), 5));
    expect(draw(new SeededRandom(0.1), 5)).not.toEqual(draw(new SeededRandom(0.2), 5));
    expect(draw(new SeededRandom(1), 5)).not.toEqual(draw(new SeededRandom(2), 5));
    expect(draw(new SeededRandom(0), 5)).toEqual(draw(new SeededRandom(-0), 5));
  });

  it('next() stays in [0, 1) with a mean near 1/2', () => {
    const rng = new SeededRandom('mean');
    const n = 100_000;
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    // sd of the mean is sqrt(1/12 / n) ≈ 0.0009; 0.005 is more than 5 sd.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
  });

  it('nextInt(n) is uniform over [0, n) (chi-square)', () => {
    const rng = new SeededRandom('uniform');
    const n = 10;
    const draws = 100_000;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) counts[rng.nextInt(n)]!++;
    expect(counts.reduce((s, c) => s + c, 0)).toBe(draws); // every draw landed in [0, n)
    const expected = draws / n;
    const chiSquare = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: P(chi2 > 33.7) = 1e-4.
    expect(chiSquare).toBeLessThan(33.7);
  });

  it('nextInt(1) is always 0 and nextInt rejects bad bounds', () => {
    const rng = new SeededRandom(3);
    expect(rng.nextInt(1)).toBe(0);
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 32 + 1])
      expect(() => rng.nextInt(bad)).toThrow(RangeError);
  });

  it('resumes exactly from a JSON round trip of its state', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string()), fc.nat(50), (seed, skip) => {
        const rng = new SeededRandom(seed);
        draw(rng, skip);
        const restored = SeededRandom.fromState(JSON.parse(JSON.stringify(rng.getState())));
        expect(draw(restored, 10)).toEqual(draw(rng, 10));
      }),
    );
  });

  it('rejects bad seeds and bad states', () => {
    expect(() => new SeededRandom(Number.NaN)).toThrow(TypeError);
    expect(() => new SeededRandom(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => new SeededRandom({} as unknown as number)).toThrow(TypeError);
    const bad = [
      null,
      { algorithm: 'xorshift', state: [1, 2, 3, 4] },
      { algorithm: 'sfc32', state: [1, 2, 3] },
      { algorithm: 'sfc32', state: [1, 2, 3, -4] },
      { algorithm: 'sfc32', state: [1, 2, 3, 2 ** 32] },
      { algorithm: 'sfc32', state: [1, 2, 3, 0.5] },
    ];
    for (const state of bad) {
      expect(() => SeededRandom.fromState(state as unknown as ReturnType<SeededRandom['getState']>)).toThrow(
        TypeError,
      );
    }
  });
});
