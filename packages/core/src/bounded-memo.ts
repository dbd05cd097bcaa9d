// A memo for values that repeat (the pattern ids and message facts of failures a fleet reports again
// and again) with a hard bound on what it holds: once full it forgets everything and starts over.
// Wholesale, because a least-recently-used order would cost every hit a reordering, and the values
// it holds are cheap to compute again once.

export class BoundedMemo<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly limit: number) {
    if (!(Number.isSafeInteger(limit) && limit >= 1)) throw new RangeError('limit must be an integer >= 1');
  }

  /** Entries held now: never more than `limit`. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value kept for `key`, if any, computing nothing. */
  peek(key: string): V | undefined {
    return this.#entries.get(key);
  }

  /** The value kept for `key`, or `compute()`'s, kept for next time. */
  get(key: string, compute: () => V): V {
    let value = this.#entries.get(key);
    if (value === undefined) {
      value = compute();
      if (this.#entries.size >= this.limit) this.#entries.clear();
      this.#entries.set(key, value);
    }
    return value;
  }
}
