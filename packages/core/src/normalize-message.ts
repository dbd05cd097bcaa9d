/**
 * Turns an error message into its pattern: volatile parts (ids, numbers, hosts, dates, echoed payloads)
 * become placeholders, meaningful words (tool, field, model and constraint names) stay. Two failures
 * that differ only in volatile values normalise to the same string (DESIGN.md section 4).
 *
 * Everything is one precompiled alternation scanned left to right; where two rules could start at
 * the same character, the earlier rule in `RULES` wins, which gives the precedence order (echoed
 * payloads, emails, URLs, model ids kept, hostnames, IPs, trace ids, UUIDs, prefixed ids, hex, dates,
 * durations, HTTP statuses kept, floats, integers, quoted values). Rules are anchored at the start of
 * a token so the engine does not retry them from inside one, and each is linear per start; with the
 * input cap the worst case stays bounded.
 */

/** Longer raw messages are cut before matching: bounds the regex work per failure. */
export const MAX_RAW_MESSAGE_LENGTH = 2048;
/** Longest normalised message kept; cut at a word boundary. */
export const MAX_NORMALIZED_MESSAGE_LENGTH = 512;

type Rule = {
  /** Regex source; must contain no capturing groups (the combined regex numbers one group per rule). */
  source: string;
  /** `from`: where the text not yet rewritten by an earlier match of this scan starts. */
  replace: (match: string, offset: number, input: string, from: number) => string;
  /** Set when a match may start right after a letter or digit (`key="…"`); others start a token. */
  midToken?: true;
};

const PLACEHOLDERS = [
  'email',
  'url',
  'host',
  'ip',
  'trace',
  'uuid',
  'id',
  'hex',
  'date',
  'duration',
  'float',
  'int',
  'value',
  'char',
] as const;
const to = (placeholder: string) => () => placeholder;
const keep = (match: string) => match;

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const HEX4 = '[0-9A-Fa-f]{1,4}';
const IPV4 =
  '(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?!\\d)';
// Full form (the last 32 bits may be dotted IPv4), or compressed around one `::` (Node prints
// `::1:5432` and `:::3000` for address and port).
const IPV6_LAST = `(?:${IPV4}|${HEX4})`;
const IPV6 = `(?:${HEX4}:){7}${HEX4}|(?:${HEX4}:){6}${IPV4}|(?:${HEX4}(?::${HEX4}){0,6})?::(?:(?:${HEX4}:){0,6}${IPV6_LAST})?`;
const PORT = '(?::\\d{1,5}(?!\\d))?';
// Only TLDs that do not double as common property names (`.id`, `.in`, `.to` would eat `user.id`).
const TLD =
  '(?:com|net|org|io|ai|dev|app|co|cloud|gov|edu|mil|us|uk|de|fr|jp|cn|ru|nl|eu|ca|au|br|local|internal|invalid|example|localdomain)';
const MODEL_FAMILY =
  '(?:gpt|chatgpt|claude|gemini|gemma|llama|mistral|mixtral|codestral|qwen|deepseek|text-embedding)';
// Request, customer, completion, tool-call ... ids as OpenAI, Anthropic and Stripe print them.
const ID_PREFIX =
  '(?:req|cus|chatcmpl|cmpl|call|msg|msgbatch|toolu|srvtoolu|resp|run|thread|asst|file|batch|step|vs|ft|ftjob|proj|org|evt|pi|pm|ch|sub|txn|sess|cs|acct|prod|price|inv|ord|conv|job)';
