import { describe, expect, it } from 'vitest';
import { nextEventId } from './event-id.js';

describe('nextEventId', () => {
  it('gives distinct ids that fit the server bound on ids', () => {
    const ids = Array.from({ length: 10_000 }, nextEventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length <= 200 && /^[0-9a-f-]{36}-[0-9a-z]+$/.test(id))).toBe(true);
  });
});
