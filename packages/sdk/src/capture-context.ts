// What leaves the process about a call, and how: every value is first made a bounded JSON-safe
// copy and then redacted with core's rules (the same module the server uses), so a secret in an
// input, an output, an error message, a stack, a tag, a declared schema or a name never reaches
// the wire. Names the host chose (functions, the agent) keep a stable placeholder for each secret
// in them (core's redactIdentifier), so that fixes and rollouts still find their function.

import {
  CANARY_ARM_TAG,
  CANARY_ATTEMPT_TAG,
  CANARY_FIX_IDS_TAG,
  COUNT_TAG,
  type JsonBounds,
  type JsonSchema,
  RESCUE_FIX_ID_TAG,
  type RedactOptions,
  redactedJsonSafe,
  redactForCut,
  redactIdentifier,
  redactJsonSchema,
  redactSecrets,
  redactText,
} from '@arc-agent/core';
import type { ArcEvent, ArcEventError } from './arc-event.js';
import { nextEventId } from './event-id.js';
import { isInstanceOf } from './safe-checks.js';

export interface CaptureOptions {
  /** As sent: already through captureIdentifier. */
  agentId: string | undefined;
  bounds: Partial<JsonBounds>;
  redact: RedactOptions;
  /**
   * The API key. It keys the placeholders of secrets in names, as the server keys them with the
   * key a request came with, so both ends name a function alike; it is never part of them.
   */
  key: string;
}

/** One attempt of a tracked call, as the events about it describe it. */
export interface AttemptRecord {
  function: string;
  /** What the call was given (the arguments, or what a track option picked from them). */
  input: unknown;
  startedAt: number;
  durationMs: number;
  attempt: number;
  fixIds: readonly string[];
  tags: Readonly<Record<string, string>>;
}

// Cause chains and wrapped responses are followed this deep for a status or code.
const MAX_CAUSE_DEPTH = 4;
export const MAX_MESSAGE_LENGTH = 4096;
const MAX_STACK_LENGTH = 16_384;
// An error type is a name, but the host may set an error's `name` to any text.
const MAX_ERROR_TYPE_LENGTH = 200;

/** A bounded, JSON-safe, redacted copy of `value`. */
export function captureValue(value: unknown, options: CaptureOptions): unknown {
  return redactedJsonSafe(value, options.bounds, options.redact);
}

/**
 * A name the host chose (a function, the agent) with each secret in it replaced by a placeholder
 * that is the same every time; at most `maxLength` characters, as the server takes names.
 */
export function captureIdentifier(text: string, maxLength: number, options: CaptureOptions): string {
  return redactIdentifier(text, options.key, maxLength, options.redact);
}

// As the server takes an event's tags: a batch with one event past these is refused whole.
const MAX_EVENT_TAGS = 64;
const MAX_TAG_KEY_LENGTH = 200;
/** Tags Arc adds to events itself: the host's tags may not take their names, or their room. */
const ARC_TAGS: readonly string[] = [
  COUNT_TAG,
  CANARY_ARM_TAG,
  CANARY_FIX_IDS_TAG,
  CANARY_ATTEMPT_TAG,
  RESCUE_FIX_ID_TAG,
];
const MAX_HOST_TAGS = MAX_EVENT_TAGS - ARC_TAGS.length;

/**
 * Tags as sent: values under secret-sounding keys hidden, secrets in keys and values replaced.
 * Tags the server would refuse throw a TypeError here, when a function is tracked: sent, they
 * would cost every batch that carried one of the function's events, other functions' included.
 */
export function captureTags(
  tags: Readonly<Record<string, string>> | undefined,
  options: CaptureOptions,
): Record<string, string> {
  if (tags === undefined) return {};
  if (typeof tags !== 'object' || tags === null) throw new TypeError('tags must be an object of strings');
  const entries = Object.entries(tags);
  if (entries.length > MAX_HOST_TAGS) {
    throw new TypeError(
      `tags: at most ${MAX_HOST_TAGS} (an event takes ${MAX_EVENT_TAGS}, and Arc adds up to ${ARC_TAGS.length})`,
    );
  }
  for (const [key, value] of entries) {
    if (typeof value !== 'string')
      throw new TypeError(`tags: the value of '${key.slice(0, 64)}' is not a string`);
    if (ARC_TAGS.includes(key)) throw new TypeError(`tags: '${key}' is a tag Arc sets itself`);
  }
  const captured = redactSecrets(Object.fromEntries(entries), options.redact).value as Record<string, string>;
  for (const key of Object.keys(captured)) {
    if (key.length > MAX_TAG_KEY_LENGTH) {
      throw new TypeError(`tags: '${key.slice(0, 64)}…' is longer than ${MAX_TAG_KEY_LENGTH} characters`);
    }
  }
  return captured;
}

