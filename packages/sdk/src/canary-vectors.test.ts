import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canaryVectors } from './canary-vectors.fixture.js';

describe('shared canary vectors', () => {
  it('the committed file holds exactly the arms this SDK assigns (npm run vectors rewrites it)', () => {
    const file = new URL('../test-vectors/canary.json', import.meta.url);
    const committed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const vectors = canaryVectors();
    expect(committed).toEqual(vectors);
    // Both arms and the two edges occur, so a port that always answers one arm cannot pass.
    expect(new Set(vectors.map((v) => v.arm))).toEqual(new Set(['treatment', 'control']));
  });
});
