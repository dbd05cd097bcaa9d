// Few-shot examples chosen per call (DESIGN.md section 5): a few-shot fix with `nearest: k` carries
// a pool of examples, and each call gets the k whose inputs are most similar to its own. Similarity
// is core's message similarity (hashed character 3-grams, cosine) over a canonical text of each
// input, so it needs no embeddings and gives the same choice for the same input everywhere.

import { canonicalJson } from './canonical-json.js';
import type { FewShotExample } from './fix-types.js';
import { toJsonSafe } from './json-safe-copy.js';
import { cosineSimilarity, type MessageVector, messageVector } from './message-similarity.js';

/** Characters of an input compared at most: enough to tell tasks apart, bounded work per call. */
export const MAX_SIMILARITY_TEXT = 4_000;
const TEXT_BOUNDS = { maxStringLength: MAX_SIMILARITY_TEXT, maxTotalSize: 4 * MAX_SIMILARITY_TEXT };

/** The text an input is compared by: a string as it is, anything else as canonical JSON; bounded. */
export function similarityText(value: unknown): string {
  const text = typeof value === 'string' ? value : canonicalJson(toJsonSafe(value, TEXT_BOUNDS));
  return text.length > MAX_SIMILARITY_TEXT ? text.slice(0, MAX_SIMILARITY_TEXT) : text;
}

/** The input side of an example: its input, or the user turns of a literal exchange. */
export function exampleInputText(example: FewShotExample): string {
  if (!('messages' in example)) return similarityText(example.input);
  return similarityText(
    example.messages
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join('\n'),
  );
}

/** The vectors `nearestExamples` compares a pool by; worth keeping while the pool is. */
export function exampleVectors(pool: readonly FewShotExample[]): MessageVector[] {
  return pool.map((example) => messageVector(exampleInputText(example)));
}

/**
 * The `k` examples of `pool` whose inputs are most similar to `input`, ties to the earlier in the
 * pool, ordered from the least to the most similar so that the nearest example comes last, right
 * before the call's own input (the order Liu et al. 2021 found to work best for retrieved examples).
 */
export function nearestExamples(
  pool: readonly FewShotExample[],
  input: unknown,
  k: number,
  vectors: readonly MessageVector[] = exampleVectors(pool),
): FewShotExample[] {
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`k must be an integer >= 0, got ${k}`);
  if (vectors.length !== pool.length) throw new RangeError('one vector per pool example is needed');
  if (k >= pool.length) return [...pool];
  const query = messageVector(similarityText(input));
  return pool
    .map((example, index) => ({ example, index, score: cosineSimilarity(query, vectors[index]!) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k)
    .reverse()
    .map((entry) => entry.example);
}
