// Test vectors shared with the other SDKs (the Python one in python/): what core computes for a set of
// inputs, written to packages/core/test-vectors/*.json by scripts/generate-test-vectors.ts. Core's
// test (shared-test-vectors.test.ts) checks the committed files equal what core computes now, so a
// rule changed here without regenerating fails; the other SDKs' tests check their ports produce the
// same outputs, so a rule changed in core without the same change there fails too.
//
// Inputs carry fake secrets; in the files they are stored as their JSON text cut into short chunks,
// so that no complete token sits in the repository for secret scanners to flag (as in
// secret-corpus.fixture.ts). `decodeVectorInput` turns them back.

import { CORPUS_DEFAULT_FUNCTION, ERROR_MESSAGE_CORPUS } from './error-message-corpus.fixture.js';
import { fingerprintFailure } from './fingerprint-failure.js';
import { fixLimitProblem } from './fix-limits.js';
import { parseDeployedFix } from './fix-types.js';
import { type JsonBounds, resolveBounds, watchedJsonSafe } from './json-safe-copy.js';
import {
  type RedactOptions,
  redactForCut,
  redactIdentifiers,
  redactSecrets,
  redactText,
} from './redact-secrets.js';
import { SECRET_CORPUS } from './secret-corpus.fixture.js';
import {
  DEPLOYED_FIX_CASES,
  FAILURE_CASES,
  REDACTION_IDENTIFIER_CASES,
  REDACTION_VALUE_CASES,
} from './shared-test-cases.fixture.js';

/**
 * Shorter than the corpus's shortest secret (11 characters): no secret fits in one chunk wherever
 * the chunks fall, and they fall anywhere as the corpus grows.
 */
const CHUNK = 8;

/** JSON text in chunks of at most CHUNK characters: no secret of the corpus survives whole. */
export function encodeVectorInput(value: unknown): string[] {
  const text = JSON.stringify(value);
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) chunks.push(text.slice(i, i + CHUNK));
  return chunks;
}

export function decodeVectorInput(chunks: readonly string[]): unknown {
  return JSON.parse(chunks.join(''));
}

/** Redact options as JSON: extra patterns as regex source and flags. */
export interface VectorRedactOptions {
  emails?: boolean;
  extraKeys?: string[];
  extraPatterns?: { name: string; source: string; flags: string }[];
}

export function redactOptions(options: VectorRedactOptions | undefined): RedactOptions | undefined {
  if (options === undefined) return undefined;
  return {
    ...(options.emails === undefined ? {} : { emails: options.emails }),
    ...(options.extraKeys === undefined ? {} : { extraKeys: options.extraKeys }),
    ...(options.extraPatterns === undefined
      ? {}
      : {
          extraPatterns: options.extraPatterns.map(({ name, source, flags }) => ({
            name,
            pattern: new RegExp(source, flags),
          })),
        }),
  };
}

export interface RedactionVector {
  name: string;
  /**
   * `text`: redactText of a string; `value`: redactedJsonSafe(value, bounds), what the SDKs
   * send (computed here in two passes, to check its one walk); `identifiers`: redactIdentifiers(texts, key, maxLength), how the SDKs send names and ids.
   */
  kind: 'text' | 'value' | 'identifiers';
  input: string[];
  bounds?: Partial<JsonBounds>;
  options?: VectorRedactOptions;
  key?: string;
  maxLength?: number;
  expected: unknown;
}

export function redactionVectors(): RedactionVector[] {
  const vectors: RedactionVector[] = [];
  for (const sample of SECRET_CORPUS) {
    vectors.push({
      name: `corpus: ${sample.label}`,
      kind: 'text',
      input: encodeVectorInput(sample.context),
      expected: redactText(sample.context),
    });
  }
  ERROR_MESSAGE_CORPUS.forEach((entry, i) => {
    vectors.push({
      name: `error message ${i}: ${entry.group}`,
      kind: 'text',
      input: encodeVectorInput(entry.message),
      expected: redactText(entry.message),
    });
  });
  for (const c of REDACTION_VALUE_CASES) {
    const options = redactOptions(c.options);
    vectors.push({
      name: c.name,
      kind: 'value',
      input: encodeVectorInput(c.value),
      ...(c.bounds === undefined ? {} : { bounds: c.bounds }),
      ...(c.options === undefined ? {} : { options: c.options }),
      // Two passes, as redactedJsonSafe's one walk must give: a string to be cut is redacted first.
      expected: redactSecrets(
        watchedJsonSafe(c.value, resolveBounds(c.bounds), undefined, (text, max) =>
          redactForCut(text, max, options),
        ),
        options,
      ).value,
    });
  }
  for (const c of REDACTION_IDENTIFIER_CASES) {
    vectors.push({
      name: c.name,
      kind: 'identifiers',
      input: encodeVectorInput(c.texts),
      key: c.key,
      maxLength: c.maxLength,
      ...(c.options === undefined ? {} : { options: c.options }),
      expected: redactIdentifiers(c.texts, c.key, c.maxLength, redactOptions(c.options)),
    });
  }
  return vectors;
}

export interface FingerprintVector {
  input: { function: string; errorType?: string; message?: string; status?: number; code?: string };
  patternId: string;
  category: string;
  normalizedMessage: string;
}

export function fingerprintVectors(): FingerprintVector[] {
  const inputs = [
    ...ERROR_MESSAGE_CORPUS.map((entry) => ({
      function: entry.function ?? CORPUS_DEFAULT_FUNCTION,
      errorType: entry.errorType,
      message: entry.message,
      ...(entry.status === undefined ? {} : { status: entry.status }),
      ...(entry.code === undefined ? {} : { code: entry.code }),
    })),
    ...FAILURE_CASES,
  ];
  return inputs.map((input) => {
    const { patternId, category, normalizedMessage } = fingerprintFailure(input);
    return { input, patternId, category, normalizedMessage };
  });
}

export interface DeployedFixVector {
  name: string;
  input: unknown;
  /**
   * What an SDK loads: the parsed fix when it parses and is within core's fix limits (as the fix
   * cache checks it), or the field core names as the first one wrong.
   */
  expected: { ok: true; value: unknown } | { ok: false; field: string };
}

export function deployedFixVectors(): DeployedFixVector[] {
  return DEPLOYED_FIX_CASES.map(({ name, value }) => {
    const parsed = parseDeployedFix(value);
    const problem = parsed.ok ? fixLimitProblem(parsed.value.fix, 'deployedFix.fix') : undefined;
    let expected: DeployedFixVector['expected'];
    if (!parsed.ok) expected = { ok: false, field: parsed.field };
    else if (problem !== undefined) expected = { ok: false, field: problem.field };
    else expected = { ok: true, value: parsed.value };
    return { name, input: value, expected };
  });
}

/** Every vector file, by file name. */
export function sharedTestVectors(): Record<string, unknown> {
  return {
    'redaction.json': redactionVectors(),
    'fingerprints.json': fingerprintVectors(),
    'deployed-fixes.json': deployedFixVectors(),
  };
}
