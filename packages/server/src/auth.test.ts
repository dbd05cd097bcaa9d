import { describe, expect, it } from 'vitest';
import { parseBearer } from './auth.js';

describe('parseBearer', () => {
  it('takes the token of a Bearer header, scheme case-insensitive', () => {
    expect(parseBearer('Bearer arc_x')).toBe('arc_x');
    expect(parseBearer('bearer arc_x')).toBe('arc_x');
    expect(parseBearer('BEARER   arc_x ')).toBe('arc_x');
  });

  it('gives null for absent or malformed headers', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'arc_x',
      'Bearer a b',
      'Bearerarc_x',
    ]) {
      expect(parseBearer(header)).toBeNull();
    }
  });
});
