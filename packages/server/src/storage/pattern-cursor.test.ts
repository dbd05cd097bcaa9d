import { describe, expect, it } from 'vitest';
import { decodePatternCursor, encodePatternCursor, InvalidCursorError } from './pattern-cursor.js';

describe('pattern cursor', () => {
  it('refuses a forged cursor whose id holds U+0000 (PostgreSQL would fail on it)', () => {
    const forged = Buffer.from(JSON.stringify(['occurrences', 3, 'pat_\u0000x'])).toString('base64url');
    expect(() => decodePatternCursor(forged, 'occurrences')).toThrow(InvalidCursorError);
  });

  it('round-trips and is URL-safe', () => {
    const cursor = { sort: 'lastSeen' as const, value: 1_700_000_000_000, id: 'p/+é' };
    const text = encodePatternCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePatternCursor(text, 'lastSeen')).toEqual(cursor);
  });

  it.each([
    ['garbage', '%%%'],
    ['another sort', encodePatternCursor({ sort: 'occurrences', value: 1, id: 'a' })],
    ['a fraction', Buffer.from(JSON.stringify(['lastSeen', 1.5, 'a'])).toString('base64url')],
    ['a missing id', Buffer.from(JSON.stringify(['lastSeen', 1])).toString('base64url')],
  ])('rejects %s', (_, text) => {
    expect(() => decodePatternCursor(text, 'lastSeen')).toThrow(InvalidCursorError);
  });
});
