// The server's tunable bounds, with the defaults the issue and the docs promise. Every resource a
// client can grow has one here: request bodies and the time to send them, connections and idle ones,
// requests per key, patterns per function, functions per project, and streams (per key, in total, what a slow one may hold).

export interface ServerLimits {
  /** Events accepted in one POST /v1/events (more: 400). */
  maxBatchEvents: number;
  /** Bytes of one request body (more: 413). */
  maxBodyBytes: number;
  /** Replayable failing examples kept per pattern. */
  failureReservoirSize: number;
  /** Successful examples kept per function. */
  successReservoirSize: number;
  /** Distinct patterns per function; failures of further ones go to the function's overflow pattern. */
  maxPatternsPerFunction: number;
  /** Distinct functions per project; events of further ones are stored under the overflow function. */
  maxFunctionsPerProject: number;
  /** Time a client has to send a whole request, headers and body (more: 408, connection closed). */
  requestTimeoutMs: number;
  /** Time a connection may sit with nothing read or written before it is closed (above the heartbeat). */
  connectionTimeoutMs: number;
  /** TCP connections open at once (event streams included); further ones are closed as they arrive. */
  maxConnections: number;
  /** Requests per second each key may make on average (token bucket; more: 429 with Retry-After). */
  rateLimitPerSecond: number;
  /** Requests a key may make at once after being idle (the bucket's size). */
  rateLimitBurst: number;
  /** Interval of the comment lines that keep idle event streams (and proxies) alive. */
  streamHeartbeatMs: number;
  /** Event streams open at once per key (more: 429). */
  streamsPerKey: number;
  /** Event streams open at once on this server (more: 429). */
  maxStreams: number;
  /** Live events held for a stream while it replays; a client that falls further behind is dropped. */
  streamMaxHeldEvents: number;
  /** Time a stream's client may leave written data unread before it is dropped. */
  streamDrainTimeoutMs: number;
  /** Interval at which open streams' keys and sessions are checked again (revoked, expired, signed out). */
  streamAuthCheckMs: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxBatchEvents: 1000,
  maxBodyBytes: 1024 * 1024,
  failureReservoirSize: 50,
  successReservoirSize: 100,
  maxPatternsPerFunction: 1000,
  maxFunctionsPerProject: 10_000,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 120_000,
  maxConnections: 10_000,
  rateLimitPerSecond: 100,
  rateLimitBurst: 1000,
  streamHeartbeatMs: 15_000,
  streamsPerKey: 20,
  maxStreams: 1000,
  streamMaxHeldEvents: 1000,
  streamDrainTimeoutMs: 30_000,
  streamAuthCheckMs: 30_000,
});

export function resolveLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides) as [keyof ServerLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
    limits[name] = value;
  }
  // An idle stream writes a heartbeat; were the idle timeout shorter, every quiet stream would be cut.
  if (limits.connectionTimeoutMs <= limits.streamHeartbeatMs) {
    throw new RangeError('connectionTimeoutMs must be above streamHeartbeatMs');
  }
  return limits;
}
