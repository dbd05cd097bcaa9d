import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from './server-limits.js';

describe('resolveLimits', () => {
  it('defaults to 1,000 events, 1 MiB, reservoirs 50 and 100, heartbeat 15 s, 10,000 connections, bounded streams, 1,000 patterns per function, 10,000 functions per project', () => {
    expect(resolveLimits()).toEqual({
      maxBatchEvents: 1000,
      maxBodyBytes: 1_048_576,
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
  });

  it('overrides what is given, keeps the rest', () => {
    expect(resolveLimits({ maxBatchEvents: 5, failureReservoirSize: undefined })).toEqual({
      ...DEFAULT_LIMITS,
      maxBatchEvents: 5,
    });
  });

  it('refuses an idle timeout at or below the stream heartbeat, which would cut every quiet stream', () => {
    expect(() => resolveLimits({ connectionTimeoutMs: 15_000 })).toThrow(/above streamHeartbeatMs/);
    expect(resolveLimits({ connectionTimeoutMs: 15_001 }).connectionTimeoutMs).toBe(15_001);
  });

  it('refuses limits that are not positive integers', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => resolveLimits({ maxBodyBytes: bad })).toThrow(/maxBodyBytes must be a positive integer/);
    }
  });
});
