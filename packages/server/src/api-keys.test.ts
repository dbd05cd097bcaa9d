import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, apiKeyPrefix, generateApiKey, hashApiKey, hasScope, isApiKey } from './api-keys.js';

describe('api keys', () => {
  it('are arc_ plus 32 base64url characters, all different', () => {
    const keys = Array.from({ length: 1000 }, generateApiKey);
    for (const key of keys) expect(key).toMatch(API_KEY_PATTERN);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('are hashed with SHA-256 (hex)', () => {
    // Known vector: SHA-256("abc").
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('show only arc_ and four characters as prefix', () => {
    expect(apiKeyPrefix('arc_k1Fz0123456789abcdefghijklmnopq')).toBe('arc_k1Fz');
  });

  it('accept generated keys and chosen ones of 16 to 128 characters; nothing else', () => {
    expect(isApiKey(`arc_${'a'.repeat(32)}`)).toBe(true);
    expect(isApiKey(`arc_${'a'.repeat(16)}`)).toBe(true);
    expect(isApiKey(`arc_${'a'.repeat(128)}`)).toBe(true);
    for (const bad of [
      '',
      'arc_',
      `arc_${'a'.repeat(15)}`,
      `arc_${'a'.repeat(129)}`,
      `ARC_${'a'.repeat(32)}`,
      `arc_${'a'.repeat(31)}=`,
      `arc_${'a'.repeat(31)}.`,
    ]) {
      expect(isApiKey(bad)).toBe(false);
    }
  });

  it('let admin stand for every scope', () => {
    expect(hasScope(['admin'], 'read')).toBe(true);
    expect(hasScope(['admin'], 'ingest')).toBe(true);
    expect(hasScope(['read'], 'read')).toBe(true);
    expect(hasScope(['ingest', 'worker'], 'read')).toBe(false);
    expect(hasScope(['read'], 'admin')).toBe(false);
  });
});
