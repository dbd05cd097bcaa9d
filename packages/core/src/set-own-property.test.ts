import { describe, expect, it } from 'vitest';
import { setOwnProperty } from './set-own-property.js';

describe('setOwnProperty', () => {
  it('sets ordinary keys', () => {
    const target: Record<string, unknown> = {};
    setOwnProperty(target, 'a', 1);
    expect(target).toEqual({ a: 1 });
  });

  it('keeps "__proto__" as an own key, as JSON.parse does, without touching the prototype', () => {
    const target: Record<string, unknown> = {};
    setOwnProperty(target, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['__proto__']);
    expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":true}}');
    expect(JSON.stringify(target)).toBe(JSON.stringify(JSON.parse('{"__proto__":{"polluted":true}}')));
  });
});
