import type { Category } from './failure-category.js';

/** What a failure's pattern is keyed by besides a text (its message, raw or normalised) and a category. */
export interface MemoFacts {
  readonly function: string;
  readonly errorType: string;
  readonly status?: number | undefined;
  readonly code?: string | undefined;
}

interface Entry<V> {
  readonly facts: MemoFacts;
  readonly category: Category | undefined;
  readonly value: V;
  readonly next: Entry<V> | undefined;
}

// A text shared by several error types, statuses, codes or categories in one function is rare; the
// cap keeps a lookup's scan short when a client varies them on purpose.
const MAX_CHAIN = 8;

/**
 * A memo of what a failure's facts decide, keyed by function, then text, then the rest compared
 * field by field: no key string is built or hashed (a JSON key cost a stringify and a hash of the
 * whole message per failure), and equal keys are exactly equal facts. Bounded as BoundedMemo: once
 * `limit` entries are held it forgets everything and starts over.
 */
export class FactsMemo<V> {
  readonly #byFunction = new Map<string, Map<string, Entry<V>>>();
  #size = 0;

  constructor(readonly limit: number) {
    if (!(Number.isSafeInteger(limit) && limit >= 1)) throw new RangeError('limit must be an integer >= 1');
  }

  /** Entries held now: never more than `limit`. */
  get size(): number {
    return this.#size;
  }

  /** The value kept for these facts, text and category, or `compute`'s, kept for next time. */
  get<F extends MemoFacts>(
    facts: F,
    text: string,
    category: Category | undefined,
    compute: (facts: F, text: string, category: Category | undefined) => V,
  ): V {
    let byText = this.#byFunction.get(facts.function);
    let head = byText?.get(text);
    let length = 0;
    for (let e = head; e !== undefined; e = e.next, length++) {
      if (
        e.facts.errorType === facts.errorType &&
        e.facts.status === facts.status &&
        e.facts.code === facts.code &&
        e.category === category
      ) {
        return e.value;
      }
    }
    const value = compute(facts, text, category);
    if (this.#size >= this.limit) {
      this.#byFunction.clear();
      this.#size = 0;
      byText = undefined;
      head = undefined;
    } else if (length >= MAX_CHAIN) {
      this.#size -= length;
      head = undefined;
    }
    if (byText === undefined) {
      byText = new Map();
      this.#byFunction.set(facts.function, byText);
    }
    byText.set(text, { facts, category, value, next: head });
    this.#size++;
    return value;
  }
}
