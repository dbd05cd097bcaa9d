/**
 * JSON with object keys sorted (by UTF-16 code units) at every level, so equal data always gives the
 * same text whatever order its keys were written in: the basis of content hashes such as fix ids.
 * Values map as `JSON.stringify` maps them (undefined members dropped, undefined array items and
 * non-finite numbers become null); `toJSON` methods are not called, since only plain data is hashed.
 */
export function canonicalJson(value: unknown): string {
  return write(value, []) ?? 'null';
}

function write(value: unknown, ancestors: object[]): string | undefined {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') throw new TypeError('canonicalJson cannot serialise a bigint');
    return JSON.stringify(value);
  }
  if (ancestors.includes(value)) throw new TypeError('canonicalJson cannot serialise a circular structure');
  ancestors.push(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => write(item, ancestors) ?? 'null').join(',')}]`;
    const members: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const text = write((value as Record<string, unknown>)[key], ancestors);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.pop();
  }
}
