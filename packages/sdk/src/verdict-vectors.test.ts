import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verdictVectors } from './verdict-vectors.fixture.js';

describe('shared verdict vectors', () => {
  it('the committed file holds exactly what this SDK sends and counts (npm run vectors rewrites it)', async () => {
    const file = new URL('../test-vectors/verdicts.json', import.meta.url);
    const committed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const vectors = await verdictVectors();
    expect(committed).toEqual(JSON.parse(JSON.stringify(vectors)));
    // Sent, left out, counted wrong and counted as failed verifies all occur.
    expect(vectors.some((v) => v.expected.feedback.length === 0)).toBe(true);
    expect(vectors.some((v) => v.expected.feedback[0]?.input !== undefined)).toBe(true);
    expect(
      vectors.some((v) => v.expected.feedback.length === 1 && v.expected.feedback[0]!.input === undefined),
    ).toBe(true);
    expect(new Set(vectors.map((v) => v.expected.verifyFailures))).toEqual(new Set([0, 1]));
  });
});
