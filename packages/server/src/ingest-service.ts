// From a validated batch to one storage.ingest call. Per event: the free parts as one bounded
// JSON-safe copy (toJsonSafe: oversized strings and structures are truncated and marked, never
// rejected) with secrets redacted (so they never reach storage, logs or examples), identifiers
// with secrets replaced by stable placeholders, then failures fingerprinted on the redacted copy,
// then an id when the client gave none. All of it goes through client-text.ts, so that no JSON a
// client can send makes the database refuse the batch or keeps a secret.
// Output schemas the batch declares are stored as each function's latest (declared-output-schemas.ts).
// Verdicts (POST /v1/feedback) become events too (prepareFeedback).

import { randomUUID } from 'node:crypto';
import {
  DEFAULT_VERDICT_THRESHOLD,
  fingerprintFailure,
  fingerprintWrongAnswer,
  isWrongAnswer,
  WRONG_ANSWER_TYPE,
} from '@arc-agent/core';
import { clientIdentifier, clientIdentifiers, clientJson } from './client-text.js';
import { declaredOutputSchemas } from './declared-output-schemas.js';
import {
  type EventInput,
  type IngestResponse,
  MAX_FUNCTION_NAME_LENGTH,
  MAX_ID_LENGTH,
} from './schemas/event-schemas.js';
import type { FeedbackInput } from './schemas/feedback-schemas.js';
import type { EventError, PreparedEvent, Storage } from './storage/storage.js';

export interface IngestServiceOptions {
  storage: Storage;
  failureReservoirSize: number;
  successReservoirSize: number;
  /** Distinct patterns per function (storage's pattern cap); none when absent. */
  maxPatternsPerFunction?: number;
  /** Distinct functions per project (storage's function cap); none when absent. */
  maxFunctionsPerProject?: number;
  random: () => number;
  now: () => number;
}

export interface IngestService {
  /**
   * Resolves once the whole batch is committed; none of its events are stored when it rejects.
   * Rejects with an HttpError 400 when a declared output schema is out of bounds. `credential`
   * keys the placeholders of secrets in identifiers (AuthContext.credential).
   */
  ingest(projectId: string, events: readonly EventInput[], credential: string): Promise<IngestResponse>;
  /** Verdicts (POST /v1/feedback) as the events they become (prepareFeedback); committed like a batch of events. */
  ingestFeedback(
    projectId: string,
    feedback: readonly FeedbackInput[],
    credential: string,
  ): Promise<IngestResponse>;
}

/**
 * The parts of an event that may hold client text, bounded and redacted together. toJsonSafe
 * spends one size budget in key order, so the error (what fingerprinting needs) comes first and
 * the free-form input and output, the likeliest to be large, last.
 */
interface FreeParts {
  error: EventError | null;
  tags: Record<string, string>;
  input: unknown;
  output: unknown;
}

function eventTime(timestamp: EventInput['timestamp'], receivedAt: number): number {
  if (timestamp === undefined) return receivedAt;
  return typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
}

function eventError(error: EventInput['error']): EventError | null {
  if (error === undefined) return null;
  const { type, message, stack, status, code } = error;
  // Assigned one by one: spreading a literal per field costs every failure a few objects.
  const out: EventError = {};
  if (type !== undefined) out.type = type;
  if (message !== undefined) out.message = message;
  if (stack !== undefined) out.stack = stack;
  if (status !== undefined) out.status = status;
  if (code !== undefined) out.code = String(code);
  return out;
}

/**
 * `credential` keys the placeholders of secrets in identifiers. `wrongAnswer`: the event is a
 * verdict's wrong answer, whatever its message says (core's fingerprintWrongAnswer groups it).
 */
export function prepareEvent(
  event: EventInput,
  receivedAt: number,
  credential: string,
  options: { wrongAnswer?: boolean } = {},
): PreparedEvent {
  const free: FreeParts = {
    error: eventError(event.error),
    tags: event.tags ?? {},
    input: event.input ?? null,
    output: event.output ?? null,
  };
  // Once the size budget is spent, toJsonSafe leaves out the remaining keys altogether.
  const safe = clientJson(free) as Partial<FreeParts>;
  const fn = clientIdentifier(event.function, credential, MAX_FUNCTION_NAME_LENGTH);
  // In one batch: most events' ids hold nothing to hide.
  const ids = [event.id ?? '', event.agentId ?? '', event.traceId ?? ''];
  for (const fixId of event.fixIds ?? []) ids.push(fixId);
  // Read by index: destructuring with a rest element walks the array's iterator, per event.
  const redactedIds = clientIdentifiers(ids, credential, MAX_ID_LENGTH);
  const id = redactedIds[0]!;
  const agentId = redactedIds[1]!;
  const traceId = redactedIds[2]!;
  const error = safe.error ?? null;
  const input = safe.input ?? null;
  const output = safe.output ?? null;
  const fingerprint =
    event.kind !== 'failure'
      ? null
      : options.wrongAnswer
        ? fingerprintWrongAnswer({ function: fn, label: error?.type, message: error?.message, input, output })
        : fingerprintFailure({
            function: fn,
            errorType: error?.type,
            message: error?.message,
            status: error?.status,
            code: error?.code,
            stack: error?.stack,
            input,
            output,
          });
  return {
    id: event.id === undefined ? randomUUID() : id,
    kind: event.kind,
    function: fn,
    agentId: event.agentId === undefined ? null : agentId,
    timestamp: eventTime(event.timestamp, receivedAt),
    durationMs: event.durationMs ?? null,
    error,
    input,
    output,
    fixIds: redactedIds.slice(3),
    attempt: event.attempt ?? null,
    tags: safe.tags ?? {},
    traceId: event.traceId === undefined ? null : traceId,
    fingerprint: fingerprint && {
      patternId: fingerprint.patternId,
      category: fingerprint.category,
      normalizedMessage: fingerprint.normalizedMessage,
      errorType: fingerprint.signature.errorType,
      signature: fingerprint.signature,
    },
  };
}

