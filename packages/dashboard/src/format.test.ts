import { describe, expect, it } from 'vitest';
import { ago, count, duration, percent, points, shortId, words } from './format.js';

describe('format', () => {
  it('writes shares, differences and counts', () => {
    expect(percent(0.4567)).toBe('45.7%');
    expect(percent(1, 0)).toBe('100%');
    expect(points(0.123)).toBe('+12.3 pp');
    expect(points(-0.05)).toBe('−5.0 pp');
    expect(points(-0.0001)).toBe('±0.0 pp');
    expect(count(950)).toBe('950');
    expect(count(2.25)).toBe('2.3');
    expect(count(1_200)).toBe('1.2k');
    expect(count(12_345)).toBe('12.3k');
    expect(count(4_500_000)).toBe('4.5M');
  });

  it('writes durations coarsely and times as how long ago', () => {
    expect(duration(44_600)).toBe('45 s');
    expect(duration(12 * 60_000)).toBe('12 min');
    expect(duration(3 * 3_600_000 + 20 * 60_000)).toBe('3 h 20 min');
    expect(duration(2 * 3_600_000 + 59.9 * 60_000)).toBe('3 h');
    expect(duration(2 * 86_400_000 + 4 * 3_600_000)).toBe('2 d 4 h');
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(ago('2026-01-01T11:59:55Z', now)).toBe('just now');
    expect(ago('2026-01-01T11:55:00Z', now)).toBe('5 min ago');
  });

  it('shortens ids and spells identifiers', () => {
    expect(shortId('0123456789abcdef')).toBe('01234567…');
    expect(shortId('abc')).toBe('abc');
    expect(words('rate_limit')).toBe('rate limit');
  });
});
