// Client text on its way into storage: bounded by core's toJsonSafe, its secrets replaced by core's
// redaction, and made storable (storable-text.ts). Every write path that keeps text a client sent
// goes through one of these, so that none keeps a secret in clear.

import {
  type Fix,
  type JsonBounds,
  redactFix,
  redactIdentifier,
  redactJsonSchema,
  redactSecrets,
  redactText,
  toJsonSafe,
} from '@arc-agent/core';
import { storableJson, storableText } from './storable-text.js';

/** Free-form JSON (an input, an output): a bounded, redacted, storable copy. */
export function clientJson(value: unknown, bounds?: Partial<JsonBounds>): unknown {
  return storableJson(redactSecrets(toJsonSafe(value, bounds)).value);
}

/** Free text (a message, a comment): cut to `maxLength` characters (the cut marked), redacted, storable. */
export function clientText(text: string, maxLength: number): string {
  const bounded = toJsonSafe(text, { maxStringLength: maxLength, maxTotalSize: Number.POSITIVE_INFINITY });
  return storableText(redactText(bounded as string));
}

/**
 * An identifier (an event, trace or fix id, a function, agent or worker name): each secret in it
 * becomes a placeholder keyed by the client's credential (core's redactIdentifier), so that the
 * same identifier from the same client stays the same, and different ones stay apart; still at
 * most `maxLength` characters, the bound the API takes it with.
 */
export function clientIdentifier(text: string, credential: string, maxLength: number): string {
  return storableText(redactIdentifier(text, credential, maxLength));
}

/** A fix a person proposes: each part redacted as what it is (core's redactFix), storable; it still parses. */
export function clientFix(fix: Fix): Fix {
  return storableJson(redactFix(fix)) as Fix;
}

/** A JSON Schema a client declares or proposes: secrets in its strings redacted, its property schemas kept. */
export function clientSchema<T>(schema: T): T {
  return storableJson(redactJsonSchema(schema)) as T;
}
