// Few-shot examples chosen per call (DESIGN.md section 5): a few-shot fix with `nearest: k` carries
// a pool of examples, and each call gets the k whose inputs are most similar to its own. Inputs
// are compared as core's message vectors (hashed character 3-grams) of a canonical text, weighted
// by how rare each 3-gram is in the pool (smooth inverse document frequency, idf = ln((1 + n) /
// (1 + df)) + 1, as scikit-learn's TfidfVectorizer), by cosine. The weighting matters: an agent's
// inputs share a template ("What is the weather in …?", the same system prompt), which plain
// n-gram similarity would let decide; what tells inputs apart is what they do not share. No
// embeddings, and the same choice for the same input everywhere.

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

/** A pool ready to be searched: worth keeping while the pool is (a fix applies to many calls). */
export interface ExampleIndex {
  readonly examples: readonly FewShotExample[];
  /** Inverse document frequency of each 3-gram bucket of the pool. */
  readonly idf: ReadonlyMap<number, number>;
  /** Each example's input vector, weighted by `idf` and unit length. */
  readonly vectors: readonly MessageVector[];
}

function weighted(vector: MessageVector, idf: (bucket: number) => number): MessageVector {
  const values = new Float64Array(vector.values.length);
  let norm = 0;
  vector.indices.forEach((bucket, i) => {
    values[i] = vector.values[i]! * idf(bucket);
    norm += values[i]! * values[i]!;
  });
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < values.length; i++) values[i]! /= norm;
  return { indices: vector.indices, values };
}

export function indexExamples(examples: readonly FewShotExample[]): ExampleIndex {
  const raw = examples.map((example) => messageVector(exampleInputText(example)));
  const df = new Map<number, number>();
  for (const vector of raw) for (const bucket of vector.indices) df.set(bucket, (df.get(bucket) ?? 0) + 1);
  const n = examples.length;
  const idf = new Map<number, number>();
  for (const [bucket, count] of df) idf.set(bucket, Math.log((1 + n) / (1 + count)) + 1);
  return { examples, idf, vectors: raw.map((v) => weighted(v, (b) => idf.get(b)!)) };
}

/**
 * The `k` examples of the pool whose inputs are most similar to `input`, ties to the earlier in the
 * pool, ordered from the least to the most similar so that the nearest example comes last, right
 * before the call's own input (the order Liu et al. 2021 found to work best for retrieved examples).
 */
export function nearestExamples(index: ExampleIndex, input: unknown, k: number): FewShotExample[] {
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`k must be an integer >= 0, got ${k}`);
  const { examples, idf, vectors } = index;
  if (k >= examples.length) return [...examples];
  // A 3-gram the pool lacks weighs as one in no example: it only scales every score alike.
  const unseen = Math.log(1 + examples.length) + 1;
  const query = weighted(messageVector(similarityText(input)), (b) => idf.get(b) ?? unseen);
  return examples
    .map((example, i) => ({ example, i, score: cosineSimilarity(query, vectors[i]!) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, k)
    .reverse()
    .map((entry) => entry.example);
}
