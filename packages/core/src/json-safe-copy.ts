import { setOwnProperty } from './set-own-property.js';

/**
 * Limits on a JSON-safe copy. Sizes count UTF-16 code units, as JavaScript string lengths do;
 * for mostly-ASCII telemetry that is close to bytes.
 */
export interface JsonBounds {
  /** Longest string (value or key) kept; longer ones are cut and end with `…[truncated N chars]`. */
  maxStringLength: number;
  /** Deepest nesting of objects and arrays kept; a container deeper than this becomes `"[MaxDepth]"`. */
  maxDepth: number;
  /** Most keys kept per object (string-keyed Maps and Errors included); a `"…"` entry counts the rest. */
  maxKeys: number;
  /** Most items kept per array (Sets and other Maps included); a final `"…[N more]"` item counts the rest. */
  maxItems: number;
  /**
   * Approximate budget for the whole copy, in characters of its JSON text. Once spent, each open
   * object or array ends with a marker counting what it lost, so the copy overshoots by a few
   * markers at most.
   */
  maxTotalSize: number;
}

export const DEFAULT_JSON_BOUNDS: Readonly<JsonBounds> = Object.freeze({
  maxStringLength: 8 * 1024,
  maxDepth: 8,
  maxKeys: 200,
  maxItems: 200,
  maxTotalSize: 64 * 1024,
});

export const CIRCULAR_MARKER = '[Circular]';
export const MAX_DEPTH_MARKER = '[MaxDepth]';
/** Stands for a value that threw while being read (a getter, a Proxy trap, a hostile toJSON). */
export const UNREADABLE_MARKER = '[Unreadable]';
/** Key of the entry that says how many keys an object lost to the bounds. */
export const MORE_KEYS_KEY = '…';

/** Characters JSON.stringify escapes (surrogates: lone ones are escaped, pairs are measured exactly). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters JSON escapes
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Below this length a character loop finds what JSON escapes sooner than the regex's call does. */
const SHORT_TEXT = 32;

function needsJsonEscape(text: string): boolean {
  if (text.length > SHORT_TEXT) return NEEDS_JSON_ESCAPE.test(text);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

/** Length of `JSON.stringify(text)`, without building it in the common case of nothing to escape. */
function jsonLength(text: string): number {
  return needsJsonEscape(text) ? JSON.stringify(text).length : text.length + 2;
}

/**
 * How many leading characters of `text` (at most `limit`) fit in `room` characters of JSON text
 * (quotes excluded), never splitting a surrogate pair.
 */
function fittingPrefix(text: string, limit: number, room: number): number {
  if (room <= 0) return 0;
  if (!needsJsonEscape(text)) return Math.min(limit, room);
  let used = 0;
  let i = 0;
  while (i < limit) {
    const code = text.charCodeAt(i);
    let width = 1;
    let span = 1;
    if (code === 0x22 || code === 0x5c || code === 0x08 || code === 0x09 || code === 0x0a) width = 2;
    else if (code === 0x0c || code === 0x0d) width = 2;
    else if (code < 0x20) width = 6;
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      const paired = code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
      width = paired ? 2 : 6;
      span = paired ? 2 : 1;
    }
    if (i + span > limit || used + width > room) break;
    used += width;
    i += span;
  }
  return i;
}

export function resolveBounds(bounds: Partial<JsonBounds> | undefined): Readonly<JsonBounds> {
  // The defaults themselves, not a copy: the server bounds every event with them.
  if (bounds === undefined) return DEFAULT_JSON_BOUNDS;
  const resolved = { ...DEFAULT_JSON_BOUNDS };
  for (const name of Object.keys(DEFAULT_JSON_BOUNDS) as (keyof JsonBounds)[]) {
    const given = bounds[name];
    // A missing, negative or NaN bound falls back to the default rather than disabling the limit.
    if (typeof given === 'number' && given >= 0) resolved[name] = Math.floor(given);
  }
  return resolved;
}

/** The first `limit` items of an iterable, so huge Sets and Maps cost no more than the bounds allow. */
function firstItems<T>(items: Iterable<T>, limit: number): T[] {
  const out: T[] = [];
  if (limit <= 0) return out;
  for (const item of items) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}

