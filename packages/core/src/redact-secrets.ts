import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type CopyWatcher,
  type CutSource,
  type JsonBounds,
  MAX_DEPTH_MARKER,
  resolveBounds,
  watchedJsonSafe,
} from './json-safe-copy.js';
import { isSecretKeyName, normalizeKeyName } from './secret-key-names.js';
import {
  type RedactionTally,
  type SecretMarker,
  type SecretPattern,
  SecretTextScanner,
} from './secret-text-scanner.js';
import { setOwnProperty } from './set-own-property.js';

export interface RedactOptions {
  /** More key names whose values are always hidden; compared case- and separator-insensitively, whole keys only. */
  extraKeys?: readonly string[];
  /** More patterns to hide inside strings; each non-empty match becomes `[REDACTED:<name>]`. */
  extraPatterns?: readonly SecretPattern[];
  /** Hide e-mail addresses (default true). */
  emails?: boolean;
}

/** What replaces the whole value under a secret-sounding key. */
export const REDACTED = '[REDACTED]';

/** Deeper JSON than this is cut (as `"[MaxDepth]"`) instead of overflowing the stack. */
const MAX_NESTING = 512;
/** Key verdicts are cached; the cache is dropped when full, so hostile unique keys cannot grow it. */
const KEY_CACHE_LIMIT = 10_000;
const REDACTOR_CACHE_LIMIT = 32;
const MARKERS = /\[REDACTED(?::[^\]]*)?\]/g;
/**
 * How far past a cut a long string is read before the read stops at a blank: past the longest
 * secret that may hold a blank and need its end to be found (a card number, 31 characters and the
 * one after), with room to spare for what markers add. Secrets of unbounded length hold no blank,
 * or are found from their start whatever follows (a cookie header, a private key), so one that
 * starts before the cut is found whole or replaced to the end of what is read, as in the whole
 * string. (A PEM header padded with blanks past this margin may be left before the cut: it is a
 * header, with no key in it.)
 */
const CUT_MARGIN = 128;
const BLANK = /[ \t\n\r]/g;

/** The strings of a copy and where they sit, so they can be scanned in one batch and put back. */
class FoundStrings {
  readonly holders: (Record<string, unknown> | unknown[])[] = [];
  readonly keys: (string | number)[] = [];
  readonly texts: string[] = [];

  add(holder: Record<string, unknown> | unknown[], key: string | number, text: string): void {
    this.holders.push(holder);
    this.keys.push(key);
    this.texts.push(text);
  }
}

interface KeyVerdict {
  secret: boolean;
  /** The key itself, with any secret inside it replaced (a map keyed by API key, say). */
  text: string;
  redactions: number;
}

/** Everything compiled for one option set: the text scanner and a cache of key verdicts. */
class Redactor {
  private readonly scanner: SecretTextScanner;
  private readonly extraKeys: ReadonlySet<string>;
  private readonly keys = new Map<string, KeyVerdict>();

  constructor(options: RedactOptions) {
    this.scanner = new SecretTextScanner({
      emails: options.emails !== false,
      extraPatterns: options.extraPatterns ?? [],
    });
    this.extraKeys = new Set((options.extraKeys ?? []).map(normalizeKeyName));
  }

  text(text: string, tally: RedactionTally, mark?: SecretMarker): string {
    return this.scanner.redact(text, tally, mark);
  }

  /**
   * `text` redacted as far as a cut to `maxLength` characters needs: up to the first blank
   * CUT_MARGIN past the cut, or the whole of it where it has no such blank, where caller-given
   * patterns (of unknown reach) are scanned, or where replacements leave too little before that
   * blank. Redacted first and cut then, a secret across the cut leaves no head; what is read
   * agrees with the whole string redacted up to at least the cut.
   */
  forCut(text: string, maxLength: number, tally: RedactionTally): CutSource {
    const from = maxLength + CUT_MARGIN;
    if (text.length > from && !this.scanner.hasExtraPatterns) {
      BLANK.lastIndex = from;
      const blank = BLANK.exec(text);
      if (blank !== null) {
        const read = blank.index + 1;
        const count = tally.count;
        const head = this.scanner.redact(text.slice(0, read), tally);
        if (head.length >= from) return { text: head, unread: text.length - read };
        tally.count = count;
      }
    }
    return { text: this.scanner.redact(text, tally), unread: 0 };
  }

