// Requests per key: a token bucket per key, `burst` tokens deep, refilled at `perSecond`. A request
// takes a token or is refused with the time until one is there (the 429's Retry-After). Buckets
// live in memory per server process (with several replicas, each allows the rate: the limit
// bounds what one process serves). The map is bounded: a full bucket is the same as none, so
// full ones are swept out when it grows past its bound, and if all are in use the oldest go.

export interface KeyRateLimiterOptions {
  perSecond: number;
  burst: number;
  now: () => number;
  /** Buckets kept before sweeping (default 10,000). */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class KeyRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #options: Required<KeyRateLimiterOptions>;

  constructor(options: KeyRateLimiterOptions) {
    this.#options = { maxKeys: 10_000, ...options };
  }

  /** Takes a token for `key`: 0 when it had one, else the milliseconds until it will. */
  take(key: string): number {
    const now = this.#options.now();
    const bucket = this.#refilled(this.#buckets.get(key), now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.#store(key, bucket);
      return 0;
    }
    this.#store(key, bucket);
    return Math.ceil(((1 - bucket.tokens) * 1000) / this.#options.perSecond);
  }

  get size(): number {
    return this.#buckets.size;
  }

  #refilled(bucket: Bucket | undefined, now: number): Bucket {
    const { burst, perSecond } = this.#options;
    if (bucket === undefined) return { tokens: burst, at: now };
    // A clock that steps back refills nothing rather than draining the bucket.
    const elapsed = Math.max(0, now - bucket.at);
    return {
      tokens: Math.min(burst, bucket.tokens + (elapsed * perSecond) / 1000),
      at: Math.max(now, bucket.at),
    };
  }

  #store(key: string, bucket: Bucket): void {
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size <= this.#options.maxKeys) return;
    const now = this.#options.now();
    for (const [other, held] of this.#buckets) {
      if (this.#refilled(held, now).tokens >= this.#options.burst) this.#buckets.delete(other);
    }
    // Least recently used first (insertion order, renewed on every take).
    for (const other of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#options.maxKeys) break;
      this.#buckets.delete(other);
    }
  }
}