function describeBinary(value: object): string | undefined {
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return `[DataView(${value.byteLength} bytes)]`;
    const kind = Object.prototype.toString.call(value).slice(8, -1);
    return `[${kind}(${(value as Uint8Array).length})]`;
  }
  if (value instanceof ArrayBuffer) return `[ArrayBuffer(${value.byteLength} bytes)]`;
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) {
    return `[SharedArrayBuffer(${value.byteLength} bytes)]`;
  }
  return undefined;
}

/** Fields kept from an Error: the useful standard ones first (so the budget keeps them), then its own. */
const ERROR_FIELDS = ['name', 'message', 'code', 'status', 'stack', 'cause', 'errors'] as const;

function readGuarded(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return UNREADABLE_MARKER;
  }
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const source = error as unknown as Record<string, unknown>;
  for (const name of ERROR_FIELDS) {
    const value = readGuarded(() => source[name]);
    if (value !== undefined) fields[name] = value;
  }
  for (const key of Object.keys(error)) {
    if (!Object.hasOwn(fields, key))
      setOwnProperty(
        fields,
        key,
        readGuarded(() => source[key]),
      );
  }
  return fields;
}

/**
 * Sees each entry of a copy as it is written, so that a pass over the copy (redaction:
 * redactedJsonSafe) can ride the copy's walk instead of walking and copying it again.
 */
export interface CopyWatcher {
  /**
   * Whether the value about to be written at `holder[key]` (the key as written) is to be hidden.
   * It is still copied, and spends the budget as any value does, but nothing inside it is watched.
   */
  hides(holder: Record<string, unknown>, key: string): boolean;
  /** A value copied into `holder[key]` (`hidden` as `hides` said); returns what to write there instead. */
  written(
    holder: Record<string, unknown> | unknown[],
    key: string | number,
    value: unknown,
    hidden: boolean,
  ): unknown;
}

/**
 * What a string too long to be kept whole is cut from: `text`, and how many characters of the
 * string lie past it unread (redaction reads a long string only as far as its cut needs).
 */
export interface CutSource {
  text: string;
  unread: number;
}

/** One copy in progress: the budget left and the objects on the current path (for cycles). */
class BoundedCopier {
  private remaining: number;
  private readonly ancestors = new Set<object>();

  constructor(
    private readonly bounds: Readonly<JsonBounds>,
    private watcher: CopyWatcher | undefined,
    private readonly beforeCut: ((text: string, maxLength: number) => CutSource) | undefined,
  ) {
    this.remaining = bounds.maxTotalSize;
  }

  copy(value: unknown, depth: number): unknown {
    try {
      return this.convert(value, depth);
    } catch {
      return this.marker(UNREADABLE_MARKER);
    }
  }

