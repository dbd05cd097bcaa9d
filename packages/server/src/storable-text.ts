// Text every database can store. JSON strings may hold U+0000 and unpaired surrogate halves, but
// PostgreSQL text columns refuse U+0000 and its json type refuses unpaired surrogates (which
// JSON.stringify writes as escapes such as \ud800). Each becomes U+FFFD, the replacement
// character, as a UTF-8 decoder would show it; everything else is kept as sent.

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
 * of what changed. Recursive: bound depth first (toJsonSafe).
 */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    value.forEach((item, index) => {
      const storable = storableJson(item);
      if (storable !== item) {
        changed ??= [...value];
        changed[index] = storable;
      }
    });
    return changed ?? value;
  }
  const entries = Object.entries(value);
  const storable = entries.map(([key, item]) => [storableText(key), storableJson(item)] as const);
  if (storable.every(([key, item], i) => key === entries[i]![0] && item === entries[i]![1])) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of storable) {
    // defineProperty, so that a key such as `__proto__` stays a plain property.
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