  /** `text` of each, or undefined when none changes. */
  texts(texts: readonly string[], tally: RedactionTally): string[] | undefined {
    return this.scanner.redactAll(texts, tally);
  }

  /** With `hideSecretKeys` false, keys are names of things (a schema's properties), not data labels. */
  value(value: unknown, tally: RedactionTally, hideSecretKeys = true): unknown {
    if (typeof value === 'string') return this.scanner.redact(value, tally);
    const found = new FoundStrings();
    const copy = this.copy(value, 0, tally, found, hideSecretKeys);
    this.putBack(found, tally);
    return copy;
  }

  /**
   * value() of toJsonSafe's copy of `value`, redacted in toJsonSafe's walk: one walk and one copy
   * instead of two. Undefined where that one walk would not give what the two do: where a key the
   * copy writes would change or lands on one already written (then the redacted key, or a value
   * listed for the scan, would stand where the two passes have another), or where the copy may
   * nest deeper than value() walks.
   */
  boundedValue(value: unknown, bounds: Readonly<JsonBounds>, tally: RedactionTally): unknown {
    if (bounds.maxDepth > MAX_NESTING) return undefined;
    const redaction = new CopyRedaction(this, tally);
    const copy = watchedJsonSafe(value, bounds, redaction, (text, max) => this.forCut(text, max, tally));
    if (redaction.unlike) return undefined;
    if (typeof copy === 'string') return this.scanner.redact(copy, tally);
    this.putBack(redaction.found, tally);
    return copy;
  }

  /** Scans what `found` lists in one batch, and puts each string that changed back where it was found. */
  private putBack(found: FoundStrings, tally: RedactionTally): void {
    const redacted = found.texts.length === 0 ? undefined : this.scanner.redactAll(found.texts, tally);
    if (redacted === undefined) return;
    for (let i = 0; i < redacted.length; i++) {
      if (redacted[i] === found.texts[i]) continue;
      const holder = found.holders[i]!;
      if (Array.isArray(holder)) holder[found.keys[i] as number] = redacted[i];
      else setOwnProperty(holder, found.keys[i] as string, redacted[i]);
    }
  }

  /** A copy with secret keys' values hidden; its strings are listed in `found`, to be scanned in one batch. */
  private copy(
    value: unknown,
    depth: number,
    tally: RedactionTally,
    found: FoundStrings,
    hideSecretKeys: boolean,
  ): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_NESTING) return MAX_DEPTH_MARKER;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') found.add(out, i, item);
        // Primitives inline: most items are, and a call per item shows in the ingest profile.
        out.push(
          typeof item === 'object' && item !== null
            ? this.copy(item, depth + 1, tally, found, hideSecretKeys)
            : item,
        );
      }
      return out;
    }
    const prototype = Object.getPrototypeOf(value);
    // Not JSON-like (a Date, a class instance): left alone; toJsonSafe turns such values into JSON first.
    if (prototype !== Object.prototype && prototype !== null) return value;
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const verdict = this.key(key);
      tally.count += verdict.redactions;
      const item = source[key];
      if (verdict.secret && hideSecretKeys) {
        setOwnProperty(out, verdict.text, hide(item, tally));
      } else {
        if (typeof item === 'string') found.add(out, verdict.text, item);
        const copied =
          typeof item === 'object' && item !== null
            ? this.copy(item, depth + 1, tally, found, hideSecretKeys)
            : item;
        setOwnProperty(out, verdict.text, copied);
      }
    }
    return out;
  }

  key(key: string): KeyVerdict {
    let verdict = this.keys.get(key);
    if (verdict === undefined) {
      const tally = { count: 0 };
      const text = this.scanner.redact(key, tally);
      // Judged without secrets and markers (`[REDACTED:github_token]` ends in "token"), so that a
      // second pass over the output judges the key as the first did.
      const judged = text.replace(MARKERS, ' ');
      verdict = { secret: isSecretKeyName(judged, this.extraKeys), text, redactions: tally.count };
      if (this.keys.size >= KEY_CACHE_LIMIT) this.keys.clear();
      this.keys.set(key, verdict);
    }
    return verdict;
  }
}