  private convert(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        if (!Number.isFinite(value)) return this.nothing();
        // -0 prints as 0 in JSON; normalising keeps the copy equal to its own round trip.
        return this.marker(value === 0 ? 0 : value);
      case 'boolean':
        return this.marker(value);
      case 'bigint':
        return this.string(value.toString());
      case 'symbol':
        return this.string(`[${value.toString()}]`);
      case 'function':
        return this.string(value.name ? `[Function: ${String(value.name)}]` : '[Function]');
      case 'undefined':
        return this.nothing();
    }
    if (value === null) return this.nothing();
    return this.object(value as object, depth);
  }

  private object(value: object, depth: number): unknown {
    // Plain objects and arrays (nearly all JSON a client sends) are none of the special kinds
    // below, so they skip the checks; binary views are recognised by their slots, not prototype.
    const prototype = Object.getPrototypeOf(value);
    if (
      (prototype === Object.prototype || prototype === Array.prototype || prototype === null) &&
      !ArrayBuffer.isView(value)
    ) {
      return this.nested(value, depth);
    }
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? this.nothing() : this.string(value.toISOString());
    }
    const binary = describeBinary(value);
    if (binary !== undefined) return this.string(binary);
    if (
      value instanceof Number ||
      value instanceof String ||
      value instanceof Boolean ||
      value instanceof BigInt ||
      value instanceof Symbol
    ) {
      return this.convert(value.valueOf(), depth);
    }
    if (value instanceof RegExp) return this.string(String(value));
    return this.nested(value, depth);
  }

  /** A container, unless it is on the current path or past the depth bound. */
  private nested(value: object, depth: number): unknown {
    if (this.ancestors.has(value)) return this.marker(CIRCULAR_MARKER);
    if (depth >= this.bounds.maxDepth) return this.marker(MAX_DEPTH_MARKER);
    this.ancestors.add(value);
    try {
      return this.container(value, depth);
    } finally {
      this.ancestors.delete(value);
    }
  }

  private container(value: object, depth: number): unknown {
    const { maxKeys, maxItems } = this.bounds;
    if (value instanceof Error) {
      const fields = errorFields(value);
      const keys = Object.keys(fields);
      return this.record(keys, (key) => fields[key], keys.length, depth);
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const replaced: unknown = toJSON.call(value, '');
      // Deeper on purpose: a toJSON that keeps returning fresh objects must still hit maxDepth.
      if (replaced !== value) return this.copy(replaced, depth + 1);
    }
    if (value instanceof Map) {
      const entries = firstItems(value.entries(), Math.max(maxKeys, maxItems));
      // String-keyed Maps are dictionaries (headers, options): as objects, redaction by key name still works.
      if (entries.every(([key]) => typeof key === 'string')) {
        const kept = new Map(entries.slice(0, maxKeys));
        return this.record([...kept.keys()], (key) => kept.get(key), value.size, depth);
      }
      return this.list(entries.slice(0, maxItems), value.size, depth);
    }
    if (value instanceof Set) return this.list(firstItems(value, maxItems), value.size, depth);
    if (Array.isArray(value)) return this.list(value, value.length, depth);
    const source = value as Record<string, unknown>;
    const keys = Object.keys(source);
    return this.record(keys, (key) => source[key], keys.length, depth);
  }

  /** `total` may exceed `keys.length` when only the first keys of a huge Map were materialised. */
  private record(
    keys: readonly string[],
    read: (key: string) => unknown,
    total: number,
    depth: number,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.remaining -= 2;
    let written = 0;
    let consumed = 0;
    for (; consumed < keys.length; consumed++) {
      if (written >= this.bounds.maxKeys || this.remaining <= 0) break;
      const key = keys[consumed]!;
      const item = readGuarded(() => read(key));
      if (item === undefined) continue;
      if (written > 0) this.remaining -= 1;
      const safeKey = this.string(key);
      this.remaining -= 1;
      setOwnProperty(out, safeKey, this.entry(out, safeKey, item, depth + 1));
      written++;
    }
    const dropped = total - consumed;
    if (dropped > 0) {
      if (written > 0) this.remaining -= 1;
      this.remaining -= jsonLength(MORE_KEYS_KEY) + 1;
      const hidden = this.watcher?.hides(out, MORE_KEYS_KEY) ?? false;
      setOwnProperty(
        out,
        MORE_KEYS_KEY,
        this.watched(out, MORE_KEYS_KEY, this.marker(`[${dropped} more keys]`), hidden),
      );
    }
    return out;
  }

  private list(items: ArrayLike<unknown>, total: number, depth: number): unknown[] {
    const out: unknown[] = [];
    this.remaining -= 2;
    const limit = Math.min(items.length, this.bounds.maxItems);
    let taken = 0;
    for (; taken < limit && this.remaining > 0; taken++) {
      if (taken > 0) this.remaining -= 1;
      const item = readGuarded(() => items[taken]);
      out.push(this.watched(out, taken, this.copy(item, depth + 1), false));
    }
    if (taken < total) {
      if (taken > 0) this.remaining -= 1;
      out.push(this.watched(out, out.length, this.marker(`…[${total - taken} more]`), false));
    }
    return out;
  }

  /** The copy of `item`, an object's entry, as the watcher (if any) has it written at `holder[key]`. */
  private entry(holder: Record<string, unknown>, key: string, item: unknown, depth: number): unknown {
    const watcher = this.watcher;
    if (watcher === undefined) return this.copy(item, depth);
    const hidden = watcher.hides(holder, key);
    // Nothing inside a hidden value is watched; copy never throws, so the watcher always comes back.
    if (hidden) this.watcher = undefined;
    const copied = this.copy(item, depth);
    this.watcher = watcher;
    return watcher.written(holder, key, copied, hidden);
  }

  private watched(
    holder: Record<string, unknown> | unknown[],
    key: string | number,
    value: unknown,
    hidden: boolean,
  ): unknown {
    return this.watcher === undefined ? value : this.watcher.written(holder, key, value, hidden);
  }

  /**
   * A string cut to the length bound and to the budget left; the cut is marked with its size.
   * A string to be cut is first given to `beforeCut` (redaction), and the cut made in what it
   * returns: cut first, a secret across the cut would keep a head too short to be recognised.
   */
  private string(text: string): string {
    const whole = this.whole(text);
    if (whole !== undefined) return whole;
    const { maxStringLength } = this.bounds;
    const source = this.beforeCut?.(text, maxStringLength) ?? { text, unread: 0 };
    const cutFrom = source.text;
    if (cutFrom !== text) {
      const shorter = this.whole(cutFrom);
      if (shorter !== undefined) return shorter;
    }
    // One character past the limit, so a surrogate pair straddling it is seen and not split.
    const head = cutFrom.length > maxStringLength ? cutFrom.slice(0, maxStringLength + 1) : cutFrom;
    const keep = fittingPrefix(head, Math.min(cutFrom.length, maxStringLength), this.remaining - 2);
    return this.marker(`${head.slice(0, keep)}…[truncated ${cutFrom.length - keep + source.unread} chars]`);
  }

  /** `text` whole, charged to the budget, if it is within the length bound and the budget left. */
  private whole(text: string): string | undefined {
    if (text.length > this.bounds.maxStringLength) return undefined;
    const length = jsonLength(text);
    if (length > this.remaining) return undefined;
    this.remaining -= length;
    return text;
  }

  /** A value written whatever the budget (markers must survive), still charged to it. */
  private marker<T extends string | number | boolean>(value: T): T {
    this.remaining -= typeof value === 'string' ? jsonLength(value) : String(value).length;
    return value;
  }

  private nothing(): null {
    this.remaining -= 4;
    return null;
  }
}

