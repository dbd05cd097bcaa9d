// The OTLP/JSON ExportTraceServiceRequest, as far as Arc reads it: checked by the route's
// validation (400 naming the field) and shown in /openapi.json. It follows proto3's JSON mapping
// with OTLP's deviations (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding"):
// lowerCamelCase keys, trace and span ids as hex, enums as integers, 64-bit integers as numbers
// or decimal strings; unknown fields are ignored, and null stands for an unset scalar field (not
// for an unset object or list: a union there would report a nested error at the union). Attribute
// values nest (arrays and key-value lists of values): the schema checks the outermost level and the
// reader (any-value.ts) the levels below, where it bounds the depth too.

import { type TSchema, Type } from 'typebox';

const orNull = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
const optional = Type.Optional;

const Uint64 = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]{1,20}$' })], {
  description: 'Unsigned 64-bit integer: a number or a decimal string',
});
const Int64 = Type.Union([Type.Integer(), Type.String({ pattern: '^-?[0-9]{1,19}$' })], {
  description: '64-bit integer: a number or a decimal string',
});
const Double = Type.Union(
  [Type.Number(), Type.String({ pattern: '^(?:NaN|-?Infinity|[-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)$' })],
  { description: 'A number, or a string: NaN, Infinity, -Infinity or a decimal' },
);
const HexId = Type.String({
  pattern: '^(?:[0-9a-fA-F]{2})*$',
  description: 'Hex (OTLP/JSON): 32 digits for a trace id, 16 for a span id',
});
const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/_-]*={0,2}$', description: 'Base64' });
const NestedValues = Type.Object(
  { values: optional(Type.Array(Type.Object({}))) },
  { description: 'Nested values: checked as they are read, at most 32 levels kept' },
);

const AnyValue = Type.Object(
  {
    stringValue: orNull(Type.String()),
    boolValue: orNull(Type.Boolean()),
    intValue: orNull(Int64),
    doubleValue: orNull(Double),
    arrayValue: optional(NestedValues),
    kvlistValue: optional(NestedValues),
    bytesValue: orNull(Base64),
  },
  { description: 'One of its fields is set' },
);

const Attributes = optional(
  Type.Array(Type.Object({ key: orNull(Type.String()), value: optional(AnyValue) })),
);

const SpanSchema = Type.Object({
  traceId: orNull(HexId),
  spanId: orNull(HexId),
  parentSpanId: orNull(HexId),
  name: orNull(Type.String()),
  kind: orNull(
    Type.Integer({ description: 'SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer' }),
  ),
  startTimeUnixNano: orNull(Uint64),
  endTimeUnixNano: orNull(Uint64),
  attributes: Attributes,
  events: optional(
    Type.Array(
      Type.Object({ timeUnixNano: orNull(Uint64), name: orNull(Type.String()), attributes: Attributes }),
    ),
  ),
  status: optional(
    Type.Object({
      code: orNull(Type.Integer({ description: 'StatusCode: 0 unset, 1 ok, 2 error' })),
      message: orNull(Type.String()),
    }),
  ),
});

export const OtlpJsonTraceRequestSchema = Type.Object(
  {
    resourceSpans: optional(
      Type.Array(
        Type.Object({
          resource: optional(Type.Object({ attributes: Attributes })),
          scopeSpans: optional(
            Type.Array(
              Type.Object({
                scope: optional(Type.Object({ name: orNull(Type.String()), version: orNull(Type.String()) })),
                spans: optional(Type.Array(SpanSchema)),
              }),
            ),
          ),
        }),
      ),
    ),
  },
  { description: 'ExportTraceServiceRequest in OTLP/JSON' },
);
