// One GenAI span as one call outcome, in the shape POST /v1/events takes, so that the ingest
// service treats it as it treats the SDK's events (bounds, redaction, fingerprint, patterns,
// success examples). The span fails when its status is ERROR, when it recorded an `exception`
// event, or when error.type is set (semantic-conventions docs/general/recording-errors.md); the
// error comes from the last exception event (exception.type, .message, .stacktrace), else from
// error.type and the status message. The event id is the trace and span id, so an export the
// exporter retries is stored once; the trace id is kept, so a failure links to its trace.

import { memoizePerObject, redactText, setOwnProperty } from '@arc-agent/core';
import {
  type EventInput,
  MAX_FUNCTION_NAME_LENGTH,
  MAX_ID_LENGTH,
  MAX_TAGS,
} from '../schemas/event-schemas.js';
import { MAX_EPOCH_MS } from '../storable-date-time.js';
import { contentAttributes, isContentAttribute, modelCallContent, toolCallContent } from './genai-content.js';
import type { OtlpSpan } from './otlp-spans.js';
import { EXECUTE_TOOL, isGenAiSpan, spanFunction, spanOperation } from './span-function.js';

const STATUS_ERROR = 2;
const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
/** Tag values are labels: longer attribute values are cut (content goes to input and output). */
export const MAX_TAG_VALUE_LENGTH = 200;
const DROPPED_TAGS = 'otel.dropped_attributes';

type EventError = NonNullable<EventInput['error']>;

/**
 * At most `max` characters, the cut marked. Text to cut is redacted first: the ingest redacts what
 * it is given, and a secret across the cut kept a head too short for its pattern in clear.
 */
function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const redacted = redactText(text);
  return redacted.length <= max ? redacted : `${redacted.slice(0, max - 1)}…`;
}

