/** A seed: the same seed always gives the same stream. Numbers and strings are kept apart (1 ≠ '1'). */
export type RandomSeed = number | string;

/** Plain-JSON snapshot of a generator; `SeededRandom.fromState` resumes the stream exactly. */
export interface SeededRandomState {
  algorithm: 'sfc32';
  /** The four 32-bit words a, b, c, d (d is sfc32's counter), as unsigned integers. */
  state: [number, number, number, number];
}

const TWO_POW_32 = 4294967296;
// Reading a double's bits lets every finite number seed its own stream (0.1 and 0.2 differ).
const doubleView = new Float64Array(1);
const doubleWords = new Uint32Array(doubleView.buffer);

/**
 * Hashes 32-bit words into four 32-bit words (a multiply-xorshift absorber in the style of
 * cyrb128), so that seeds differing in one bit give unrelated generator states.
 */
function hashWords(words: readonly number[]): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (const k of words) {
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

function seedWords(seed: RandomSeed): number[] {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new TypeError(`seed must be a finite number or a string, got ${seed}`);
    doubleView[0] = seed === 0 ? 0 : seed; // -0 and 0 are one seed
    return [1, doubleWords[0]!, doubleWords[1]!];
  }
  if (typeof seed === 'string') {
    const words = [2, seed.length];
    for (let i = 0; i < seed.length; i++) words.push(seed.charCodeAt(i));
    return words;
  }
  throw new TypeError(`seed must be a finite number or a string, got ${typeof seed}`);
}

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < TWO_POW_32;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, PractRand-clean, period >= 2^32 thanks
 * to its counter) on 32-bit integer arithmetic. The only randomness core uses: deterministic under a
 * seed, and its state is plain JSON so a persisted learner resumes the same stream after a restart.
 */
export class SeededRandom {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;

  constructor(seed: RandomSeed) {
    [this.#a, this.#b, this.#c, this.#d] = hashWords(seedWords(seed));
    // The first outputs of sfc32 still carry the seed's structure; the usual warm-up discards them.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  static fromState(state: SeededRandomState): SeededRandom {
    if (typeof state !== 'object' || state === null || state.algorithm !== 'sfc32') {
      throw new TypeError("random state must be an object with algorithm 'sfc32'");
    }
    const words = state.state;
    if (!Array.isArray(words) || words.length !== 4 || !words.every(isUint32)) {
      throw new TypeError('random state.state must be four unsigned 32-bit integers');
    }
    const rng = new SeededRandom(0);
    [rng.#a, rng.#b, rng.#c, rng.#d] = words;
    return rng;
  }

  getState(): SeededRandomState {
    return { algorithm: 'sfc32', state: [this.#a >>> 0, this.#b >>> 0, this.#c >>> 0, this.#d >>> 0] };
  }

  /** Next raw output, an integer in [0, 2^32). */
  nextUint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), on a grid of 2^-32. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n), without modulo bias (draws above the largest multiple of n are redrawn). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`nextInt(n) needs an integer n in [1, 2^32], got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }
}
