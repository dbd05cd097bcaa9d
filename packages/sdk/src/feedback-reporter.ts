// Verdicts on calls that returned (DESIGN.md section 8): given after the fact (`arc.feedback`) or
// in-line by track's `verify`, each becomes one `POST /v1/feedback` item, queued and sent like
// events (bounded, fail-open, redacted). A wrong answer carries the call's input and output, so its
// pattern can be replayed; a right one carries them only when the call was sampled (the server
// counted the call when it returned, and keeps a sampled right answer as a verified example).
// Arc counts one verdict per call: the first, after which the call is forgotten.

import { isWrongAnswer, MAX_VERDICT_LABEL_LENGTH, type Verdict, verdictOf } from '@arc-agent/core';
import type { ArcFeedback } from './arc-feedback.js';
import type { CallCounters } from './call-counters.js';
import {
  type CaptureOptions,
  captureIdentifier,
  captureText,
  captureValue,
  MAX_MESSAGE_LENGTH,
} from './capture-context.js';
import { nextEventId } from './event-id.js';
import type { EventTransport, TransportStats } from './event-transport.js';
import { PendingLimit } from './pending-limit.js';
import { RecentCalls, type ReturnedCall } from './recent-calls.js';
import { isThenable } from './safe-checks.js';
import { callVerify, settleVerify, type VerifyOutcome } from './verify-call.js';

/** Longest call id sent: the server's bound on identifiers. */
export const MAX_CALL_ID_LENGTH = 200;

export interface FeedbackSettings {
  /** Below this score a call is a wrong answer. */
  threshold: number;
  /** Calls that returned kept for verdicts after the fact (0: none). */
  recentCalls: number;
  /** How long `verify` may take before it is given up on. */
  verifyTimeoutMs: number;
}

export interface FeedbackStats extends TransportStats {
  /** Verdicts for calls not among the recent ones (unknown, failed, forgotten, or judged already). */
  unmatched: number;
  /** `arc.feedback` calls whose verdict was not `{ score in [0, 1], label?, message? }` (or a number or boolean). */
  invalid: number;
}

/** What tracked calls tell the verdict side of Arc; a rollout worker listens in its own way. */
export interface CallVerdicts {
  /** Whether calls that returned are kept for verdicts after the fact. */
  readonly remembering: boolean;
  /** A call returned (and passed its validators): it is numbered, and may be judged later. */
  returned(call: ReturnedCall): void;
  /** The id `arc.feedback` takes for a call that returned. */
  callIdOf(call: ReturnedCall): string;
  /**
   * Runs the function's `verify` on a call that returned, and reports its verdict. `verifier` is
   * the same object for every call of a function (a bound on runs waiting tells verifiers apart by it).
   */
  verify(call: ReturnedCall, verify: () => unknown, verifier: object): void;
}

export class FeedbackReporter implements CallVerdicts {
  readonly #transport: EventTransport<ArcFeedback>;
  readonly #settings: FeedbackSettings;
  readonly #capture: CaptureOptions;
  readonly #counters: CallCounters;
  readonly #calls: RecentCalls;
  readonly #internalError: (error: unknown) => void;
  #unmatched = 0;
  #invalid = 0;
  /** Past it a call is left unjudged and counted as a verify failure. */
  readonly #verifies = new PendingLimit();

  constructor(
    transport: EventTransport<ArcFeedback>,
    settings: FeedbackSettings,
    capture: CaptureOptions,
    counters: CallCounters,
    internalError: (error: unknown) => void,
  ) {
    this.#transport = transport;
    this.#settings = settings;
    this.#capture = capture;
    this.#counters = counters;
    this.#calls = new RecentCalls(settings.recentCalls);
    this.#internalError = internalError;
  }

  get remembering(): boolean {
    return this.#calls.capacity > 0;
  }

  returned(call: ReturnedCall): void {
    this.#calls.remember(call);
  }

  callIdOf(call: ReturnedCall): string {
    return this.#calls.idOf(call);
  }

  verify(call: ReturnedCall, verify: () => unknown, verifier: object): void {
    // Judged here, so no verdict after the fact can count it a second time.
    this.#calls.forget(call);
    const limit = this.#verifies;
    if (!limit.admits(verifier)) {
      this.#counters.verifyFailure(call.function);
      return;
    }
    const answer = callVerify(verify);
    if (!isThenable(answer)) {
      this.#judged(call, answer);
      return;
    }
    limit.answeredLater(verifier);
    if (limit.full) {
      // Not waited on: its answer is dropped, and a rejection handled.
      Promise.resolve(answer).then(undefined, () => undefined);
      this.#counters.verifyFailure(call.function);
      return;
    }
    limit.wait(settleVerify(answer, this.#settings.verifyTimeoutMs)).then(
      (outcome) => this.#judged(call, outcome),
      (error: unknown) => this.#contain(error),
    );
  }

  #judged(call: ReturnedCall, outcome: VerifyOutcome): void {
    this.#guard(() => {
      if (outcome.ok) this.#report(call, outcome.verdict);
      else this.#counters.verifyFailure(call.function);
    });
  }

  /** `arc.feedback`: never throws. */
  feedback(callId: unknown, verdict: unknown): void {
    this.#guard(() => {
      const read = verdictOf(verdict);
      if (!('verdict' in read) || typeof callId !== 'string') {
        this.#invalid++;
        return;
      }
      const call = this.#calls.take(callId);
      if (call === undefined) {
        this.#unmatched++;
        return;
      }
      this.#report(call, read.verdict);
    });
  }

  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#contain(error);
    }
  }

  #contain(error: unknown): void {
    try {
      this.#internalError(error);
    } catch {
      // Reporting an internal error must not become one.
    }
  }

  stats(): FeedbackStats {
    return { ...this.#transport.stats(), unmatched: this.#unmatched, invalid: this.#invalid };
  }

  #report(call: ReturnedCall, verdict: Verdict): void {
    const threshold = this.#settings.threshold;
    const wrong = isWrongAnswer(verdict.score, threshold);
    if (wrong) this.#counters.wrongAnswer(call.function);
    const item: ArcFeedback = {
      id: nextEventId(),
      // Secrets in it replaced as the server replaces them in ids (keyed by the API key), then cut.
      callId: captureIdentifier(this.#calls.idOf(call), MAX_CALL_ID_LENGTH, this.#capture).slice(
        0,
        MAX_CALL_ID_LENGTH,
      ),
      function: call.function,
      score: verdict.score,
      threshold,
      timestamp: Math.round(Date.now() - (performance.now() - call.startedAt)),
    };
    if (verdict.label !== undefined) {
      item.label = captureText(verdict.label, MAX_VERDICT_LABEL_LENGTH, this.#capture).slice(
        0,
        MAX_VERDICT_LABEL_LENGTH,
      );
    }
    if (verdict.message !== undefined)
      item.message = captureText(verdict.message, MAX_MESSAGE_LENGTH, this.#capture);
    if (wrong || call.sampled) {
      item.input = captureValue(call.input, this.#capture);
      item.output = captureValue(call.output, this.#capture);
    }
    if (this.#capture.agentId !== undefined) item.agentId = this.#capture.agentId;
    if (Object.keys(call.tags).length > 0) item.tags = { ...call.tags };
    if (call.fixIds.length > 0) item.fixIds = [...call.fixIds];
    this.#transport.enqueue(item);
  }
}