/*
 * A verdict (POST /v1/feedback) as the event it becomes. Below its threshold the judged call was a
 * wrong answer: a failure of category `wrong_answer` whose error type is the label and message the
 * verdict's, with the call's input (what rollouts replay) and output. At or above it, the call was
 * right: a success. Either way the event carries the verdict, because the call it judges was
 * already counted when it returned: storage takes a wrong answer's success back instead of
 * counting the call twice (ingest-plan.ts, canary-tally.ts). The event goes through prepareEvent,
 * so it is bounded, redacted and made storable like any event; the call id is redacted as an event
 * id is, with the same placeholders for the same credential.
 * Verdicts are stored under their own id space, so a verdict id never meets an event id.
 */
export const FEEDBACK_EVENT_ID_PREFIX = 'feedback:';

export function prepareFeedback(item: FeedbackInput, receivedAt: number, credential: string): PreparedEvent {
  const threshold = item.threshold ?? DEFAULT_VERDICT_THRESHOLD;
  const wrong = isWrongAnswer(item.score, threshold);
  const event: EventInput = {
    id: `${FEEDBACK_EVENT_ID_PREFIX}${item.id}`,
    kind: wrong ? 'failure' : 'success',
    function: item.function,
    timestamp: item.timestamp,
    ...(item.agentId !== undefined ? { agentId: item.agentId } : {}),
    ...(item.input !== undefined ? { input: item.input } : {}),
    ...(item.output !== undefined ? { output: item.output } : {}),
    ...(item.tags !== undefined ? { tags: item.tags } : {}),
    ...(item.fixIds !== undefined ? { fixIds: item.fixIds } : {}),
    ...(wrong
      ? {
          error: {
            type: item.label ?? WRONG_ANSWER_TYPE,
            ...(item.message !== undefined ? { message: item.message } : {}),
          },
        }
      : {}),
  };
  return {
    ...prepareEvent(event, receivedAt, credential, { wrongAnswer: wrong }),
    // As an event id from the same credential is (prepareEvent), so a call id names the call's event.
    verdict: {
      callId: clientIdentifier(item.callId, credential, MAX_ID_LENGTH),
      score: item.score,
      threshold,
    },
  };
}

export function createIngestService(options: IngestServiceOptions): IngestService {
  const reservoirs = {
    failureReservoirSize: options.failureReservoirSize,
    successReservoirSize: options.successReservoirSize,
    ...(options.maxPatternsPerFunction !== undefined
      ? { maxPatternsPerFunction: options.maxPatternsPerFunction }
      : {}),
    ...(options.maxFunctionsPerProject !== undefined
      ? { maxFunctionsPerProject: options.maxFunctionsPerProject }
      : {}),
    random: options.random,
  };
  return {
    async ingest(projectId, events, credential) {
      const receivedAt = options.now();
      const declared = declaredOutputSchemas(events, credential);
      const prepared = events.map((event) => prepareEvent(event, receivedAt, credential));
      const { accepted, duplicates, patterns } = await options.storage.ingest(
        projectId,
        prepared,
        reservoirs,
      );
      // After the events: storage keeps the schemas of the functions the project has, which the
      // events may just have created. Should this fail, the client's retry declares them again
      // (its events are duplicates then, its declarations are not skipped).
      await options.storage.saveOutputSchemas(projectId, declared, receivedAt);
      return { accepted, duplicates, patterns };
    },
    async ingestFeedback(projectId, feedback, credential) {
      const receivedAt = options.now();
      const prepared = feedback.map((item) => prepareFeedback(item, receivedAt, credential));
      const { accepted, duplicates, patterns } = await options.storage.ingest(
        projectId,
        prepared,
        reservoirs,
      );
      return { accepted, duplicates, patterns };
    },
  };
}