/**
 * Redaction riding toJsonSafe's walk (Redactor.boundedValue): each key judged as copy() judges it,
 * a secret key's value hidden, the strings listed for one batch scan.
 */
class CopyRedaction implements CopyWatcher {
  readonly found = new FoundStrings();
  /** Set when a key would change or collide: then this walk does not give what the two passes give. */
  unlike = false;

  constructor(
    private readonly redactor: Redactor,
    private readonly tally: RedactionTally,
  ) {}

  hides(holder: Record<string, unknown>, key: string): boolean {
    const verdict = this.redactor.key(key);
    this.tally.count += verdict.redactions;
    if (verdict.text !== key || Object.hasOwn(holder, key)) this.unlike = true;
    return verdict.secret;
  }

  written(
    holder: Record<string, unknown> | unknown[],
    key: string | number,
    value: unknown,
    hidden: boolean,
  ): unknown {
    if (hidden) return hide(value, this.tally);
    if (typeof value === 'string') this.found.add(holder, key, value);
    return value;
  }
}

/** Null and booleans reveal nothing, and an already hidden value is not hidden twice (nor counted). */
function hide(value: unknown, tally: RedactionTally): unknown {
  if (value === null || value === undefined || typeof value === 'boolean' || value === REDACTED) return value;
  tally.count++;
  return REDACTED;
}

const defaultRedactor = new Redactor({});
const redactorsByOptions = new WeakMap<RedactOptions, Redactor>();
const redactorsBySignature = new Map<string, Redactor>();

/** Compiling is the costly part, so equal option sets share one redactor, even as fresh objects. */
function redactorFor(options: RedactOptions | undefined): Redactor {
  if (options === undefined) return defaultRedactor;
  let redactor = redactorsByOptions.get(options);
  if (redactor !== undefined) return redactor;
  const signature = JSON.stringify([
    options.emails !== false,
    options.extraKeys ?? [],
    (options.extraPatterns ?? []).map(({ name, pattern }) => [name, pattern.source, pattern.flags]),
  ]);
  redactor = redactorsBySignature.get(signature);
  if (redactor === undefined) {
    redactor = new Redactor(options);
    if (redactorsBySignature.size >= REDACTOR_CACHE_LIMIT) redactorsBySignature.clear();
    redactorsBySignature.set(signature, redactor);
  }
  redactorsByOptions.set(options, redactor);
  return redactor;
}

/**
 * A copy of a JSON-like value with secrets hidden, and how many were hidden. Values under
 * secret-sounding keys (password, token, api_key, authorization, cookie, …) become `"[REDACTED]"`
 * whole; secrets inside any string, keys included, become typed markers such as
 * `[REDACTED:openai_key]`. Never mutates its input; idempotent. Plain objects and arrays are
 * walked; other objects are returned as they are, so run values through toJsonSafe first.
 */
export function redactSecrets<T>(value: T, options?: RedactOptions): { value: T; redactions: number } {
  const tally = { count: 0 };
  const redacted = redactorFor(options).value(value, tally) as T;
  return { value: redacted, redactions: tally.count };
}

/**
 * The bounded, redacted copy of anything an agent passes or gets that the SDKs send and the server
 * stores: redactSecrets(toJsonSafe(value, bounds), options).value, except that a string too long
 * to be kept whole is redacted (as far as the cut needs: redactForCut) before it is cut, so that a
 * secret across the cut leaves no head; its cut marker counts what is cut of the redacted text
 * and what was not read. Made in one walk where it can be.
 */