// Keys whose quoted value is a name (`"param": "messages"`, `parameter: 'model'`), not data.
const NAME_KEY =
  /(?:^|[^A-Za-z0-9_])(?:param(?:eter)?s?|propert(?:y|ies)|fields?|keys?|key\(s\)(?: in object)?|columns?|arguments?|attributes?|tools?|functions?|options?|headers?|variables?|code|type|message|msg|error|detail|reason|description|title)["'`]? ?$/i;

// A quoted word the sentence goes on to talk about is a name: `: "amount" is required`.
const SUBJECT_OF = /^ (?:is|are|was|were|must|should|has|have|cannot|can't|does|did)(?= |$)/;
const STATUS_CONTEXT = '\\bstatus(?: ?code|Code)?["\']?[:=]? ?|\\bHTTP(?:/\\d(?:\\.\\d)?)? ';
const STATUS_CONTEXT_AT_END = new RegExp(`(?:${STATUS_CONTEXT})$`);

const RULES: readonly Rule[] = [
  {
    // Payload echoes (Vercel AI SDK `Text: … Error message:`, LangChain `Text: "…". Error:`): the
    // model's output varies per call; the error after it is what identifies the failure.
    source: '\\b(?:Text|Value): .+?(?=\\.? Error(?: message)?:)',
    replace: (m) => `${m.slice(0, m.indexOf(':'))}: <value>`,
  },
  { source: '\\bLLM [Oo]utput: .+', replace: (m) => `${m.slice(0, m.indexOf(':'))}: <value>` },
  // V8's JSON.parse quotes the start of the bad text: `Unexpected token 'H', "Here is th"... is not valid JSON`.
  {
    source: '(?=[".])(?<=, )(?:\\.\\.\\.)?".*?"(?:\\.\\.\\.)? is not valid JSON',
    replace: to('<value> is not valid JSON'),
  },
  // A letter or digit as the bad token only says "text, not JSON"; punctuation (`<` HTML, `` ` `` a
  // markdown fence, `}` a stray brace) tells failures apart, so only the former is generalised.
  { source: "(?=['A-Za-z0-9])(?<=\\bUnexpected token )'?[A-Za-z0-9]'?(?=[ ,])", replace: to('<char>') },
  {
    source: '(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+',
    replace: to('<email>'),
  },
  {
    source: '\\b[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\\s"\'<>`]*[^\\s"\'<>`.,;:!?)\\]}]',
    replace: to('<url>'),
  },
  {
    // Model ids name what failed (a rate limit for gpt-4o is not one for gpt-4o-mini): kept whole so
    // their version digits are not read as volatile numbers. A token ending in a TLD is a host.
    source: `\\b(?=${MODEL_FAMILY}|o[1-9])(?![A-Za-z0-9.-]*\\.${TLD}(?![A-Za-z0-9-]))(?:${MODEL_FAMILY}[A-Za-z0-9]*(?:[-.:][A-Za-z0-9]+)*|o[1-9](?:-[A-Za-z0-9]+)*(?![A-Za-z0-9]|[.:][A-Za-z0-9]))`,
    replace: keep,
  },
  {
    source: `(?<![A-Za-z0-9.-])(?:[A-Za-z0-9-]{1,63}\\.)+${TLD}(?![A-Za-z0-9-])${PORT}|\\blocalhost${PORT}\\b`,
    replace: to('<host>'),
  },
  {
    // Not followed by `.` and a digit (or `<`: that digit may already be a placeholder).
    source: `(?<![A-Za-z0-9.])${IPV4}${PORT}(?![A-Za-z0-9]|\\.[\\d<])|(?<![A-Za-z0-9:])(?:${IPV6})${PORT}(?![A-Za-z0-9:]|\\.[\\d<])|\\[(?:${IPV6})\\]${PORT}`,
    replace: to('<ip>'),
  },
  {
    // W3C traceparent, AWS X-Ray, bare 32-hex trace ids.
    source:
      '(?<![A-Za-z0-9-])(?:00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}|1-[0-9a-f]{8}-[0-9a-f]{24}|[0-9a-f]{32})(?![A-Za-z0-9-])',
    replace: to('<trace>'),
  },
  {
    source:
      '(?<![A-Za-z0-9])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![A-Za-z0-9])',
    replace: to('<uuid>'),
  },
  {
    // Secret keys (possibly masked with `*`), then prefixed ids: a body with a digit, or a long one.
    source: `(?<![A-Za-z0-9_-])(?:(?:sk|pk|rk)-[A-Za-z0-9*_-]{8,}|${ID_PREFIX}[_-](?:(?=[A-Za-z]*[0-9])[A-Za-z0-9]{4,}|[A-Za-z0-9]{12,})(?![A-Za-z0-9_]))`,
    replace: to('<id>'),
  },
  {
    // 0x-prefixed hex; unprefixed hex needs a digit and a letter (so words like `deadbeef` and plain
    // numbers are left alone), and two digits when short (`9f1c`, not `abc1`).
    source:
      '(?<![A-Za-z0-9])(?:0[xX][0-9A-Fa-f]+|(?=[A-Fa-f]*[0-9])(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{8,}|(?=[A-Fa-f]*[0-9][A-Fa-f]*[0-9])(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{4,7})(?![A-Za-z0-9])',
    replace: to('<hex>'),
  },
  {
    source: [
      // ISO 8601 (extended and basic), with optional time, fraction and offset.
      '(?<![A-Za-z0-9])\\d{4}-[01]\\d-[0-3]\\d(?:[T ][0-2]\\d:[0-5]\\d(?::[0-5]\\d(?:[.,]\\d+)?)?(?:Z|[+-][0-2]\\d:?[0-5]\\d)?)?(?![A-Za-z0-9])',
      '(?<![A-Za-z0-9])\\d{8}T\\d{6}(?:\\.\\d+)?Z?(?![A-Za-z0-9])',
      // JavaScript Date#toString.
      `\\b${WEEKDAY} ${MONTH} [0-3]\\d \\d{4} [0-2]\\d:[0-5]\\d:[0-5]\\d GMT[+-]\\d{4}(?: \\([^()]*\\))?`,
      // RFC 2822 / RFC 1123.
      `\\b(?:${WEEKDAY}, )?[0-3]?\\d ${MONTH} \\d{4} [0-2]\\d:[0-5]\\d(?::[0-5]\\d)? (?:[+-]\\d{4}|GMT|UTC|UT|[ECMP][SD]T)\\b`,
      // Common log format.
      `(?<![A-Za-z0-9])[0-3]\\d/${MONTH}/\\d{4}:[0-2]\\d:[0-5]\\d:[0-5]\\d [+-]\\d{4}`,
      `\\b${MONTH}\\.? [0-3]?\\d, \\d{4}\\b`,
      // Time of day.
      '(?<![A-Za-z0-9:.])[0-2]?\\d:[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?(?: ?[AaPp][Mm])?(?![A-Za-z0-9:])',
    ].join('|'),
    replace: to('<date>'),
  },
  {
    source:
      '(?<![A-Za-z0-9.])(?:(?:\\d+(?:\\.\\d+)?(?:ms|us|µs|ns|h|m|s))+|\\d+(?:\\.\\d+)? ?(?:milliseconds?|microseconds?|nanoseconds?|ms|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?))(?![A-Za-z0-9])',
    replace: to('<duration>'),
  },
  // `HTTP/1.1` is a protocol name, not a float; keeping it also keeps the status after it.
  { source: '\\bHTTP/\\d(?:\\.\\d)?(?![0-9.])', replace: keep },
  {
    // An HTTP status is meaningful (a 502 is not a 404), so it survives where the text says it is one
    // (and that text was not itself rewritten by this scan, which a second scan would not see).
    source: `(?=[1-5]\\d\\d(?![A-Za-z0-9.]))(?<=^|${STATUS_CONTEXT})[1-5]\\d\\d`,
    replace: (m, offset, input, from) =>
      offset === 0 || STATUS_CONTEXT_AT_END.test(input.slice(from, offset)) ? m : '<int>',
  },
  // A sign belongs to the number unless the dash joins two words (`x-1`, `10-20`).
  { source: '(?<![A-Za-z0-9])-?\\d+(?:,\\d{3})*\\.\\d+(?![A-Za-z0-9])', replace: to('<float>') },
  { source: '(?<![A-Za-z0-9])-?\\d+(?:,\\d{3})*(?![A-Za-z0-9])', replace: to('<int>') },
  {
    // Quoted values after `=`/`:` (and pg's `Key (email)=(…)`), plus what a message says it
    // `received`/`got`. After `:`, a name-like key, or a sentence going on about the quoted word,
    // keeps it (normalised inside) as a name.
    source:
      '=\\s?(?:"(?:[^"\\\\]|\\\\.)*"|\'(?:[^\'\\\\]|\\\\.)*\'|\\([^()]*\\))|(?::\\s?|\\b(?:received|got) )(?:"(?:[^"\\\\]|\\\\.)*"|\'(?:[^\'\\\\]|\\\\.)*\')',
    midToken: true,
    replace: (m, offset, input, from) => {
      const open = m.search(/["'(]/);
      const prefix = m.slice(0, open);
      // Only text this scan left as it was may name the key: a key that was itself rewritten (a
      // value before) would read differently on a second pass.
      const isName =
        m[0] === ':' &&
        (NAME_KEY.test(input.slice(Math.max(from, offset - 40), offset)) ||
          SUBJECT_OF.test(input.slice(offset + m.length, offset + m.length + 12)));
      if (isName) {
        return `${prefix}${m[open]}${parameterize(m.slice(open + 1, -1))}${m[m.length - 1]}`;
      }
      return `${prefix}<value>`;
    },
  },
];

// The token-start rules share one look-behind, so inside a word the engine checks one character
// and moves on instead of trying every rule. And a plain lowercase word of two or more letters that
// ends at a space or closing punctuation (most of any message) starts no rule (`localhost` aside):
// one look-ahead skips it.
const TOKEN_RULES = RULES.filter((rule) => rule.midToken === undefined);
const MID_TOKEN_RULES = RULES.filter((rule) => rule.midToken !== undefined);
const ORDERED_RULES = [...TOKEN_RULES, ...MID_TOKEN_RULES];
const group = (rule: Rule) => `(${rule.source})`;
const PLAIN_WORD = `(?!localhost)[a-z][A-Za-z]+[ ,;!?)\\]}'"]`;
// No match starts right after a placeholder or ends right before one: on the first pass the
// character there belonged to a rewritten token, so a second pass must not see a token edge that
// the first did not (idempotence).
const PLACEHOLDER = `<(?:${PLACEHOLDERS.join('|')})>`;
const COMBINED = new RegExp(
  `(?:(?<![A-Za-z0-9]|${PLACEHOLDER})(?!${PLAIN_WORD})(?:${TOKEN_RULES.map(group).join('|')})|${MID_TOKEN_RULES.map(group).join('|')})(?!${PLACEHOLDER})`,
  'g',
);

// Guard the one-group-per-rule numbering that `parameterize` relies on.
if (new RegExp(`${COMBINED.source}|`).exec('')!.length !== ORDERED_RULES.length + 1) {
  throw new Error('normalize-message: a rule source contains a capturing group');
}

// Whitespace that collapsing would change: any but a space, or two in a row.
const NEEDS_COLLAPSE = /[^\S ]| {2}/;

const WHOLE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER}$`);
const MAX_PASSES = 4;

/**
 * One left-to-right scan. `touching` reports two adjacent matches of which at least one left text
 * in place (a kept model id, the `=` of `=<value>`): a second scan would see that text beside a
 * placeholder, not beside what was there, and might read it differently.
 */
function scan(text: string): { out: string; touching: boolean } {
  const n = ORDERED_RULES.length;
  let previousEnd = -1;
  let previousWhole = true;
  let rewrittenTo = 0;
  let touching = false;
  const out = text.replace(COMBINED, (match: string, ...args: unknown[]) => {
    const offset = args[n] as number;
    let i = 0;
    while (args[i] === undefined) i++;
    const replaced = ORDERED_RULES[i]!.replace(match, offset, text, rewrittenTo);
    const whole = WHOLE_PLACEHOLDER.test(replaced);
    if (offset === previousEnd && !(whole && previousWhole)) touching = true;
    previousEnd = offset + match.length;
    previousWhole = whole;
    if (replaced !== match) rewrittenTo = previousEnd;
    return replaced;
  });
  return { out, touching };
}

/** Scans until no kept text touches a rewrite (rare; nearly always one scan), so the result is stable. */
function parameterize(text: string): string {
  let current = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const { out, touching } = scan(current);
    current = out;
    if (!touching) break;
  }
  return current;
}

/**
 * The normalised form of an error message: volatile values replaced by `<email>`, `<url>`, `<host>`,
 * `<ip>`, `<trace>`, `<uuid>`, `<id>`, `<hex>`, `<date>`, `<duration>`, `<float>`, `<int>`,
 * `<value>`, `<char>`; whitespace collapsed; length capped. Idempotent.
 */
export function normalizeMessage(message: string): string {
  const capped = message.slice(0, MAX_RAW_MESSAGE_LENGTH);
  // Most messages hold single spaces only: a test builds no new string.
  const collapsed = (NEEDS_COLLAPSE.test(capped) ? capped.replace(/\s+/g, ' ') : capped).trim();
  const normalized = parameterize(collapsed);
  if (normalized.length <= MAX_NORMALIZED_MESSAGE_LENGTH) return normalized;
  const space = normalized.lastIndexOf(' ', MAX_NORMALIZED_MESSAGE_LENGTH);
  const cut = space > MAX_NORMALIZED_MESSAGE_LENGTH / 2 ? space : MAX_NORMALIZED_MESSAGE_LENGTH;
  return normalized.slice(0, cut).trimEnd();
}
