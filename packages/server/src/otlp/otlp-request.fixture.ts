// Test helpers: OTLP trace requests written in OTLP/JSON, the same requests in binary protobuf
// (through the generated code the server decodes with), and the server's answers decoded.

import { BadRequestType, StatusType, traceService } from './otlp-protobuf.js';

export type Attribute = { key: string; value: Record<string, unknown> };

/** An attribute as OTLP/JSON writes it; objects become key-value lists, arrays array values. */
export function attr(key: string, value: unknown): Attribute {
  return { key, value: anyValue(value) };
}

function anyValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (value !== null && typeof value === 'object') {
    return { kvlistValue: { values: Object.entries(value).map(([k, v]) => attr(k, v)) } };
  }
  return {};
}

let idCounter = 0;

/** A fresh, valid id of the given byte length, as hex. */
export function hexId(bytes: number): string {
  idCounter += 1;
  return idCounter.toString(16).padStart(bytes * 2, '0');
}

export interface SpanSpec {
  name: string;
  attributes?: Attribute[];
  events?: { name: string; attributes?: Attribute[]; timeUnixNano?: string }[];
  status?: { code?: number; message?: string };
  traceId?: string;
  spanId?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
}

export const START_NANOS = '1764000000000000000';
export const END_NANOS = '1764000000250000000';

export function span(spec: SpanSpec): Record<string, unknown> {
  return {
    traceId: hexId(16),
    spanId: hexId(8),
    kind: 1,
    startTimeUnixNano: START_NANOS,
    endTimeUnixNano: END_NANOS,
    ...spec,
  };
}

export function traceRequest(
  spans: Record<string, unknown>[],
  resource: Attribute[] = [attr('service.name', 'support-bot')],
): Record<string, unknown> {
  return {
    resourceSpans: [
      { resource: { attributes: resource }, scopeSpans: [{ scope: { name: 'test', version: '1' }, spans }] },
    ],
  };
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON hex ids as bytes, the one thing the generated fromObject does not read from OTLP/JSON. */
function withIdBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withIdBytes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      ID_FIELDS.has(key) && typeof v === 'string' ? Buffer.from(v, 'hex') : withIdBytes(v),
    ]),
  );
}

/** The request in binary protobuf. */
export function toProtobuf(request: Record<string, unknown>): Buffer {
  const { ExportTraceServiceRequest } = traceService;
  const message = ExportTraceServiceRequest.fromObject(withIdBytes(request) as Record<string, unknown>);
  return Buffer.from(ExportTraceServiceRequest.encode(message).finish());
}

export function decodeStatus(bytes: Uint8Array): {
  code: number;
  message: string;
  fieldViolations: { field: string; description: string }[];
} {
  const status = StatusType.toObject(StatusType.decode(bytes), { defaults: true }) as {
    code: number;
    message: string;
    details: { typeUrl: string; value: Uint8Array }[];
  };
  const fieldViolations = status.details.flatMap(
    (detail) =>
      (
        BadRequestType.toObject(BadRequestType.decode(detail.value), { defaults: true }) as {
          fieldViolations: { field: string; description: string }[];
        }
      ).fieldViolations,
  );
  return { code: status.code, message: status.message, fieldViolations };
}

export function decodeTraceResponse(bytes: Uint8Array): {
  partialSuccess?: { rejectedSpans: number; errorMessage: string };
} {
  const decoded = traceService.ExportTraceServiceResponse.decode(bytes) as {
    partialSuccess?: { rejectedSpans?: { toString(): string } | null; errorMessage?: string | null } | null;
  };
  const partial = decoded.partialSuccess;
  if (partial == null) return {};
  return {
    partialSuccess: {
      rejectedSpans: Number(partial.rejectedSpans?.toString() ?? 0),
      errorMessage: partial.errorMessage ?? '',
    },
  };
}
