import type { DeployedFix } from '@arc-agent/core';
import type { ArcEvent } from './arc-event.js';
import type { CallCounters } from './call-counters.js';
import type { CaptureOptions } from './capture-context.js';
import type { CallVerdicts } from './feedback-reporter.js';
import type { PendingLimit } from './pending-limit.js';

export interface RetrySettings {
  /** Attempts per call in all, the first included, whatever the fixes say. */
  maxAttempts: number;
  /** No retry starts once this much time has passed since the call began. */
  maxTotalMs: number;
  /**
   * A failed call is retried once with a promoted fix it did not get (promoted while the call ran)
   * when the fix's confidence is at least this; never with a canary's fix.
   */
  fixConfidence: number;
  withFix: boolean;
}

/** The services of one Arc client that every tracked call uses. */
export interface ArcRuntime {
  readonly capture: CaptureOptions;
  readonly successSampleRate: number;
  /** Uniform in [0, 1): success sampling and retry jitter. */
  readonly random: () => number;
  readonly retry: RetrySettings;
  /** How long asynchronous validators may hold a call before its output counts as invalid. */
  readonly validatorTimeoutMs: number;
  /** Async validations of sync calls, which return before their verdict: past the limit a call is left unvalidated. */
  readonly syncValidations: PendingLimit;
  readonly counters: CallCounters;
  send(event: ArcEvent): void;
  /** Registers a function for fix polling. */
  watch(fn: string): void;
  fixesFor(fn: string): readonly DeployedFix[];
  /** A bug of Arc's own, caught before it could reach the host. */
  internalError(error: unknown): void;
  /** Where calls that returned go to be judged (feedback-reporter.ts); none: no verdicts. */
  readonly verdicts?: CallVerdicts;
}
