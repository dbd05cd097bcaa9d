// Client text on its way into storage: bounded by core's toJsonSafe, its secrets replaced by core's
// redaction (for JSON and free text both at once: redactedJsonSafe), and made storable (storable-text.ts). Every write path that keeps text a client sent
// goes through one of these, so that none keeps a secret in clear.

import {
  type Fix,
  type JsonBounds,
  redactedJsonSafe,
  redactFix,
  redactIdentifiers,
  redactJsonSchema,
} from '@arc-agent/core';
import { storableJson, storableText } from './storable-text.js';

/** Free-form JSON (an input, an output): a bounded, redacted, storable copy. */
export function clientJson(value: unknown, bounds?: Partial<JsonBounds>): unknown {
  return storableJson(redactedJsonSafe(value, bounds));
}

/** Free text (a message, a comment): cut to `maxLength` characters (the cut marked), redacted, storable. */
export function clientText(text: string, maxLength: number): string {
  // redactedJsonSafe of a string: redacted before the cut, so that a secret across it keeps no head.
  const bounds = { maxStringLength: maxLength, maxTotalSize: Number.POSITIVE_INFINITY };
  return storableText(redactedJsonSafe(text, bounds) as string);
}

/**
 * Identifiers (event, trace and fix ids, function, agent and worker names): each secret in them
 * becomes a placeholder keyed by the client's credential (core's redactIdentifiers), so that the
 * same identifier from the same client stays the same, and different ones stay apart; each still
 * at most `maxLength` characters, the bound the API takes them with.
 */
export function clientIdentifiers(texts: readonly string[], credential: string, maxLength: number): string[] {
  return redactIdentifiers(texts, credential, maxLength).map(storableText);
}

/** One identifier, as clientIdentifiers. */
export function clientIdentifier(text: string, credential: string, maxLength: number): string {
  return clientIdentifiers([text], credential, maxLength)[0]!;
}

/** A fix a person proposes: each part redacted as what it is (core's redactFix), storable; it still parses. */
export function clientFix(fix: Fix): Fix {
  return storableJson(redactFix(fix)) as Fix;
}

/** A JSON Schema a client declares or proposes: secrets in its strings redacted, its property schemas kept. */
export function clientSchema<T>(schema: T): T {
  return storableJson(redactJsonSchema(schema)) as T;
}
