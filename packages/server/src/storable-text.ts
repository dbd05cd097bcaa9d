// Text every database can store. JSON strings may hold U+0000 and unpaired surrogate halves, but
// PostgreSQL text columns refuse U+0000 and its json type refuses unpaired surrogates (which
// JSON.stringify writes as escapes such as \ud800). Each becomes U+FFFD, the replacement
// character, as a UTF-8 decoder would show it; everything else is kept as sent.

import { setOwnProperty } from '@arc-agent/core';

// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what must go
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// One character class: a fast first look, since almost all client text has neither U+0000 nor
// surrogates (emoji are pairs), and the full pattern's lookarounds cost every character.
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;

export function storableText(text: string): string {
  return MAYBE_UNSTORABLE.test(text) ? text.replace(UNSTORABLE, '\ufffd') : text;
}

/**
 * A JSON value with every string and key made storable: the value itself when nothing in it needs
 * changing (every caller hands in a copy of its own: toJsonSafe's, the redactors'), otherwise a copy
 * of what changed. Recursive: bound depth first (toJsonSafe). Looking allocates nothing (ingest
 * runs every event through here, and almost none needs a change); only a change copies.
 */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const storable = storableJson(item);
      if (storable !== item) {
        changed ??= [...value];
        changed[i] = storable;
      }
    }
    return changed ?? value;
  }
  const source = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  // for-in rather than Object.entries: no array per object; own keys only, as Object.entries.
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const item = source[key];
    const storableKey = storableText(key);
    const storable = storableJson(item);
    if (out === undefined) {
      if (storableKey === key && storable === item) continue;
      out = entriesBefore(source, key);
    }
    setOwnProperty(out, storableKey, storable);
  }
  return out ?? value;
}

/** A copy of `source`'s own entries before `key`: those needed no change. */
function entriesBefore(source: Record<string, unknown>, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const earlier in source) {
    if (earlier === key) break;
    if (!Object.hasOwn(source, earlier)) continue;
    setOwnProperty(out, earlier, source[earlier]);
  }
  return out;
}
