// Instructions from what a verifier said about wrong answers (DESIGN.md section 5). Verifiers say
// what they expected: "expected unit 'celsius', got 'fahrenheit'", "city should be \"Paris\", not
// \"London\"". A correction that recurs across the pattern's failures is a habit of the model that
// an instruction can break ("Use unit 'celsius', not 'fahrenheit'."); one seen once is about one
// input and would mislead on others. Without recurring corrections, the verifier's findings
// themselves, most frequent first, tell the model what to check. What the answers had instead is
// named only when it recurs as well ("not 'fahrenheit'"), not when each had its own value.

import { normalizeMessage } from '../normalize-message.js';
import { WRONG_ANSWER_TYPE } from '../verdict.js';
import type { FailureExample, PatternSummary } from './generator-input.js';

/** A correction a verifier's message spells out. */
export interface Correction {
  /** What it is about (`city`), or '' when the message does not say. */
  subject: string;
  expected: string;
  /** What the answer had instead, when the message says. */
  actual?: string;
}

const EXPECTED_GOT =
  /^(.*?)\bexpected:?\s+(.+?)\s*[,;]?\s+(?:but\s+)?(?:got|received|found|was|saw|returned|answered):?\s+(.+?)[.!]?$/i;
const SHOULD_BE = /^(.*?)\b(?:should|must) (?:be|have been|equal)\s+(.+?)(?:\s*[,;]?\s+not\s+(.+?))?[.!]?$/i;
const FILLER =
  /^(?:the\s+)?(?:(?:wrong|incorrect|invalid|bad|unexpected)\s+)?(?:(?:value|answer|result)\s+(?:for|of|in)\s+)?/i;

const MAX_CORRECTIONS = 8;
const MAX_FINDINGS = 5;
const MAX_QUOTED = 240;
const MAX_ACTUALS = 3;

function cleanSubject(raw: string): string {
  return raw
    .replace(/[\s:,;\-–—]+$/, '')
    .replace(FILLER, '')
    .trim();
}

/** The correction a message states, if it states one. */
export function correctionOf(message: string): Correction | undefined {
  const text = message.trim().replace(/\s+/g, ' ');
  const m = EXPECTED_GOT.exec(text) ?? SHOULD_BE.exec(text);
  if (m === null) return undefined;
  const expected = m[2]!.trim();
  if (expected === '') return undefined;
  const correction: Correction = { subject: cleanSubject(m[1]!), expected };
  const actual = m[3]?.trim();
  if (actual) correction.actual = actual;
  return correction;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function correctionLine(subject: string, expected: string, actuals: readonly string[]): string {
  const use = `${subject === '' ? 'Use' : `For ${subject}, use`} ${clip(expected, MAX_QUOTED)}`;
  const not = actuals.length === 0 ? '' : `, not ${actuals.map((a) => clip(a, MAX_QUOTED)).join(' or ')}`;
  return `- ${use}${not}.`;
}

/** Counts by key in first-appearance order, most frequent first (a stable sort keeps ties in order). */
function tally<T>(items: readonly T[], key: (item: T) => string): { item: T; count: number; all: T[] }[] {
  const groups = new Map<string, { item: T; count: number; all: T[] }>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, { item, count: 1, all: [item] });
    else {
      group.count++;
      group.all.push(item);
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/**
 * A system-prompt instruction from the verifier's messages on the pattern's failing calls:
 * recurring corrections as rules when there are any, else the findings quoted, most frequent
 * first; undefined when the verifier said nothing (a bare score).
 */
export function verdictInstructions(
  pattern: Pick<PatternSummary, 'function' | 'errorType'>,
  failures: readonly FailureExample[],
): string | undefined {
  const messages = failures.map((f) => f.error?.trim() ?? '').filter((m) => m !== '');
  if (messages.length === 0) return undefined;
  const labelled = pattern.errorType !== WRONG_ANSWER_TYPE ? ` (${clip(pattern.errorType, 80)})` : '';
  const header = `Answers of \`${pattern.function}\` were judged wrong${labelled} by its verifier.`;

  const corrections = messages.flatMap((m) => correctionOf(m) ?? []);
  const recurring = tally(corrections, (c) => `${c.subject.toLowerCase()}\u0000${c.expected}`)
    .filter((g) => g.count >= 2)
    .slice(0, MAX_CORRECTIONS);
  if (recurring.length > 0) {
    const lines = recurring.map(({ item, all }) => {
      // What was given instead is worth naming when it recurs too (a habit), not when each answer had its own.
      const actuals = tally(
        all.flatMap((c) => c.actual ?? []),
        (actual) => actual,
      )
        .filter((g) => g.count >= 2)
        .slice(0, MAX_ACTUALS)
        .map((g) => g.item);
      return correctionLine(item.subject, item.expected, actuals);
    });
    return [header, 'Follow these corrections:', ...lines].join('\n');
  }
  const findings = tally(messages, normalizeMessage)
    .slice(0, MAX_FINDINGS)
    .map(({ item, count }) => `- "${clip(item, MAX_QUOTED)}"${count > 1 ? ` (${count} times)` : ''}`);
  return [
    header,
    'What the verifier said about wrong answers, most frequent first:',
    ...findings,
    'Check the answer against these before giving it.',
  ].join('\n');
}
