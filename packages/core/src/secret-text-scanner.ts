import { passesLuhn } from './luhn-checksum.js';

/** A caller-given pattern; each non-empty match is replaced by `[REDACTED:<name>]`. */
export interface SecretPattern {
  name: string;
  pattern: RegExp;
}

export interface SecretScannerOptions {
  /** Redact e-mail addresses (personal data rather than credentials). */
  emails: boolean;
  extraPatterns: readonly SecretPattern[];
}

/** Running count of replacements, shared by every string of one redaction call. */
export interface RedactionTally {
  count: number;
}

/** What replaces a secret of the given type; `[REDACTED:<type>]` unless the caller says otherwise. */
export type SecretMarker = (type: string, secret: string) => string;

/** The default marker. Every marker must start with `[REDACTED` so that a second pass leaves it be. */
export const typeMarker: SecretMarker = (type) => `[REDACTED:${type}]`;

interface TextRule {
  /** Names the marker: `[REDACTED:<type>]`. */
  type: string;
  /**
   * Regex source of what announces a candidate. A pass looks for all its rules' triggers with
   * one regex, the hot loop, so triggers are short and start with a rare character (`k-`, not
   * `sk-`): the regex engine tries every alternative that can start at each character.
   */
  trigger: string;
  /** How many characters before its trigger the candidate starts (the `s` of `sk-` for `k-`). */
  back?: number;
  /**
   * Sticky regex sources matched where the candidate starts: `prefix` is kept (`Bearer `,
   * `://user:`, `=`), `secret` replaced. Both use (?:…) groups only; the scanner adds its own.
   * Negated classes exclude NUL, which separates the strings of a batch.
   */
  prefix?: string;
  secret: string;
  /**
   * A character the one before the candidate must not be (`desk-…` holds no `sk-` key). Checked
   * here rather than by a lookbehind, so that right after a replacement it sees the marker's `]`,
   * as a second pass over the output would: redaction stays idempotent.
   */
  notAfter?: RegExp;
  /** The candidate starts before its trigger, back over these characters (an e-mail's local part). */
  startsBackOver?: (code: number) => boolean;
  /** Sticky regex that must match at the trigger: a lookbehind for the name in `password=…`. */
  namedBy?: RegExp;
  /** A more precise name and the type it gives (`aws_secret_access_key=…` is an AWS secret). */
  typedBy?: { namedBy: RegExp; type: string };
  /** Judges what a regex cannot (Luhn, the shape of base64); a rejected candidate stays as it was. */
  accept?: (secret: string) => boolean;
  /**
   * A rejected candidate rules out the later ones of this rule that start inside it. Only where
   * they would end where it ends and be rejected for the same reason: the secret runs over one
   * class to its end, and `accept` rejects every part of what it rejects. Since `-` and `_` may
   * come before a key, `sk-sk-sk-…` would otherwise be read to its end at every trigger.
   */
  rejectsInside?: true;
  /** Only when e-mail redaction is on. */
  email?: true;
}

/** After the trigger of `"key":value` (JSON, Python, escaped JSON) or `key=value` (env, query, logfmt). */
const ASSIGN = String.raw`(?:["']:|=)[ \t]*\\*["']?`;
/**
 * Sticky lookbehinds: tried at the trigger only, they match backwards from it, so checking a
 * name costs its length rather than a search. Bare `key: value` is left out: prose is full of
 * it (`invalid token: expired`).
 */
