/**
 * A FIFO with a hard capacity that drops its OLDEST items when full: under a long outage the
 * newest events (the ones describing the current state of the agent) are the ones worth keeping,
 * and memory stays bounded whatever the host does. A ring buffer, so push and take are O(1).
 */
export class BoundedQueue<T> {
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends an item; returns how many old items were dropped to make room (0 or 1). */
  push(item: T): number {
    const tail = (this.#head + this.#size) % this.capacity;
    this.#items[tail] = item;
    if (this.#size < this.capacity) {
      this.#size++;
      return 0;
    }
    this.#head = (this.#head + 1) % this.capacity;
    return 1;
  }

  /** Puts items back at the front (a batch to retry), dropping from the back when that overflows. */
  unshift(items: readonly T[]): number {
    let dropped = 0;
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.#size === this.capacity) {
        // The front is older than the back, so the item being restored is the one that goes.
        dropped += i + 1;
        break;
      }
      this.#head = (this.#head - 1 + this.capacity) % this.capacity;
      this.#items[this.#head] = items[i];
      this.#size++;
    }
    return dropped;
  }

  /** Removes and returns up to `n` items from the front. */
  take(n: number): T[] {
    const count = Math.min(n, this.#size);
    const out: T[] = new Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.#items[this.#head] as T;
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
    }
    this.#size -= count;
    return out;
  }
}