/**
 * A JSON-safe, bounded copy of anything an agent passes to or gets from a function: the result
 * contains only plain objects, arrays, strings, finite numbers, booleans and null, so
 * `JSON.parse(JSON.stringify(result))` equals it. Never throws and never mutates its input.
 *
 * Cycles become `"[Circular]"`; BigInt a decimal string; Date its ISO string (invalid: null);
 * Errors `{ name, message, code, status, stack, cause, errors, …own fields }`; Maps with string
 * keys objects, other Maps `[key, value]` pairs; Sets arrays; binary data a summary such as
 * `"[Uint8Array(1024)]"`; functions and symbols marker strings; undefined is dropped from
 * objects and null in arrays, like JSON; NaN and ±Infinity null; class instances their own
 * enumerable properties; a value whose getter or Proxy trap throws `"[Unreadable]"`; `toJSON` is
 * honoured as JSON.stringify would.
 */
export function toJsonSafe(value: unknown, bounds?: Partial<JsonBounds>): unknown {
  return watchedJsonSafe(value, resolveBounds(bounds), undefined);
}

/**
 * toJsonSafe with resolved bounds, each entry of the copy shown to `watcher` as it is written, and
 * each string too long to be kept whole cut from what `beforeCut` makes of it (a redacted head of
 * it, at least `maxLength` long unless it is all of it); the cut marker counts what is unread too.
 */
export function watchedJsonSafe(
  value: unknown,
  bounds: Readonly<JsonBounds>,
  watcher: CopyWatcher | undefined,
  beforeCut?: (text: string, maxLength: number) => CutSource,
): unknown {
  return new BoundedCopier(bounds, watcher, beforeCut).copy(value, 0);
}
