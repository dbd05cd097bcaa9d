import { describe, expect, it } from 'vitest';
import { storableJson, storableText } from './storable-text.js';

describe('storableText', () => {
  it('replaces U+0000 and unpaired surrogate halves with U+FFFD', () => {
    expect(storableText('a\u0000b')).toBe('a\ufffdb');
    expect(storableText('x\ud800y')).toBe('x\ufffdy');
    expect(storableText('x\udfffy')).toBe('x\ufffdy');
    expect(storableText('\udc00\ud800')).toBe('\ufffd\ufffd');
    expect(storableText('end\ud83d')).toBe('end\ufffd');
  });

  it('keeps everything else, surrogate pairs included', () => {
    for (const text of ['', 'plain', 'emoji 😀 ok', 'tab\tnew\nline', '\u0001\u001f', 'ünïcødé 中文']) {
      expect(storableText(text)).toBe(text);
    }
  });
});

describe('storableJson', () => {
  it('cleans strings and keys at every level, keeps other values', () => {
    expect(
      storableJson({ 'k\u0000': ['v\ud800', 1, true, null, { deep: '\u0000' }], n: 2.5, __proto__x: 'ok' }),
    ).toEqual({ 'k\ufffd': ['v\ufffd', 1, true, null, { deep: '\ufffd' }], n: 2.5, __proto__x: 'ok' });
  });

  it('keeps a __proto__ key as a plain property', () => {
    const copy = storableJson(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
