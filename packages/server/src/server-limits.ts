// The server's tunable bounds, with the defaults the issue and the docs promise.

export interface ServerLimits {
  /** Events accepted in one POST /v1/events (more: 400). */
  maxBatchEvents: number;
  /** Bytes of one request body (more: 413). */
  maxBodyBytes: number;
  /** Replayable failing examples kept per pattern. */
  failureReservoirSize: number;
  /** Successful examples kept per function. */
  successReservoirSize: number;
  /** Interval of the comment lines that keep idle event streams (and proxies) alive. */
  streamHeartbeatMs: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxBatchEvents: 1000,
  maxBodyBytes: 1024 * 1024,
  failureReservoirSize: 50,
  successReservoirSize: 100,
  streamHeartbeatMs: 15_000,
});

export function resolveLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides) as [keyof ServerLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
    limits[name] = value;
  }
  return limits;
}
