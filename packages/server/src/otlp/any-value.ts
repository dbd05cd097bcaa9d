// OTLP attribute values (AnyValue, KeyValue lists) as plain JSON values, bytes as their length.
// Both encodings pass through here: types are checked on the way (the JSON schema stops at the
// outermost value, so nested values from JSON are checked here, with a 400 naming the field),
// nesting deeper than MAX_VALUE_DEPTH is cut and marked rather than walked, and keys are set as
// own properties (an attribute named `__proto__` stays an attribute).

import { MAX_DEPTH_MARKER, setOwnProperty, toJsonSafe } from '@arc-agent/core';
import { HttpError } from '../http-error.js';
import type { OtlpAnyValue, OtlpInt64, OtlpKeyValue } from './otlp-request.js';

/** Levels of nested arrays and key-value lists kept in one attribute value. */
export const MAX_VALUE_DEPTH = 32;

const INT64_TEXT = /^-?[0-9]{1,19}$/;
const DOUBLE_TEXT = /^(?:NaN|-?Infinity|[-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)$/;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function invalidField(path: string, message: string): HttpError {
  return new HttpError(400, 'Invalid request body', { details: [{ path, message }] });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A 64-bit integer as a number when it is exactly one, else as its decimal text. */
function int64ToJson(value: OtlpInt64, path: string): number | string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw invalidField(path, 'must be an integer');
    return value;
  }
  const text = typeof value === 'string' ? value : value.toString();
  if (!INT64_TEXT.test(text)) throw invalidField(path, 'must be an integer or a decimal string');
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

/** JSON has no NaN or infinities: those stay as their names. */
function doubleToJson(value: number | string, path: string): number | string {
  if (typeof value === 'string' && !DOUBLE_TEXT.test(value)) throw invalidField(path, 'must be a number');
  const number = Number(value);
  return Number.isFinite(number) ? number : String(number);
}

/**
 * Bytes as their length, the summary the SDKs send for binary data (core's toJsonSafe): as base64
 * they kept whatever secret they held out of redaction's sight.
 */
function bytesToJson(value: Uint8Array | string, path: string): unknown {
  if (typeof value !== 'string') return toJsonSafe(value);
  if (!BASE64_TEXT.test(value)) throw invalidField(path, 'must be base64');
  return toJsonSafe(Buffer.from(value, 'base64'));
}

function nestedValues(holder: unknown, path: string): unknown[] {
  if (!isRecord(holder)) throw invalidField(path, 'must be an object');
  const { values } = holder;
  if (values == null) return [];
  if (!Array.isArray(values)) throw invalidField(`${path}/values`, 'must be an array');
  return values;
}

export function anyValueToJson(value: unknown, path: string, depth = 0): unknown {
  if (value == null) return null;
  if (!isRecord(value)) throw invalidField(path, 'must be an AnyValue object');
  const v = value as OtlpAnyValue;
  if (v.stringValue != null) {
    if (typeof v.stringValue !== 'string') throw invalidField(`${path}/stringValue`, 'must be a string');
    return v.stringValue;
  }
  if (v.boolValue != null) {
    if (typeof v.boolValue !== 'boolean') throw invalidField(`${path}/boolValue`, 'must be a boolean');
    return v.boolValue;
  }
  if (v.intValue != null) return int64ToJson(v.intValue, `${path}/intValue`);
  if (v.doubleValue != null) return doubleToJson(v.doubleValue, `${path}/doubleValue`);
  if (v.bytesValue != null) return bytesToJson(v.bytesValue, `${path}/bytesValue`);
  if (v.arrayValue != null) {
    const items = nestedValues(v.arrayValue, `${path}/arrayValue`);
    if (depth >= MAX_VALUE_DEPTH) return MAX_DEPTH_MARKER;
    return items.map((item, i) => anyValueToJson(item, `${path}/arrayValue/values/${i}`, depth + 1));
  }
  if (v.kvlistValue != null) {
    const entries = nestedValues(v.kvlistValue, `${path}/kvlistValue`);
    if (depth >= MAX_VALUE_DEPTH) return MAX_DEPTH_MARKER;
    return keyValuesToRecord(entries, `${path}/kvlistValue/values`, depth + 1);
  }
  return null;
}

/** A KeyValue list as an object; of repeated keys (which OTLP forbids) the last one wins. */
export function keyValuesToRecord(
  list: readonly unknown[] | null | undefined,
  path: string,
  depth = 0,
): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  (list ?? []).forEach((entry, i) => {
    if (!isRecord(entry)) throw invalidField(`${path}/${i}`, 'must be a KeyValue object');
    const { key, value } = entry as OtlpKeyValue;
    if (key != null && typeof key !== 'string') throw invalidField(`${path}/${i}/key`, 'must be a string');
    setOwnProperty(record, key ?? '', anyValueToJson(value, `${path}/${i}/value`, depth));
  });
  return record;
}
