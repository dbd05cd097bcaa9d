// What POST /v1/traces answers, in the encoding the request came in (opentelemetry-proto
// docs/specification.md, "OTLP/HTTP Response"): an ExportTraceServiceResponse, whose partialSuccess
// counts and explains the spans refused; for a failure, a google.rpc.Status with the problem in its
// message and, for bad data, a google.rpc.BadRequest naming the fields. The JSON Status also carries
// Arc's usual `error` member (the same text as `message`), so Arc's clients read it as any other.

import { Type } from 'typebox';
import type { ErrorBody } from '../error-handler.js';
import { BAD_REQUEST_TYPE_URL, encodeRpcStatus, encodeTraceResponse } from './otlp-protobuf.js';
import type { SpanRejection } from './otlp-spans.js';

export type OtlpEncoding = 'protobuf' | 'json';

/** Rejections listed in partialSuccess.errorMessage; the count covers the rest. */
const REJECTIONS_LISTED = 10;

/** google.rpc.Code of an HTTP status; OTLP clients go by the HTTP status, this is for their logs. */
const RPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  408: 4, // DEADLINE_EXCEEDED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};
const RPC_UNKNOWN = 2;

export interface OtlpAnswer {
  contentType: string;
  payload: Buffer | Record<string, unknown>;
}

function rejectionMessage(rejected: readonly SpanRejection[]): string {
  const listed = rejected.slice(0, REJECTIONS_LISTED).map((r) => `${r.path}: ${r.reason}`);
  const more = rejected.length > REJECTIONS_LISTED ? `; and ${rejected.length - REJECTIONS_LISTED} more` : '';
  return `${rejected.length} span(s) rejected: ${listed.join('; ')}${more}`;
}

export function traceAnswer(encoding: OtlpEncoding, rejected: readonly SpanRejection[]): OtlpAnswer {
  // The spec wants partial_success left unset when everything was accepted.
  const partialSuccess =
    rejected.length === 0
      ? undefined
      : { rejectedSpans: rejected.length, errorMessage: rejectionMessage(rejected) };
  if (encoding === 'protobuf') {
    return {
      contentType: 'application/x-protobuf',
      payload: Buffer.from(encodeTraceResponse(partialSuccess)),
    };
  }
  return {
    contentType: 'application/json',
    // int64 is a decimal string in proto3 JSON.
    payload: partialSuccess
      ? { partialSuccess: { ...partialSuccess, rejectedSpans: String(partialSuccess.rejectedSpans) } }
      : {},
  };
}

export function statusAnswer(encoding: OtlpEncoding, status: number, body: ErrorBody): OtlpAnswer {
  const code = RPC_CODES[status] ?? RPC_UNKNOWN;
  const fieldViolations = (body.details ?? []).map((d) => ({ field: d.path, description: d.message }));
  if (encoding === 'protobuf') {
    return {
      contentType: 'application/x-protobuf',
      payload: Buffer.from(encodeRpcStatus({ code, message: body.error, fieldViolations })),
    };
  }
  return {
    contentType: 'application/json; charset=utf-8',
    payload: {
      code,
      message: body.error,
      error: body.error,
      ...(fieldViolations.length > 0
        ? { details: [{ '@type': BAD_REQUEST_TYPE_URL, fieldViolations }] }
        : {}),
    },
  };
}

const ProtobufBody = Type.String({ format: 'binary' });

export const TraceResponseJsonSchema = Type.Object(
  {
    partialSuccess: Type.Optional(
      Type.Object({
        rejectedSpans: Type.String({
          pattern: '^[0-9]+$',
          description: 'Spans refused (int64, as a string)',
        }),
        errorMessage: Type.String({ description: 'Which spans, and why' }),
      }),
    ),
  },
  { description: 'ExportTraceServiceResponse; partialSuccess only when spans were refused' },
);

export const StatusJsonSchema = Type.Object({
  code: Type.Integer({ description: 'google.rpc.Code' }),
  message: Type.String(),
  error: Type.String({ description: 'The same as message' }),
  details: Type.Optional(
    Type.Array(
      Type.Object({
        '@type': Type.Literal(BAD_REQUEST_TYPE_URL),
        fieldViolations: Type.Array(
          Type.Object({
            field: Type.String({ description: 'JSON Pointer to the offending field' }),
            description: Type.String(),
          }),
        ),
      }),
    ),
  ),
});

/** A response in both encodings, for the route's schema (and so /openapi.json). */
export function otlpResponse(
  description: string,
  json: typeof TraceResponseJsonSchema | typeof StatusJsonSchema,
) {
  return {
    description,
    content: {
      'application/json': { schema: json },
      'application/x-protobuf': { schema: ProtobufBody },
    },
  };
}
