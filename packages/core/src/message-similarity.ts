/**
 * Message similarity for transferring fixes between patterns (DESIGN.md section 4): each message
 * becomes a sparse vector of hashed character 3-gram counts in 2^12 buckets, L2-normalised, and two
 * messages are as similar as the cosine of their vectors. Character n-grams make near-duplicates
 * (`… on tokens per min (TPM)` / `… on requests per min (RPM)`) close without any vocabulary.
 */

export const NGRAM = 3;
export const BUCKET_BITS = 12;
const BUCKETS = 1 << BUCKET_BITS;

/** Sparse unit vector: strictly increasing bucket indices and their weights. */
export type MessageVector = { readonly indices: Uint16Array; readonly values: Float64Array };

/** Reused between calls: the dense counts of the message being vectorised. Always left zeroed. */
const scratch = new Float64Array(BUCKETS);

function ngramBucket(text: string, start: number): number {
  // FNV-1a over the n-gram's UTF-16 code units.
  let hash = 0x811c9dc5;
  for (let i = start; i < start + NGRAM; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (BUCKETS - 1);
}

export function messageVector(message: string): MessageVector {
  // Case and spacing carry no meaning here; the padding gives short words their edge n-grams.
  const text = ` ${message.toLowerCase().replace(/\s+/g, ' ').trim()} `;
  const touched: number[] = [];
  for (let i = 0; i + NGRAM <= text.length; i++) {
    const bucket = ngramBucket(text, i);
    if (scratch[bucket] === 0) touched.push(bucket);
    scratch[bucket]! += 1;
  }
  touched.sort((a, b) => a - b);
  let norm = 0;
  for (const bucket of touched) norm += scratch[bucket]! * scratch[bucket]!;
  norm = Math.sqrt(norm);
  const indices = new Uint16Array(touched);
  const values = new Float64Array(touched.length);
  touched.forEach((bucket, i) => {
    values[i] = scratch[bucket]! / norm;
    scratch[bucket] = 0;
  });
  return { indices, values };
}

/** Cosine similarity of two message vectors, in [0, 1]; 0 when either is empty. */
export function cosineSimilarity(a: MessageVector, b: MessageVector): number {
  let dot = 0;
  let i = 0;
  let j = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const ai = a.indices[i]!;
    const bj = b.indices[j]!;
    if (ai === bj) dot += a.values[i++]! * b.values[j++]!;
    else if (ai < bj) i++;
    else j++;
  }
  // Both are unit vectors, so the dot product is the cosine; clamp rounding past 1.
  return Math.min(1, dot);
}

export type SimilarMessage = { id: string; message: string; score: number };

/**
 * The `topK` candidates whose similarity to `query` is at least `threshold`, best first (ties by
 * id, so the order is deterministic).
 */
export function findSimilar(
  query: string,
  candidates: readonly { id: string; message: string }[],
  options: { threshold?: number; topK?: number } = {},
): SimilarMessage[] {
  const { threshold = 0.85, topK = 5 } = options;
  if (!(threshold >= 0 && threshold <= 1))
    throw new RangeError(`threshold must be in [0, 1], got ${threshold}`);
  if (!Number.isInteger(topK) || topK < 0)
    throw new RangeError(`topK must be a non-negative integer, got ${topK}`);
  const q = messageVector(query);
  const hits: SimilarMessage[] = [];
  for (const { id, message } of candidates) {
    const score = cosineSimilarity(q, messageVector(message));
    if (score >= threshold) hits.push({ id, message, score });
  }
  hits.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return hits.slice(0, topK);
}