function asText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function spanError(span: OtlpSpan, attributes: Record<string, unknown>): EventError | undefined {
  const exception = span.events.findLast((event) => event.name === 'exception')?.attributes;
  const errorType = asText(attributes['error.type']);
  if (span.status.code !== STATUS_ERROR && exception === undefined && errorType === undefined) {
    return undefined;
  }
  const type = asText(exception?.['exception.type']) ?? errorType;
  const message = asText(exception?.['exception.message']) ?? asText(span.status.message);
  const stack = asText(exception?.['exception.stacktrace']);
  const httpStatus = attributes['http.response.status_code'];
  return {
    ...(type !== undefined ? { type } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(stack !== undefined ? { stack } : {}),
    ...(typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus <= 599
      ? { status: httpStatus }
      : {}),
  };
}

interface ResourceLabels {
  /** service.name as the agent id. */
  serviceName: string | undefined;
  /** service.name as the agent a function is named after (span-function.ts). */
  agent: string | undefined;
  /** Its other attributes as tag values, by key, in order; only keys short enough for a tag. */
  labels: Map<string, string>;
  /** Attributes with a value whose key is too long for a tag. */
  longKeys: number;
}

/**
 * Once per resource: the spans of a request share their resource's attributes, and walking them
 * (or redacting a long service.name) per span let 1 MiB of them, with 1,000 spans, take minutes of CPU.
 */
const resourceLabels = memoizePerObject((resource: Record<string, unknown>): ResourceLabels => {
  const labels = new Map<string, string>();
  let longKeys = 0;
  for (const [key, value] of Object.entries(resource)) {
    const label = asText(value);
    if (label === undefined || key === 'service.name') continue;
    if (key.length > MAX_ID_LENGTH) longKeys += 1;
    else labels.set(key, bounded(label, MAX_TAG_VALUE_LENGTH));
  }
  const serviceName = asText(resource['service.name']);
  const agent = resource['service.name'];
  return {
    serviceName: serviceName === undefined ? undefined : bounded(serviceName, MAX_ID_LENGTH),
    agent: typeof agent === 'string' ? bounded(agent, MAX_FUNCTION_NAME_LENGTH) : undefined,
    labels,
    longKeys,
  };
});

/** Once per scope, which its spans share as they share their resource. */
const scopeLabel = memoizePerObject((scope: OtlpSpan['scope']) => bounded(scope.name, MAX_TAG_VALUE_LENGTH));

/**
 * The span's identity first, then its attributes and its resource's (service.name leading), as
 * labels, up to the tag limit; the number left out is said in the last tag. Content attributes go
 * to input and output instead.
 */
function spanTags(span: OtlpSpan, attributes: Record<string, unknown>): Record<string, string> {
  const tags: Record<string, string> = {
    'otel.span_id': span.spanId,
    'otel.span_name': bounded(span.name, MAX_TAG_VALUE_LENGTH),
    'otel.span_kind': SPAN_KINDS[span.kind] ?? String(span.kind),
  };
  if (span.parentSpanId !== null) tags['otel.parent_span_id'] = span.parentSpanId;
  const scopeName = scopeLabel(span.scope);
  if (scopeName !== '') tags['otel.scope.name'] = scopeName;
  const resource = resourceLabels(span.resource);
  if (resource.serviceName !== undefined) {
    tags['service.name'] = bounded(resource.serviceName, MAX_TAG_VALUE_LENGTH);
  }
  const full = () => Object.keys(tags).length >= MAX_TAGS - 1;
  let dropped = 0;
  for (const [key, value] of Object.entries(attributes)) {
    const label = isContentAttribute(key) ? undefined : asText(value);
    if (label === undefined || Object.hasOwn(tags, key)) continue;
    if (full() || key.length > MAX_ID_LENGTH) dropped += 1;
    else setOwnProperty(tags, key, bounded(label, MAX_TAG_VALUE_LENGTH));
  }
  // The resource's labels up to the limit; of the rest, those the span has already are not left out.
  let tagged = 0;
  for (const key of Object.keys(tags)) if (resource.labels.has(key)) tagged += 1;
  let taken = 0;
  for (const [key, label] of resource.labels) {
    if (full()) break;
    if (Object.hasOwn(tags, key)) continue;
    setOwnProperty(tags, key, label);
    taken += 1;
  }
  dropped += resource.longKeys + resource.labels.size - tagged - taken;
  if (dropped > 0) tags[DROPPED_TAGS] = String(dropped);
  return tags;
}

function epochMs(nanos: bigint | null): number | undefined {
  if (nanos === null) return undefined;
  const ms = Number(nanos / 1_000_000n);
  return ms <= MAX_EPOCH_MS ? ms : undefined;
}

/** The span as a call outcome, or null when it is not a GenAI span (isGenAiSpan). */
export function spanToEvent(span: OtlpSpan): EventInput | null {
  const attributes = contentAttributes(span);
  if (!isGenAiSpan(attributes)) return null;
  const operation = spanOperation(span.name, attributes);
  const error = spanError(span, attributes);
  const { input, output } =
    operation === EXECUTE_TOOL ? toolCallContent(attributes) : modelCallContent(attributes);
  const { serviceName, agent } = resourceLabels(span.resource);
  const timestamp = epochMs(span.endNanos ?? span.startNanos);
  const { startNanos, endNanos } = span;
  return {
    id: `${span.traceId}-${span.spanId}`,
    kind: error === undefined ? 'success' : 'failure',
    function: bounded(spanFunction(span.name, operation, attributes, agent), MAX_FUNCTION_NAME_LENGTH),
    ...(serviceName !== undefined ? { agentId: serviceName } : {}),
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(startNanos !== null && endNanos !== null && endNanos >= startNanos
      ? { durationMs: Number(endNanos - startNanos) / 1e6 }
      : {}),
    ...(error !== undefined ? { error } : {}),
    ...(input !== undefined ? { input } : {}),
    ...(output !== undefined ? { output } : {}),
    tags: spanTags(span, attributes),
    traceId: span.traceId,
  };
}
