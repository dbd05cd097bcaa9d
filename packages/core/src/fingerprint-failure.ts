import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { BoundedMemo } from './bounded-memo.js';
import { categorizeFailure } from './categorize-failure.js';
import { FactsMemo, type MemoFacts } from './facts-memo.js';
import type { Category } from './failure-category.js';
import { type FailureFacts, type FingerprintRule, firstRuleSetting } from './fingerprint-rule.js';
import { MAX_RAW_MESSAGE_LENGTH, normalizeMessage } from './normalize-message.js';
import { type ValueShape, valueShape } from './value-shape.js';

export type FailureInput = {
  function: string;
  errorType?: string;
  message?: string;
  status?: number;
  code?: string;
  stack?: string;
  input?: unknown;
  output?: unknown;
};

export type FailureSignature = {
  function: string;
  errorType: string;
  /** Error codes (`ECONNREFUSED`, `23505`, `insufficient_quota`) are categorical, never volatile. */
  code: string | null;
  status: number | null;
  normalizedMessage: string;
  category: Category;
  inputShape: ValueShape;
  outputShape: ValueShape;
  /** Set when a user rule replaced the grouping; then it alone makes the pattern id. */
  fingerprint: readonly string[] | null;
};

export type FailureFingerprint = {
  patternId: string;
  category: Category;
  normalizedMessage: string;
  signature: FailureSignature;
};

// `TypeError [ERR_INVALID_URL]: Invalid URL`, the first line of a V8 stack.
const STACK_HEADER = /^([A-Za-z_$][\w$.]*)(?: \[([A-Za-z0-9_]+)\])?: ?(.*)$/;

// Ingested failures repeat a few patterns, and SHA-256 is the largest cost of a fingerprint, so
// recent canonical parts (rule fingerprints, callers' parts) and signatures keep their ids.
const ID_MEMO_LIMIT = 4096;
const idMemo = new BoundedMemo<string>(ID_MEMO_LIMIT);

/** `pat_` and the first 16 hex digits of the SHA-256 of the canonical JSON of `parts`. */
export function patternIdOf(parts: readonly unknown[]): string {
  const canonical = JSON.stringify(parts);
  return idMemo.get(canonical, () => hashedId(canonical));
}

function hashedId(canonical: string): string {
  return `pat_${bytesToHex(sha256(utf8ToBytes(canonical))).slice(0, 16)}`;
}

// The ids of signatures (most failures' ids), kept by their facts: a failure whose message is new
// but whose pattern is not (a volatile value) finds its id without building the canonical JSON.
const signatureIdMemo = new FactsMemo<string>(ID_MEMO_LIMIT);

function signatureId(facts: MemoFacts, normalizedMessage: string, category: Category | undefined): string {
  return hashedId(
    JSON.stringify([
      facts.function,
      facts.errorType,
      facts.code ?? null,
      facts.status ?? null,
      normalizedMessage,
      category,
    ]),
  );
}

/** What a failure's message facts alone decide: everything in a fingerprint but the value shapes. */
interface MessageFingerprint {
  category: Category;
  normalizedMessage: string;
  patternId: string;
}

/**
 * Failures that repeat repeat their message facts exactly (a fleet's same 429, the same missing
 * field), so without rules those facts keep their category, normalised message and id: the
 * categoriser's and normaliser's scans are paid once per distinct failure, not once per failure.
 * Bounded: each key holds at most a capped message (MAX_RAW_MESSAGE_LENGTH).
 */
export const MESSAGE_MEMO_LIMIT = 4096;
const messageMemo = new FactsMemo<MessageFingerprint>(MESSAGE_MEMO_LIMIT);

/** Entries the memo of message facts holds now (for its bound's test). */
export function messageMemoSize(): number {
  return messageMemo.size;
}

/**
 * The failure's pattern. The pattern id hashes function, error type, code, status, normalised
 * message and category. The input and output shapes are recorded in the signature but left out of
 * the id: an LLM agent's tool arguments are written by the model, and which optional keys it fills
 * varies from call to call, so a shape in the id would split one failure (a 429 on `search`) into
 * as many patterns as the model has argument styles. When the shape is the cause (a missing field),
 * the message names the field, and that is in the id.
 *
 * When the message or error type is absent, the first line of `stack` supplies them; stack frames are
 * not used, because their line numbers move with every deploy and `function` already places the
 * failure.
 */
export function fingerprintFailure(
  f: FailureInput,
  options: {
    rules?: readonly FingerprintRule[];
    /** The category when it is known from elsewhere (a verdict): rules may regroup it, not recategorise it. */
    category?: Category;
  } = {},
): FailureFingerprint {
  const rules = options.rules ?? [];
  const header = f.stack === undefined ? null : STACK_HEADER.exec(f.stack.split('\n', 1)[0]!);
  const facts: MessageFacts = {
    function: f.function.trim(),
    errorType: (f.errorType ?? header?.[1] ?? 'Error').trim(),
    // Rules and the categoriser read what the normaliser reads: the capped message.
    message: (f.message ?? header?.[3] ?? '').slice(0, MAX_RAW_MESSAGE_LENGTH),
    status: Number.isInteger(f.status) ? f.status : undefined,
    code: f.code ?? header?.[2],
  };
  const { category, normalizedMessage, patternId } =
    rules.length === 0
      ? messageMemo.get(facts, facts.message, options.category, memoisedMessageFingerprint)
      : messageFingerprint(facts, rules, options.category);
  const fingerprint = rules.length === 0 ? null : fingerprintSetting(facts, rules);
  const signature: FailureSignature = {
    function: facts.function,
    errorType: facts.errorType,
    code: facts.code ?? null,
    status: facts.status ?? null,
    normalizedMessage,
    category,
    inputShape: valueShape(f.input),
    outputShape: valueShape(f.output),
    fingerprint: fingerprint === null ? null : [...fingerprint],
  };
  return { patternId, category, normalizedMessage, signature };
}

/** A failure's facts as fingerprinting reads them: type and message filled in from the stack. */
type MessageFacts = FailureFacts & { function: string; errorType: string; message: string };

function fingerprintSetting(
  facts: MessageFacts,
  rules: readonly FingerprintRule[],
): readonly string[] | null {
  return firstRuleSetting(rules, facts, 'fingerprint')?.fingerprint ?? null;
}

// Keyed by the message, which the facts hold: without rules (any rule turns the memo off).
function memoisedMessageFingerprint(
  facts: MessageFacts,
  _message: string,
  given: Category | undefined,
): MessageFingerprint {
  return messageFingerprint(facts, NO_RULES, given);
}
const NO_RULES: readonly FingerprintRule[] = [];

function messageFingerprint(
  facts: MessageFacts,
  rules: readonly FingerprintRule[],
  given: Category | undefined,
): MessageFingerprint {
  const category = given ?? categorizeFailure(facts, rules);
  const normalizedMessage = normalizeMessage(facts.message);
  const fingerprint = fingerprintSetting(facts, rules);
  const patternId =
    fingerprint === null
      ? signatureIdMemo.get(facts, normalizedMessage, category, signatureId)
      : patternIdOf(['fingerprint', ...fingerprint]);
  return { category, normalizedMessage, patternId };
}
