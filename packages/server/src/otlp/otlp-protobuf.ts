// The binary protobuf messages of OTLP/HTTP traces. The OTLP ones come from the OpenTelemetry
// project's own generated code: the protobufjs root that @opentelemetry/otlp-transformer 0.216.0
// (the last release to ship it, pinned) generates from opentelemetry-proto. google.rpc.Status, the
// body of every OTLP/HTTP failure, and the google.rpc.BadRequest it carries for bad data
// (opentelemetry-proto docs/specification.md, "Failures" and "Bad Data") are declared below with
// the field numbers of googleapis' google/rpc/status.proto and error_details.proto; protobufjs
// encodes them (a package of every googleapis .proto weighs 9 MB for these five fields).

import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import type { OtlpTraceRequest } from './otlp-request.js';

interface GeneratedMessage<T> {
  decode(bytes: Uint8Array): T;
  encode(message: T): protobuf.Writer;
  fromObject(object: Record<string, unknown>): T;
}

interface GeneratedTraceService {
  ExportTraceServiceRequest: GeneratedMessage<OtlpTraceRequest>;
  ExportTraceServiceResponse: GeneratedMessage<unknown>;
}

const generated = createRequire(import.meta.url)(
  '@opentelemetry/otlp-transformer/build/src/generated/root.js',
) as { opentelemetry: { proto: { collector: { trace: { v1: GeneratedTraceService } } } } };
export const traceService = generated.opentelemetry.proto.collector.trace.v1;

const rpc = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            BadRequest: {
              fields: { fieldViolations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
              nested: {
                FieldViolation: {
                  fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 } },
                },
              },
            },
          },
        },
      },
    },
  },
});
/** The message types, for code that reads what the server answers (tests, clients). */
export const StatusType = rpc.lookupType('google.rpc.Status');
export const BadRequestType = rpc.lookupType('google.rpc.BadRequest');

export const BAD_REQUEST_TYPE_URL = 'type.googleapis.com/google.rpc.BadRequest';

/** Throws on bytes that are not an ExportTraceServiceRequest (protobufjs' Error or RangeError). */
export function decodeTraceRequest(bytes: Uint8Array): OtlpTraceRequest {
  return traceService.ExportTraceServiceRequest.decode(bytes);
}

export interface TracePartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

export function encodeTraceResponse(partialSuccess: TracePartialSuccess | undefined): Uint8Array {
  const { ExportTraceServiceResponse } = traceService;
  const message = ExportTraceServiceResponse.fromObject(partialSuccess ? { partialSuccess } : {});
  return ExportTraceServiceResponse.encode(message).finish();
}

export interface FieldViolation {
  field: string;
  description: string;
}

export interface RpcStatus {
  code: number;
  message: string;
  fieldViolations: FieldViolation[];
}

export function encodeRpcStatus({ code, message, fieldViolations }: RpcStatus): Uint8Array {
  const details =
    fieldViolations.length === 0
      ? []
      : [
          {
            typeUrl: BAD_REQUEST_TYPE_URL,
            value: BadRequestType.encode(BadRequestType.fromObject({ fieldViolations })).finish(),
          },
        ];
  return StatusType.encode(StatusType.fromObject({ code, message, details })).finish();
}
