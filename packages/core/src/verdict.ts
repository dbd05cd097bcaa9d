// A verdict on a call that returned (DESIGN.md section 8): a score in [0, 1] from the agent's
// verifier, a person or a judge, with an optional label and message. Below the threshold the call
// was a wrong answer: a failure of category `wrong_answer` whose error type is the label and whose
// message is the verdict's, fingerprinted like any failure. SDK and server share these rules.

import { type FailureFingerprint, fingerprintFailure } from './fingerprint-failure.js';
import type { FingerprintRule } from './fingerprint-rule.js';

export interface Verdict {
  /** 1 is right, 0 wrong; in [0, 1]. */
  score: number;
  /** A short name for what was wrong (`wrong_unit`); the failure's error type. */
  label?: string;
  /** What the verifier said (`expected unit 'celsius', got 'fahrenheit'`). */
  message?: string;
}

/** A call is judged wrong when its verdict's score is below this (unless configured otherwise). */
export const DEFAULT_VERDICT_THRESHOLD = 0.5;
/** The error type of a wrong answer whose verdict has no label. */
export const WRONG_ANSWER_TYPE = 'WrongAnswer';
/** Longest label kept: it is an error type, a name rather than a text. */
export const MAX_VERDICT_LABEL_LENGTH = 200;

export function isWrongAnswer(score: number, threshold: number = DEFAULT_VERDICT_THRESHOLD): boolean {
  return score < threshold;
}

function isScore(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 1;
}

/**
 * What a verifier returned, as a verdict: a number is the score, a boolean 1 or 0, an object
 * `{ score, label?, message? }` itself. Anything else is not a verdict and says why.
 */
export function verdictOf(value: unknown): { verdict: Verdict } | { error: string } {
  if (typeof value === 'boolean') return { verdict: { score: value ? 1 : 0 } };
  if (isScore(value)) return { verdict: { score: value } };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: `expected a score in [0, 1], a boolean or { score }, got ${describe(value)}` };
  }
  const { score, label, message } = value as Record<string, unknown>;
  if (!isScore(score)) return { error: `score must be a number in [0, 1], got ${describe(score)}` };
  if (label !== undefined && (typeof label !== 'string' || label.length > MAX_VERDICT_LABEL_LENGTH)) {
    return { error: `label must be a string of at most ${MAX_VERDICT_LABEL_LENGTH} characters` };
  }
  if (message !== undefined && typeof message !== 'string') return { error: 'message must be a string' };
  const verdict: Verdict = { score };
  if (label !== undefined && label.trim() !== '') verdict.label = label;
  if (message !== undefined && message !== '') verdict.message = message;
  return { verdict };
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** A wrong answer as the failure it is, with the judged call's input and output. */
export interface WrongAnswer {
  function: string;
  label?: string;
  message?: string;
  input?: unknown;
  output?: unknown;
}

/**
 * The pattern of a wrong answer: category `wrong_answer`, error type the label (WRONG_ANSWER_TYPE
 * without one), the verdict's normalised message, and the input and output shapes in the
 * signature, exactly as any failure is grouped (fingerprint-failure.ts says why shapes are not in
 * the id). A verdict without a message groups the function's unlabelled wrong answers together.
 */
export function fingerprintWrongAnswer(
  answer: WrongAnswer,
  options: { rules?: readonly FingerprintRule[] } = {},
): FailureFingerprint {
  return fingerprintFailure(
    {
      function: answer.function,
      errorType: answer.label ?? WRONG_ANSWER_TYPE,
      message: answer.message ?? '',
      input: answer.input,
      output: answer.output,
    },
    { ...options, category: 'wrong_answer' },
  );
}
