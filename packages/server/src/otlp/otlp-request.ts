// An ExportTraceServiceRequest as either encoding hands it over: decoded from binary protobuf (the
// generated code leaves unset fields null, ids as bytes, 64-bit integers as protobufjs Longs) or
// parsed from OTLP/JSON (unset fields absent, ids as hex, 64-bit integers as numbers or decimal
// strings). Only the fields Arc reads are listed; both decoders ignore the others, as OTLP asks.

/** A 64-bit integer: a protobufjs Long from binary, a number or decimal string from JSON. */
export type OtlpInt64 = number | string | { toString(): string };

/** A trace or span id: bytes from binary, hex text from JSON (OTLP's deviation from proto3 JSON). */
export type OtlpId = Uint8Array | string;

type Maybe<T> = T | null | undefined;

export interface OtlpAnyValue {
  stringValue?: Maybe<string>;
  boolValue?: Maybe<boolean>;
  intValue?: Maybe<OtlpInt64>;
  /** JSON may spell the non-finite doubles as "NaN", "Infinity" and "-Infinity". */
  doubleValue?: Maybe<number | string>;
  arrayValue?: Maybe<{ values?: Maybe<OtlpAnyValue[]> }>;
  kvlistValue?: Maybe<{ values?: Maybe<OtlpKeyValue[]> }>;
  /** Bytes from binary, base64 text from JSON. */
  bytesValue?: Maybe<Uint8Array | string>;
}

export interface OtlpKeyValue {
  key?: Maybe<string>;
  value?: Maybe<OtlpAnyValue>;
}

export interface OtlpSpanEvent {
  timeUnixNano?: Maybe<OtlpInt64>;
  name?: Maybe<string>;
  attributes?: Maybe<OtlpKeyValue[]>;
}

export interface OtlpSpanMessage {
  traceId?: Maybe<OtlpId>;
  spanId?: Maybe<OtlpId>;
  parentSpanId?: Maybe<OtlpId>;
  name?: Maybe<string>;
  kind?: Maybe<number>;
  startTimeUnixNano?: Maybe<OtlpInt64>;
  endTimeUnixNano?: Maybe<OtlpInt64>;
  attributes?: Maybe<OtlpKeyValue[]>;
  events?: Maybe<OtlpSpanEvent[]>;
  status?: Maybe<{ code?: Maybe<number>; message?: Maybe<string> }>;
}

export interface OtlpScopeSpans {
  scope?: Maybe<{ name?: Maybe<string>; version?: Maybe<string> }>;
  spans?: Maybe<OtlpSpanMessage[]>;
}

export interface OtlpResourceSpans {
  resource?: Maybe<{ attributes?: Maybe<OtlpKeyValue[]> }>;
  scopeSpans?: Maybe<OtlpScopeSpans[]>;
}

export interface OtlpTraceRequest {
  resourceSpans?: Maybe<OtlpResourceSpans[]>;
}
