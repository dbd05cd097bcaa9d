import { describe, expect, it } from 'vitest';
import {
  CORPUS_DEFAULT_FUNCTION,
  type CorpusEntry,
  ERROR_MESSAGE_CORPUS,
} from './error-message-corpus.fixture.js';
import { CATEGORIES } from './failure-category.js';
import { fingerprintFailure, patternIdOf } from './fingerprint-failure.js';

type Pairwise = { tp: number; fp: number; fn: number; precision: number; recall: number; f1: number };

/** Pairwise scores of a grouping (`ids[i]` for entry i) against the corpus's group labels. */
function pairwise(entries: readonly CorpusEntry[], ids: readonly string[]): Pairwise {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const predicted = ids[i] === ids[j];
      const actual = entries[i]!.group === entries[j]!.group;
      if (predicted && actual) tp++;
      else if (predicted) fp++;
      else if (actual) fn++;
    }
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  return { tp, fp, fn, precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

const functionOf = (e: CorpusEntry) => e.function ?? CORPUS_DEFAULT_FUNCTION;
const ours = ERROR_MESSAGE_CORPUS.map((e) => fingerprintFailure({ ...e, function: functionOf(e) }));

/*
 * TEST-ONLY COMPARISON BASELINE, not used by Arc: a minimal JavaScript rendering of Sentry's default
 * message parameterization (DEFAULT_PARAMETERIZATION_REGEXES in src/sentry/grouping/parameterization.py
 * of getsentry/sentry: email, url, hostname, ip, traceparent, uuid, sha1, md5, date, duration, hex,
 * git_sha, float, int, quoted_str and bool after `=`), combined into one alternation in Sentry's
 * order. Sentry groups a message-only error by its type and parameterized message (and the in-app
 * frame, for which the function name stands in here).
 */
const SENTRY_TLDS =
  'com|net|org|jp|de|uk|fr|br|it|ru|es|me|gov|pl|ca|au|cn|co|in|nl|edu|info|eu|ch|id|at|kr|cz|mx|be|tv|se|tr|tw|al|ua|ir|vn|cl|sk|ly|cc|to|no|fi|us|pt|dk|ar|hu|tk|gr|il|news|ro|my|biz|ie|za|nz|sg|ee|th|io|xyz|pe|bg|hk|rs|lt|link|ph|club|si|site|mobi|by|cat|wiki|la|ga|xxx|cf|hr|ng|jobs|online|kz|ug|gq|ae|is|lv|pro|fm|tips|ms|sa|app';
const SENTRY_OCTET = '(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])';
const SENTRY_H = '[0-9a-fA-F]{1,4}';
const SENTRY_MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const SENTRY_DAY = '(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)';
const SENTRY_PATTERNS: [string, string][] = [
  ['email', "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*"],
  ['url', '\\b(wss?|https?|ftp)://[^\\s/$.?#].[^\\s]*'],
  ['hostname', `\\b([a-zA-Z0-9\\-]{1,63}\\.)+?((${SENTRY_TLDS.toUpperCase()})|(${SENTRY_TLDS}))\\b`],
  [
    'ip',
    `(?<![0-9a-zA-Z_])((${SENTRY_H}:){7,7}${SENTRY_H}|(${SENTRY_H}:){1,7}:|(${SENTRY_H}:){1,6}:${SENTRY_H}|(${SENTRY_H}:){1,5}(:${SENTRY_H}){1,2}|(${SENTRY_H}:){1,4}(:${SENTRY_H}){1,3}|(${SENTRY_H}:){1,3}(:${SENTRY_H}){1,4}|(${SENTRY_H}:){1,2}(:${SENTRY_H}){1,5}|${SENTRY_H}:((:${SENTRY_H}){1,6})|:((:${SENTRY_H}){1,7}|:))(?![0-9a-zA-Z])|(\\b(${SENTRY_OCTET}\\.){3,3}${SENTRY_OCTET}\\b)`,
  ],
  ['traceparent', '(\\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\\b)|(\\b1-[0-9a-f]{8}-[0-9a-f]{24}\\b)'],
  ['uuid', '\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b'],
  ['sha1', '\\b[0-9a-fA-F]{40}\\b'],
  ['md5', '\\b[0-9a-fA-F]{32}\\b'],
  [
    'date',
    [
      `(${SENTRY_DAY},\\s\\d{1,2}\\s${SENTRY_MONTH}\\s\\d{2,4}\\s\\d{1,2}:\\d{1,2}(:\\d{1,2})?\\s([-\\+][\\d]{2}[0-5][\\d]|(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z])))`,
      `((${SENTRY_DAY}\\s)?${SENTRY_MONTH}\\s[0-3]\\d,\\s\\d{2,4})`,
      '(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z?([+-]?\\d{2}:\\d{2})?)',
      `(${SENTRY_DAY}\\s${SENTRY_MONTH}\\s\\d{2}\\s\\d{4}\\s\\d{2}:\\d{2}:\\d{2}\\sGMT[+-]\\d{4}(?:\\s\\([^)]+\\))?)`,
      '(\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d:?[0-5]\\d(\\.\\d+)?([+-][0-2]\\d:?[0-5]\\d|Z)?)',
      '(\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d([+-][0-2]\\d:?[0-5]\\d|Z)?)',
      '((?<!\\d)([1-9]|1[0-2]):[0-5]\\d(:[0-5]\\d)?(?![\\d:])(?:\\s?[aApP][Mm])?)',
      '((?<!\\d)(0?\\d|1\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?(?![\\d:]))',
      '(\\d{4}-[01]\\d-[0-3]\\d)',
      '([0-2]\\d:[0-5]\\d:[0-5]\\d)',
    ].join('|'),
  ],
  ['duration', '\\b(\\d+ms)|(\\d+(\\.\\d+)?s)\\b'],
  ['swift_txn_id', '(\\btx[0-9a-f]{21}-[0-9a-f]{10}\\S*)'],
  [
    'hex',
    '(\\b0[xX][0-9a-fA-F]+\\b)|(\\b(?=[a-f]*[0-9])[0-9a-f]{8,128}\\b)|(\\b(?=[A-F]*[0-9])[0-9A-F]{8,128}\\b)',
  ],
  ['git_sha', '(\\b(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{7}\\b)'],
  ['float', '-\\d+\\.\\d+\\b|\\b\\d+\\.\\d+\\b'],
  ['int', '(\\b|(?<!\\w)-)\\d{1,7}\\b'],
  ['quoted_str', `(?<==)'([^']+)'|(?<==)"([^"]+)"`],
  ['bool', '(?<==)(True|true|False|false)'],
];
const SENTRY_REGEX = new RegExp(
  SENTRY_PATTERNS.map(([name, source]) => `(?<${name}>${source})`).join('|'),
  'g',
);

function sentryParameterize(message: string): string {
  return message.replace(SENTRY_REGEX, (...args) => {
    const groups = args.at(-1) as Record<string, string | undefined>;
    const name = SENTRY_PATTERNS.find(([n]) => groups[n] !== undefined)![0];
    return `<${name}>`;
  });
}

describe('error message corpus', () => {
  it('has at least 150 real messages and every category', () => {
    expect(ERROR_MESSAGE_CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(ERROR_MESSAGE_CORPUS.map((e) => e.category))).toEqual(new Set(CATEGORIES));
  });

  it('gives every entry its expected category', () => {
    const wrong = ERROR_MESSAGE_CORPUS.flatMap((e, i) =>
      ours[i]!.category === e.category ? [] : [`${e.group}: ${ours[i]!.category}, expected ${e.category}`],
    );
    expect(wrong).toEqual([]);
  });

  it('groups exactly as labelled: one id per group, different ids across groups', () => {
    const wrong: string[] = [];
    for (let i = 0; i < ERROR_MESSAGE_CORPUS.length; i++) {
      for (let j = i + 1; j < ERROR_MESSAGE_CORPUS.length; j++) {
        const a = ERROR_MESSAGE_CORPUS[i]!;
        const b = ERROR_MESSAGE_CORPUS[j]!;
        const same = ours[i]!.patternId === ours[j]!.patternId;
        if (same !== (a.group === b.group)) {
          wrong.push(
            `${same ? 'merged' : 'split'} ${a.group} / ${b.group}: ${ours[i]!.normalizedMessage} | ${ours[j]!.normalizedMessage}`,
          );
        }
      }
    }
    const score = pairwise(
      ERROR_MESSAGE_CORPUS,
      ours.map((f) => f.patternId),
    );
    console.log(
      `Arc fingerprints on ${ERROR_MESSAGE_CORPUS.length} messages: pairwise precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)}, F1 ${score.f1.toFixed(3)} (TP ${score.tp}, FP ${score.fp}, FN ${score.fn})`,
    );
    expect(wrong).toEqual([]);
  });

  it("groups better than a baseline of Sentry's default parameterization", () => {
    const sentryIds = ERROR_MESSAGE_CORPUS.map((e) =>
      patternIdOf([functionOf(e), e.errorType, sentryParameterize(e.message)]),
    );
    const sentry = pairwise(ERROR_MESSAGE_CORPUS, sentryIds);
    const arc = pairwise(
      ERROR_MESSAGE_CORPUS,
      ours.map((f) => f.patternId),
    );
    const line = (name: string, s: Pairwise) =>
      `${name}: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}, F1 ${s.f1.toFixed(3)} (TP ${s.tp}, FP ${s.fp}, FN ${s.fn})`;
    console.log(`${line('Arc', arc)}\n${line('Sentry baseline', sentry)}`);
    // The baseline must be a real one: it parameterizes, and groups most of what Arc groups.
    expect(sentryParameterize('user 4411 not found at 10.0.0.1')).toBe('user <int> not found at <ip>');
    expect(sentry.tp).toBeGreaterThan(0);
    expect(arc.f1).toBeGreaterThan(sentry.f1);
  });
});
