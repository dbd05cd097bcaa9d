// Text every database can store. JSON strings may hold U+0000 and unpaired surrogate halves, but
// PostgreSQL text columns refuse U+0000 and its json type refuses unpaired surrogates (which
// JSON.stringify writes as escapes such as \ud800). Each becomes U+FFFD, the replacement
// character, as a UTF-8 decoder would show it; everything else is kept as sent.

// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what must go
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\ufffd');
}

/** A copy of a JSON value with every string and key made storable. Recursive: bound depth first (toJsonSafe). */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, so that a key such as `__proto__` stays a plain property.
    Object.defineProperty(out, storableText(key), {
      value: storableJson(item),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
