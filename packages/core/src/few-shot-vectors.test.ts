import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fewShotPickVectors } from './few-shot-vectors.fixture.js';

describe('shared few-shot pick vectors', () => {
  it('the committed file holds exactly the picks core makes (npm run vectors rewrites it)', () => {
    const file = new URL('../test-vectors/few-shot-picks.json', import.meta.url);
    const committed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(fewShotPickVectors())));
  });

  it('holds picks that differ by input, so a port that ignores the input cannot pass', () => {
    const vectors = fewShotPickVectors();
    const weather = vectors.filter(
      (v) => v.examples.length === 12 && v.nearest === 2 && typeof v.input === 'string',
    );
    expect(new Set(weather.map((v) => v.picks.join()))).toHaveProperty('size', weather.length);
    // The nearest comes last: right before the call's own input.
    expect(vectors.find((v) => v.name === 'template shared, city decides')!.picks.at(-1)).toBe(0);
    expect(vectors.find((v) => v.name === 'ties go to the earlier example')!.picks).toEqual([1, 0]);
  });
});
