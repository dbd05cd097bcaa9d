// The opaque cursor of listPatterns: the sort it belongs to and the (sort value, id) of the last
// row served, as base64url JSON. Keyset pagination, so pages stay stable while patterns change.

import type { PatternQuery } from './storage.js';

export interface PatternCursor {
  sort: PatternQuery['sort'];
  value: number;
  id: string;
}

/** A cursor that was not issued by listPatterns for the same sort order. */
export class InvalidCursorError extends Error {
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

export function encodePatternCursor(cursor: PatternCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString('base64url');
}

export function decodePatternCursor(text: string, sort: PatternQuery['sort']): PatternCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw new InvalidCursorError('not a cursor');
  const [cursorSort, value, id] = parsed as unknown[];
  if (cursorSort !== sort) throw new InvalidCursorError(`issued for sort ${String(cursorSort)}, not ${sort}`);
  // Pattern ids never hold U+0000 (PostgreSQL text cannot), so such a cursor was forged.
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    typeof id !== 'string' ||
    id.includes('\u0000')
  ) {
    throw new InvalidCursorError('not a cursor');
  }
  return { sort, value, id };
}
