// The spans of an ExportTraceServiceRequest (either encoding), flattened with their resource and
// instrumentation scope, attributes as plain JSON values, ids as lowercase hex. A span whose trace
// or span id is missing or invalid (not 16 or 8 bytes, or all zero: W3C Trace Context) is rejected
// on its own, which OTLP reports as a partial success; the others go on.

import { HttpError } from '../http-error.js';
import { keyValuesToRecord } from './any-value.js';
import type { OtlpId, OtlpInt64, OtlpSpanMessage, OtlpTraceRequest } from './otlp-request.js';

export interface OtlpSpanEvent {
  name: string;
  timeNanos: bigint | null;
  attributes: Record<string, unknown>;
}

export interface OtlpSpan {
  /** JSON Pointer of the span in the request, for error messages. */
  path: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startNanos: bigint | null;
  endNanos: bigint | null;
  attributes: Record<string, unknown>;
  events: OtlpSpanEvent[];
  /** StatusCode: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

export interface SpanRejection {
  path: string;
  reason: string;
}

const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;

/** Lowercase hex of a valid id, or why it is not one. */
function idHex(id: OtlpId | null | undefined, bytes: number): string | { problem: string } {
  const hex = typeof id === 'string' ? id.toLowerCase() : id == null ? '' : Buffer.from(id).toString('hex');
  if (hex === '') return { problem: 'is missing' };
  if (hex.length !== bytes * 2) return { problem: `must be ${bytes} bytes, not ${hex.length / 2}` };
  if (/^0+$/.test(hex)) return { problem: 'must not be all zero' };
  return hex;
}

/** Unix nanoseconds, or null when unset (0) or not representable as a time. */
function nanos(value: OtlpInt64 | null | undefined): bigint | null {
  if (value == null) return null;
  const n = BigInt(typeof value === 'number' ? value : value.toString());
  return n > 0n ? n : null;
}

function readSpan(
  span: OtlpSpanMessage,
  path: string,
  context: Pick<OtlpSpan, 'resource' | 'scope'>,
): OtlpSpan | SpanRejection {
  const traceId = idHex(span.traceId, TRACE_ID_BYTES);
  if (typeof traceId !== 'string') return { path, reason: `traceId ${traceId.problem}` };
  const spanId = idHex(span.spanId, SPAN_ID_BYTES);
  if (typeof spanId !== 'string') return { path, reason: `spanId ${spanId.problem}` };
  const parent = idHex(span.parentSpanId, SPAN_ID_BYTES);
  return {
    path,
    traceId,
    spanId,
    parentSpanId: typeof parent === 'string' ? parent : null,
    name: span.name ?? '',
    kind: span.kind ?? 0,
    startNanos: nanos(span.startTimeUnixNano),
    endNanos: nanos(span.endTimeUnixNano),
    attributes: keyValuesToRecord(span.attributes, `${path}/attributes`),
    events: (span.events ?? []).map((event, i) => ({
      name: event.name ?? '',
      timeNanos: nanos(event.timeUnixNano),
      attributes: keyValuesToRecord(event.attributes, `${path}/events/${i}/attributes`),
    })),
    status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
    ...context,
  };
}

/** Throws an HttpError 400 when the request holds more than maxSpans spans. */
export function readSpans(
  request: OtlpTraceRequest,
  maxSpans: number,
): { spans: OtlpSpan[]; rejected: SpanRejection[] } {
  const resourceSpans = request.resourceSpans ?? [];
  const total = resourceSpans.reduce(
    (sum, r) => sum + (r.scopeSpans ?? []).reduce((n, s) => n + (s.spans?.length ?? 0), 0),
    0,
  );
  if (total > maxSpans) {
    throw new HttpError(400, 'Too many spans', {
      details: [{ path: '/resourceSpans', message: `must hold at most ${maxSpans} spans, not ${total}` }],
    });
  }
  const spans: OtlpSpan[] = [];
  const rejected: SpanRejection[] = [];
  resourceSpans.forEach((resourceSpan, r) => {
    const resource = keyValuesToRecord(
      resourceSpan.resource?.attributes,
      `/resourceSpans/${r}/resource/attributes`,
    );
    (resourceSpan.scopeSpans ?? []).forEach((scopeSpans, s) => {
      const scope = { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version ?? '' };
      (scopeSpans.spans ?? []).forEach((span, i) => {
        const read = readSpan(span, `/resourceSpans/${r}/scopeSpans/${s}/spans/${i}`, { resource, scope });
        if ('reason' in read) rejected.push(read);
        else spans.push(read);
      });
    });
  });
  return { spans, rejected };
}
