import fc from 'fast-check';
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

  it('hands back the value itself when nothing in it needs changing', () => {
    const value = { a: ['x', 1, { b: 'emoji 😀' }], 'k é': null };
    expect(storableJson(value)).toBe(value);
  });

  it('copies what changes and leaves the value it was given as it was', () => {
    const kept = { b: 'fine' };
    const value = { a: ['x', 'bad\u0000'], kept };
    const storable = storableJson(value) as { a: string[]; kept: unknown };
    expect(storable).toEqual({ a: ['x', 'bad\ufffd'], kept: { b: 'fine' } });
    expect(storable).not.toBe(value);
    expect(storable.kept).toBe(kept);
    expect(value.a[1]).toBe('bad\u0000');
  });

  it('gives what a full copy would give, for any JSON', () => {
    // The copy storableJson made of everything before it kept what needed no change.
    const fullCopy = (v: unknown): unknown =>
      typeof v === 'string'
        ? storableText(v)
        : Array.isArray(v)
          ? v.map(fullCopy)
          : typeof v === 'object' && v !== null
            ? Object.fromEntries(Object.entries(v).map(([k, item]) => [storableText(k), fullCopy(item)]))
            : v;
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.string({ unit: fc.constantFrom('a', '\u0000', '\ud800', '\udc00', '\ud83d\ude00') }),
        (json, text) => {
          const value = { json, text, [text]: [text] };
          expect(storableJson(value)).toEqual(fullCopy(value));
        },
      ),
    );
  });
});