export function redactedJsonSafe(
  value: unknown,
  bounds?: Partial<JsonBounds>,
  options?: RedactOptions,
): unknown {
  const redactor = redactorFor(options);
  const resolved = resolveBounds(bounds);
  const tally = { count: 0 };
  const redacted = redactor.boundedValue(value, resolved, tally);
  if (redacted !== undefined) return redacted;
  return redactor.value(
    watchedJsonSafe(value, resolved, undefined, (text, max) => redactor.forCut(text, max, tally)),
    tally,
  );
}

/**
 * What a cut of `text` to `maxLength` characters is to be made from: `text` redacted as far as the
 * cut needs (a little past it, to a blank; all of it where that would not do), and how many of its
 * characters lie unread past that. Cut what it gives, count the unread in the cut's marker, and
 * redact the cut again (a cut can give a run a secret's shape); a secret across the cut leaves no head.
 */
export function redactForCut(text: string, maxLength: number, options?: RedactOptions): CutSource {
  return redactorFor(options).forCut(text, maxLength, { count: 0 });
}

/**
 * `text` with every secret found in it replaced by a typed marker: provider API keys (OpenAI,
 * Anthropic, AWS, GitHub, Slack, Stripe, Google), JWTs, Bearer and Basic credentials, PEM private
 * keys, passwords in URLs (user and host kept), Luhn-valid card numbers, e-mail addresses, and
 * values written after secret names (`password=…`, `"api_key": "…"`).
 */
export function redactText(text: string, options?: RedactOptions): string {
  return redactorFor(options).text(text, { count: 0 });
}

/**
 * A copy of a JSON Schema with the secrets inside its strings (descriptions, defaults, examples,
 * property names) replaced as redactSecrets replaces them. Unlike redactSecrets it keeps what sits
 * under secret-sounding keys: in a schema those are property names (`password: { type: 'string' }`
 * describes a field), and hiding them would break the schema.
 */
export function redactJsonSchema<T>(schema: T, options?: RedactOptions): T {
  return redactorFor(options).value(schema, { count: 0 }, false) as T;
}

/** Hex digits of a placeholder's hash: 48 bits, and too few for the card rule (13+ digits) to take for a card. */
const PLACEHOLDER_HASH_DIGITS = 12;

/**
 * `texts`, identifiers (event, trace and fix ids, function names), with each secret in them
 * replaced by a placeholder that is the same wherever the same secret appears under the same
 * `key`: `evt-[REDACTED:openai_key#3f9a1c2b7d4e]`. Ids that differ only in their secret stay
 * apart, and a retried event keeps its id, so idempotency holds. The hash is an HMAC keyed with
 * `key`, a secret the caller holds and never stores (its API key): a copy of the stored ids
 * cannot test guesses of a short secret, such as a card number, against it. Placeholders are
 * longer than most secrets; should they take an identifier past `maxLength`, the whole of it
 * becomes one placeholder (`[REDACTED:identifier#…]`, 36 characters). Identifiers without
 * secrets come back as they were. Scanned as one batch: most hold nothing to hide.
 */
export function redactIdentifiers(
  texts: readonly string[],
  key: string,
  maxLength: number,
  options?: RedactOptions,
): string[] {
  const redactor = redactorFor(options);
  const found = redactor.texts(texts, { count: 0 });
  if (found === undefined) return [...texts];
  const placeholder = (type: string, secret: string) => {
    const digest = bytesToHex(hmac(sha256, utf8ToBytes(key), utf8ToBytes(secret)));
    // `#`, not `:`, before the hash: `cookie:` would read as a cookie header to a second pass.
    return `[REDACTED:${type}#${digest.slice(0, PLACEHOLDER_HASH_DIGITS)}]`;
  };
  return texts.map((text, i) => {
    if (found[i] === text) return text;
    const redacted = redactor.text(text, { count: 0 }, placeholder);
    return redacted.length > maxLength ? placeholder('identifier', text) : redacted;
  });
}

/** One identifier: redactIdentifiers of one. */
export function redactIdentifier(
  text: string,
  key: string,
  maxLength: number,
  options?: RedactOptions,
): string {
  return redactIdentifiers([text], key, maxLength, options)[0]!;
}