/** A declared output schema as sent: secrets in its strings replaced, its property schemas kept. */
export function captureSchema(schema: JsonSchema, options: CaptureOptions): JsonSchema {
  return redactJsonSchema(schema, options.redact);
}

/** `text` cut to `max` characters (the cut marked) and redacted. */
export function captureText(text: string, max: number, options: CaptureOptions): string {
  // Redacted before the cut (core's redactForCut): cut first, a secret across it would keep a head
  // too short to be recognised. And after: the cut can give a run a secret's shape.
  const { text: whole, unread } = redactForCut(text, max, options.redact);
  if (whole.length <= max) return whole;
  return redactText(
    `${whole.slice(0, max)}…[truncated ${whole.length - max + unread} chars]`,
    options.redact,
  );
}

function field(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The error's class: its name, or its constructor's when a subclass left `name` as 'Error'. */
export function errorType(error: unknown): string {
  if (isInstanceOf(error, Error)) {
    const ownName = field(error, 'name');
    const name = typeof ownName === 'string' && ownName !== '' ? ownName : 'Error';
    const ctor = field(field(error, 'constructor'), 'name');
    return name === 'Error' && typeof ctor === 'string' && ctor !== '' ? ctor : name;
  }
  const kind = error === null ? 'null' : typeof error;
  return `Thrown${kind.charAt(0).toUpperCase()}${kind.slice(1)}`;
}

function asStatus(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/** The HTTP status of a failure: `status`, `statusCode`, `response.status`, on the error or its causes. */
export function errorStatus(error: unknown): number | undefined {
  let node = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && node != null; depth++) {
    const status =
      asStatus(field(node, 'status')) ??
      asStatus(field(node, 'statusCode')) ??
      asStatus(field(field(node, 'response'), 'status'));
    if (status !== undefined) return status;
    node = field(node, 'cause');
  }
  return undefined;
}

/**
 * The error code (`ETIMEDOUT`, `ECONNREFUSED`, a provider's code) on the error or its causes: a
 * text, or a safe integer (the server refuses a batch with any other number as a code).
 */
export function errorCode(error: unknown): string | number | undefined {
  let node = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && node != null; depth++) {
    const code = field(node, 'code');
    if ((typeof code === 'string' && code !== '') || Number.isSafeInteger(code))
      return code as string | number;
    node = field(node, 'cause');
  }
  return undefined;
}

/** What the event says about a thrown value; never throws, whatever the value's getters and traps do. */
export function describeError(error: unknown, options: CaptureOptions): ArcEventError {
  // An error whose message cannot be read is described by what of it can be.
  const rawMessage = field(error, 'message') ?? error;
  const message =
    typeof rawMessage === 'string'
      ? rawMessage
      : // Redacted as it is bounded: a secret across a cut string would keep a head.
        String(JSON.stringify(redactedJsonSafe(rawMessage, options.bounds, options.redact)));
  const described: ArcEventError = {
    type: captureText(errorType(error), MAX_ERROR_TYPE_LENGTH, options),
    message: captureText(message, MAX_MESSAGE_LENGTH, options),
  };
  const stack = field(error, 'stack');
  if (typeof stack === 'string') described.stack = captureText(stack, MAX_STACK_LENGTH, options);
  const status = errorStatus(error);
  if (status !== undefined) described.status = status;
  const code = errorCode(error);
  if (code !== undefined) described.code = typeof code === 'string' ? captureText(code, 200, options) : code;
  return described;
}

function baseEvent(kind: ArcEvent['kind'], record: AttemptRecord, options: CaptureOptions): ArcEvent {
  const event: ArcEvent = {
    id: nextEventId(),
    kind,
    function: record.function,
    timestamp: record.startedAt,
    durationMs: record.durationMs,
    attempt: record.attempt,
    input: captureValue(record.input, options),
  };
  if (options.agentId !== undefined) event.agentId = options.agentId;
  if (record.fixIds.length > 0) event.fixIds = [...record.fixIds];
  if (Object.keys(record.tags).length > 0) event.tags = { ...record.tags };
  return event;
}

/** A failed attempt: an exception, or a failed validation (then `output` is what was returned). */
export function failureEvent(
  record: AttemptRecord,
  error: unknown,
  options: CaptureOptions,
  output?: unknown,
): ArcEvent {
  const event = baseEvent('failure', record, options);
  event.error = describeError(error, options);
  if (output !== undefined) event.output = captureValue(output, options);
  return event;
}

export function successEvent(record: AttemptRecord, output: unknown, options: CaptureOptions): ArcEvent {
  const event = baseEvent('success', record, options);
  event.output = captureValue(output, options);
  return event;
}
