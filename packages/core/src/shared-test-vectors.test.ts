import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactedJsonSafe } from './redact-secrets.js';
import { SECRET_CORPUS } from './secret-corpus.fixture.js';
import {
  decodeVectorInput,
  redactionVectors,
  redactOptions,
  sharedTestVectors,
} from './shared-test-vectors.fixture.js';

const read = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../test-vectors/${name}`, import.meta.url), 'utf8'));

describe('shared test vectors', () => {
  for (const [name, vectors] of Object.entries(sharedTestVectors())) {
    it(`${name} holds exactly what core computes now (npm run vectors rewrites it)`, () => {
      expect(read(name)).toEqual(vectors);
    });
  }

  it('value vectors: redactedJsonSafe, what the SDK and the server use, gives each expected copy', () => {
    const values = redactionVectors().filter((vector) => vector.kind === 'value');
    expect(values.length).toBeGreaterThan(0);
    for (const { input, bounds, options, expected } of values) {
      expect(redactedJsonSafe(decodeVectorInput(input), bounds, redactOptions(options))).toStrictEqual(
        expected,
      );
    }
  });

  it('stores inputs so that no secret of the corpus appears whole in the file', () => {
    const text = readFileSync(new URL('../test-vectors/redaction.json', import.meta.url), 'utf8');
    for (const { secret } of SECRET_CORPUS) expect(text).not.toContain(secret);
    const first = redactionVectors()[0]!;
    expect(decodeVectorInput(first.input)).toBe(SECRET_CORPUS[0]!.context);
  });
});
