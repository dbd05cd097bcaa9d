import { describe, expect, it } from 'vitest';
import { decodePatternCursor, encodePatternCursor, InvalidCursorError } from './pattern-cursor.js';

describe('pattern cursor', () => {
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