const SECRET_NAME_BEFORE =
  /(?<=(?:password|passwd|passphrase|secret|token|api[_-]?key|auth|authorization|cookie|credentials?|private[_-]?key|access[_-]?key|session)\\*["']?[ \t]*)/iy;
const AWS_SECRET_NAME_BEFORE = /(?<=(?:aws_?)?secret_?access_?key\\*["']?[ \t]*)/iy;
/** `secret`, `secret key`, `secret_access_key`, `SecretAccessKey`: how an AWS secret key is named. */
const AWS_SECRET_WORDS = '(?:[Ss]ecret|SECRET)(?:[ _-]?(?:[Aa]ccess|ACCESS))?(?:[ _-]?(?:[Kk]ey|KEY))?';
/**
 * Between the name and the value: a closing quote, `:`, `=` or "is", an opening quote. No two
 * runs of blanks side by side: a long run of them would be split every way before failing.
 */
const AWS_SECRET_SEPARATOR = String.raw`\\*["']?[ \t]*(?:(?:[:=]|is|IS)[ \t]*)?\\*["']?`;
/** Exactly 40 base64 characters: a longer run is something else (a hash, a blob). */
const AWS_SECRET_VALUE = '[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])';

/** `Authorization=Bearer …`: the scheme stays readable, the credential after it goes. */
const SCHEME = String.raw`(?:[Bb]earer|BEARER|[Bb]asic|BASIC|[Tt]oken)[ \t]+`;
const NOT_A_VALUE = /^(?:null|true|false|undefined|none|nil)$/i;
const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Joins the strings of a batch: no rule's characters include it, so no match spans two strings. */
const SEPARATOR = '\u0000';

/** Random base64 mixes cases; snake_case names (`arc_test_4242_default`) do not. */
function mixesCase(token: string): boolean {
  return /[a-z]/.test(token) && /[A-Z]/.test(token);
}

/**
 * Generated keys mix cases (base62, base64url) or run letters and digits unbroken (hex); names
 * joined from words (`sk-learn-feature-selection-tools`, `github_pat_rotation_policy_…`) do neither.
 */
function looksGenerated(token: string): boolean {
  return mixesCase(token) || /[A-Za-z0-9]{16}/.test(token);
}

/**
 * What a prefixed key must not follow: a letter or digit (`desk-…` holds no `sk-` key). Any other
 * character may precede it, `-` and `_` included, since identifiers join their parts with them
 * (`req-sk-proj-…`, `token_ghp_…`). Unlike a regex `\b`, `_` counts as a separator.
 */
const LETTER_OR_DIGIT = /[A-Za-z0-9]/;

/** An AWS secret key is 40 random base64 characters: letters with digits or `+/`, never a word. */
function looksLikeAwsSecret(token: string): boolean {
  return /[A-Za-z]/.test(token) && /[0-9+/]/.test(token);
}

/** Random tokens carry digits or punctuation; `Bearer instruments` in prose does not. */
function hasNonLetter(token: string): boolean {
  return /[^A-Za-z]/.test(token);
}

/** Basic credentials are base64 of printable `user:password`; prose after the word "basic" is not. */
function decodesToUserPassword(encoded: string): boolean {
  const body = encoded.replace(/=+$/, '');
  if (body.length % 4 === 1) return false;
  let bits = 0;
  let buffer = 0;
  let colon = false;
  for (let i = 0; i < body.length; i++) {
    buffer = ((buffer << 6) | BASE64_DIGITS.indexOf(body[i]!)) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (buffer >> bits) & 0xff;
      if (byte < 0x20 || byte === 0x7f) return false;
      if (byte === 0x3a) colon = true;
    }
  }
  return colon;
}

/** `[A-Za-z0-9._%+-]`, the characters of an e-mail's local part. */
function isEmailLocalChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x25 ||
    code === 0x2b ||
    code === 0x2d
  );
}

/** password=…, "api_key":"…", Authorization=Bearer …: a value under a secret-sounding name. */
function assignmentRule(trigger: string): TextRule {
  return {
    type: 'secret',
    trigger,
    namedBy: SECRET_NAME_BEFORE,
    typedBy: { namedBy: AWS_SECRET_NAME_BEFORE, type: 'aws_secret_key' },
    // A scheme word is kept, and never taken for the value itself (idempotence).
    prefix: `${ASSIGN}(?:${SCHEME}|(?!${SCHEME}))`,
    // Not a nested object or array (`"credentials":{…`): its own keys are judged one by one.
    // Ends where JSON, a query string or a header list would end it.
    secret: String.raw`[^\0\s"'\\&,;{}[][^\0\s"'\\&,;}]*`,
    accept: (value) => !NOT_A_VALUE.test(value),
  };
}

/**
 * The kinds of secret found inside text, in passes run one after the other. Passes are split
 * where one trigger regex would get slow: measured, V8 scans some cheap triggers together far
 * slower than apart (a digit class, a frequent character such as `"`). Typed secrets go first,
 * so a value after `password=` that is, say, a GitHub token keeps its type. Within a pass, where
 * two rules could start at the same place the first listed wins. Every quantifier runs over a
 * class that excludes what follows it, and the full regexes run only where a trigger fired, so
 * scanning stays linear.
 */
const PASSES: readonly (readonly TextRule[])[] = [
  [
    {
      type: 'private_key',
      trigger: 'BEGIN',
      back: 5,
      // Without an END line (a cut-off string), everything after BEGIN is hidden.
      secret: String.raw`-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:[^\0]*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|[^\0]*)`,
    },
    {
      type: 'anthropic_key',
      trigger: 'k-',
      back: 1,
      notAfter: LETTER_OR_DIGIT,
      secret: 'sk-ant-[A-Za-z0-9_-]{20,}',
      // `sk` is also a word in names (`sk-learn-…`), whose words `-` joins.
      accept: looksGenerated,
      rejectsInside: true,
    },
    {
      type: 'openai_key',
      trigger: 'k-',
      back: 1,
      notAfter: LETTER_OR_DIGIT,
      secret: 'sk-[A-Za-z0-9_-]{20,}',
      accept: looksGenerated,
      rejectsInside: true,
    },
    {
      type: 'stripe_key',
      trigger: 'k_(?:live|test)_',
      back: 1,
      notAfter: LETTER_OR_DIGIT,
      secret: '[sr]k_(?:live|test)_[A-Za-z0-9]{10,}',
    },
    { type: 'stripe_key', trigger: 'whsec_', notAfter: LETTER_OR_DIGIT, secret: 'whsec_[A-Za-z0-9]{20,}' },
    {
      type: 'github_token',
      trigger: 'gh[pousr]_|github_pat_',
      notAfter: LETTER_OR_DIGIT,
      secret: '(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})',
      // `github_pat_` also begins snake_case names (`check_github_pat_expiration_…`).
      accept: looksGenerated,
      rejectsInside: true,
    },
    {
      // Arc's own API keys (api-keys.ts in the server): `arc_` + 16 to 128 base64url characters.
      type: 'arc_key',
      trigger: 'arc_',
      notAfter: LETTER_OR_DIGIT,
      // Unbounded: a bound (the server's 128) would make a longer run a key once a secret inside
      // it is replaced, so a second pass would redact what the first left.
      secret: 'arc_[A-Za-z0-9_-]{16,}',
      accept: (key) => mixesCase(key.slice(4)),
      rejectsInside: true,
    },
    {
      type: 'slack_token',
      trigger: 'xox[abprs]-',
      notAfter: LETTER_OR_DIGIT,
      secret: 'xox[abprs]-[A-Za-z0-9-]{10,}',
    },
    {
      type: 'aws_access_key_id',
      trigger: 'AKIA|ASIA',
      notAfter: LETTER_OR_DIGIT,
      secret: '(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    },
    { type: 'google_api_key', trigger: 'AIza', notAfter: LETTER_OR_DIGIT, secret: 'AIza[A-Za-z0-9_-]{35}' },
    {
      type: 'jwt',
      trigger: 'yJ',
      back: 1,
      notAfter: LETTER_OR_DIGIT,
      // The header alone matches, and is rejected without the payload and signature: a header
      // without them then rules out the `eyJ`s after `-` or `_` in the rest of its run.
      secret: String.raw`eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)?`,
      accept: (token) => token.includes('.'),
      rejectsInside: true,
    },
    {
      type: 'bearer_token',
      trigger: '[Bb]earer|BEARER',
      notAfter: /[A-Za-z]/,
      prefix: String.raw`(?:[Bb]earer|BEARER)[ \t]+`,
      secret: '[A-Za-z0-9._~+/-]{8,}=*',
      accept: hasNonLetter,
    },
    {
      type: 'basic_auth',
      trigger: '[Bb]asic|BASIC',
      notAfter: /[A-Za-z]/,
      prefix: String.raw`(?:[Bb]asic|BASIC)[ \t]+`,
      secret: '[A-Za-z0-9+/]{6,}={0,2}',
      accept: decodesToUserPassword,
    },
    {
      // scheme://user:password@host: the user and host stay readable, only the password goes.
      type: 'url_password',
      trigger: String.raw`:\/\/`,
      prefix: String.raw`:\/\/[^\0\s:/?#@"'<>\\]*:`,
      secret: String.raw`[^\0\s/?#@"'<>\\]+(?=@)`,
    },
    {
      // Cookie and Set-Cookie headers, bare or as JSON: every cookie on the line is a credential.
      type: 'cookie',
      trigger: '[Cc]ookie|COOKIE',
      prefix: String.raw`(?:[Cc]ookie|COOKIE)\\*["']?[ \t]*[:=][ \t]*\\*["']?`,
      secret: String.raw`[^\0\r\n"'\\]+`,
    },
    {
      type: 'email',
      trigger: '@',
      startsBackOver: isEmailLocalChar,
      secret: String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`,
      email: true,
    },
  ],
  // A bare AWS secret key has no prefix of its own: only the words before it tell it apart.
  [
    {
      // `aws secret …`, `aws_secret_access_key: …`, `AWS_SECRET=…`.
      type: 'aws_secret_key',
      trigger: '[Ss]ecret|SECRET',
      namedBy: /(?<=(?:aws|AWS|Aws)[ _-]?)/y,
      prefix: `${AWS_SECRET_WORDS}${AWS_SECRET_SEPARATOR}`,
      secret: AWS_SECRET_VALUE,
      accept: looksLikeAwsSecret,
    },
    {
      // `secret access key is …`, `"SecretAccessKey": "…"`: the full name needs no `aws` before it.
      type: 'aws_secret_key',
      trigger: '[Ss]ecret|SECRET',
      notAfter: /[A-Za-z]/,
      prefix: `(?:[Ss]ecret|SECRET)[ _-]?(?:[Aa]ccess|ACCESS)[ _-]?(?:[Kk]ey|KEY)${AWS_SECRET_SEPARATOR}`,
      secret: AWS_SECRET_VALUE,
      accept: looksLikeAwsSecret,
    },
  ],
  [
    {
      type: 'card_number',
      // Issuer ranges start with 2–6 (millisecond timestamps start with 1), and the first eight
      // digits come as printed on cards, unbroken or 4 + 4: dates and times do not trigger.
      trigger: '[2-6][0-9]{3}[ -]?[0-9]{4}',
      notAfter: /[0-9A-Za-z_.-]/,
      secret: '[2-6][0-9]{3}[ -]?[0-9]{4}(?:[ -]?[0-9]){5,11}(?![0-9A-Za-z_])',
      accept: (candidate) => passesLuhn(candidate.replace(/[ -]/g, '')),
    },
  ],
  // `=` and `":` apart: together they scan several times slower than the two passes.
  [assignmentRule('=')],
  [assignmentRule(`["']:`)],
];

/** Strings shorter than the shortest possible secret (`a@b.co`, `auth=x`) are never scanned. */
const MIN_SECRET_LENGTH = 6;

function countGroups(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}

interface CompiledRule {
  rule: TextRule;
  /** `(prefix)(secret)`, sticky: tried only where a trigger points. */
  sticky: RegExp;
}

interface CompiledPass {
  /** One capturing group per distinct trigger (none when there is only one). */
  triggers: RegExp;
  /** The rules to try for each trigger group (index 0 unused, as group numbers start at 1). */
  rulesByGroup: readonly (readonly CompiledRule[])[];
}

function compilePass(rules: readonly TextRule[]): CompiledPass {
  const byTrigger = new Map<string, CompiledRule[]>();
  for (const rule of rules) {
    for (const source of [rule.trigger, rule.prefix, rule.secret]) {
      if (source !== undefined && countGroups(source) !== 0) {
        throw new Error(`secret rule ${rule.type} must use (?:…) groups only`);
      }
    }
    const compiled = { rule, sticky: new RegExp(`(${rule.prefix ?? ''})(${rule.secret})`, 'y') };
    const sameTrigger = byTrigger.get(rule.trigger);
    if (sameTrigger === undefined) byTrigger.set(rule.trigger, [compiled]);
    else sameTrigger.push(compiled);
  }
  const triggers = [...byTrigger.keys()];
  return {
    // A lone trigger gets no group: `(=)` is searched some thirty times slower than `=`.
    triggers: new RegExp(triggers.length === 1 ? triggers[0]! : triggers.map((t) => `(${t})`).join('|'), 'g'),
    rulesByGroup: [[], ...byTrigger.values()],
  };
}

/**
 * Finds and replaces secrets in text. In each pass one regex of cheap triggers walks the text;
 * only where a trigger fires does a rule's full regex run, anchored there. Built once per option
 * set, since compiling is the expensive part.
 */
export class SecretTextScanner {
  private readonly passes: readonly CompiledPass[];
  private readonly extraPatterns: readonly { name: string; pattern: RegExp }[];

  constructor(options: SecretScannerOptions) {
    this.passes = PASSES.map((rules) => compilePass(rules.filter((rule) => options.emails || !rule.email)));
    this.extraPatterns = options.extraPatterns.map(({ name, pattern }) => ({
      name,
      pattern: new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`),
    }));
  }

  /** Whether caller-given patterns are scanned for too: what they match is not known here. */
  get hasExtraPatterns(): boolean {
    return this.extraPatterns.length > 0;
  }

  /** `text` with every secret replaced by its marker; adds the number replaced to `tally`. */
  redact(text: string, tally: RedactionTally, mark: SecretMarker = typeMarker): string {
    return this.extra(text.length < MIN_SECRET_LENGTH ? text : this.builtIn(text, tally, mark), tally, mark);
  }

  /**
   * `redact` applied to each of `texts`, or undefined when none changes. Telemetry is many short
   * strings, and each regex call has a fixed cost: the strings are scanned as one NUL-joined
   * text, which no rule can match across.
   */
  redactAll(texts: readonly string[], tally: RedactionTally): string[] | undefined {
    const joined = texts.join(SEPARATOR);
    const found = { count: 0 };
    const scanned = this.builtIn(joined, found);
    let out: string[] | undefined;
    if (scanned !== joined) {
      out = scanned.split(SEPARATOR);
      if (out.length === texts.length) tally.count += found.count;
      // A NUL inside one of the strings: scan them one at a time instead.
      else out = texts.map((text) => this.builtIn(text, tally));
    }
    if (this.extraPatterns.length === 0) return out;
    const base = out ?? texts;
    const extra = base.map((text) => this.extra(text, tally));
    return extra.some((text, i) => text !== texts[i]) ? extra : undefined;
  }

  private extra(text: string, tally: RedactionTally, mark: SecretMarker = typeMarker): string {
    let out = text;
    for (const { name, pattern } of this.extraPatterns) {
      out = out.replace(pattern, (match) => {
        if (match === '' || match.startsWith('[REDACTED')) return match;
        tally.count++;
        return mark(name, match);
      });
    }
    return out;
  }

  private builtIn(text: string, tally: RedactionTally, mark: SecretMarker = typeMarker): string {
    let out = text;
    for (const pass of this.passes) out = this.scan(pass, out, tally, mark);
    return out;
  }

  private scan(pass: CompiledPass, text: string, tally: RedactionTally, mark: SecretMarker): string {
    const { triggers, rulesByGroup } = pass;
    triggers.lastIndex = 0;
    let out = '';
    let copiedTo = 0;
    // Where each rule's last rejected candidate ended, for rules whose rejection rules out what starts inside.
    let rejectedTo: Map<CompiledRule, number> | undefined;
    for (let hit = triggers.exec(text); hit !== null; hit = triggers.exec(text)) {
      const at = hit.index;
      let group = 1;
      while (group < rulesByGroup.length - 1 && hit[group] === undefined) group++;
      let replaced = false;
      for (const compiled of rulesByGroup[group]!) {
        const { rule } = compiled;
        if (rejectedTo !== undefined && at - (rule.back ?? 0) < (rejectedTo.get(compiled) ?? 0)) continue;
        const candidate = this.candidate(compiled, text, at, copiedTo);
        if (candidate === undefined) continue;
        const { secret } = candidate;
        if (secret.startsWith('[REDACTED')) continue;
        if (rule.accept !== undefined && !rule.accept(secret)) {
          if (rule.rejectsInside) {
            rejectedTo ??= new Map();
            rejectedTo.set(compiled, candidate.end);
          }
          continue;
        }
        tally.count++;
        out += `${text.slice(copiedTo, candidate.start)}${candidate.prefix}${mark(this.typeOf(rule, text, at), secret)}`;
        copiedTo = candidate.end;
        replaced = true;
        break;
      }
      // Past a replacement; otherwise one character on, as triggers may overlap.
      triggers.lastIndex = replaced ? copiedTo : at + 1;
    }
    return copiedTo === 0 ? text : out + text.slice(copiedTo);
  }

  private typeOf(rule: TextRule, text: string, at: number): string {
    if (rule.typedBy === undefined) return rule.type;
    rule.typedBy.namedBy.lastIndex = at;
    return rule.typedBy.namedBy.test(text) ? rule.typedBy.type : rule.type;
  }

  private candidate(compiled: CompiledRule, text: string, at: number, floor: number) {
    const { rule, sticky } = compiled;
    if (rule.namedBy !== undefined) {
      rule.namedBy.lastIndex = at;
      if (!rule.namedBy.test(text)) return undefined;
    }
    let start = at - (rule.back ?? 0);
    if (start < floor) return undefined;
    if (rule.startsBackOver !== undefined) {
      // Never back into a replacement: in the output a marker stands there.
      while (start > floor && rule.startsBackOver(text.charCodeAt(start - 1))) start--;
    }
    // `floor` is 0 until something is replaced; after that, text before it is a marker's `]`.
    if (rule.notAfter !== undefined && start > 0 && (start > floor || floor === 0)) {
      if (rule.notAfter.test(text[start - 1]!)) return undefined;
    }
    sticky.lastIndex = start;
    const match = sticky.exec(text);
    if (match === null) return undefined;
    return { start, end: sticky.lastIndex, prefix: match[1]!, secret: match[2]! };
  }
}
