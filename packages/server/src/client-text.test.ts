import { describe, expect, it } from 'vitest';
import { clientIdentifier, clientJson, clientText } from './client-text.js';

const KEY = 'sk-proj-Hn3K9_xq2LmV8wRt-4YbZc1NdPe7FgQj5Sa0UoIi6ThGk2Jr';

describe('client text', () => {
  it('cuts free text to its bound, marks the cut, redacts it and replaces NUL', () => {
    expect(clientText(`key ${KEY}\u0000 ok`, 100)).toBe('key [REDACTED:openai_key]\ufffd ok');
    const cut = clientText(`${'x'.repeat(50)} ${KEY}`, 20);
    expect(cut).toBe(`${'x'.repeat(20)}…[truncated 52 chars]`);
    expect(clientText('y'.repeat(100_000), 90_000)).toMatch(/^y{90000}…\[truncated 10000 chars\]$/);
  });

  it('redacts free text before it cuts it, so that a secret across the cut keeps no head', () => {
    expect(clientText(`${'x'.repeat(10)} ${KEY}`, 20)).toBe(
      `${'x'.repeat(10)} [REDACTED…[truncated 12 chars]`,
    );
  });

  it('bounds, redacts and cleans free JSON', () => {
    const copy = clientJson({ note: `use ${KEY}`, big: 'z'.repeat(900_000), nul: 'a\u0000b' });
    expect(JSON.stringify(copy).length).toBeLessThan(70_000);
    expect(copy).toMatchObject({ note: 'use [REDACTED:openai_key]', nul: 'a\ufffdb' });
  });

  it('keeps identifiers stable per credential and within their bound', () => {
    const id = clientIdentifier(`run ${KEY}\u0000`, 'credential-1', 200);
    expect(id).toMatch(/^run \[REDACTED:openai_key#[0-9a-f]{12}\]\ufffd$/);
    expect(clientIdentifier(`run ${KEY}\u0000`, 'credential-1', 200)).toBe(id);
    expect(clientIdentifier(`run ${KEY}\u0000`, 'credential-2', 200)).not.toBe(id);
    expect(clientIdentifier('plain-id', 'credential-1', 200)).toBe('plain-id');
  });
});
