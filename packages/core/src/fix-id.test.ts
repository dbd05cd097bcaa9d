import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { fixId } from './fix-id.js';

describe('fixId', () => {
  it('hashes the canonical JSON of the fix', () => {
    const text = '{"coerce":false,"json":true,"type":"output_repair"}';
    const expected = `fix_${bytesToHex(sha256(utf8ToBytes(text))).slice(0, 16)}`;
    expect(fixId({ type: 'output_repair', json: true, coerce: false })).toBe(expected);
    expect(fixId({ coerce: false, type: 'output_repair', json: true })).toBe(expected);
    expect(expected).toMatch(/^fix_[0-9a-f]{16}$/);
  });

  it('tells different fixes apart', () => {
    expect(fixId({ type: 'param_patch', params: { temperature: 0 } })).not.toBe(
      fixId({ type: 'param_patch', params: { temperature: 0.2 } }),
    );
  });
});
