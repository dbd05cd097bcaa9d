import { canonicalJson } from '../canonical-json.js';
import type { FewShotExample, FewShotFix } from '../fix-types.js';
import { cosineSimilarity, type MessageVector, messageVector } from '../message-similarity.js';
import { memoizePerObject } from '../per-object-memo.js';
import { type RandomSeed, SeededRandom } from '../seeded-random.js';
import { type CandidateFix, candidateFix } from './candidate-fix.js';
import type { CandidateGeneratorInput, SuccessExample } from './generator-input.js';

export interface FewShotMiningOptions {
  /** Examples to pick (default 3). */
  count?: number;
  /** Seeds the first pick (default 0). */
  seed?: RandomSeed;
  /** Longest example kept, in characters of its JSON (default 1500): long examples cost every call tokens. */
  maxChars?: number;
}

/** Candidates are drawn from the shortest `count × POOL_FACTOR` distinct examples. */
const POOL_FACTOR = 4;

interface Entry {
  example: SuccessExample;
  text: string;
  /** Computed when the entry first enters a pool. */
  vector?: MessageVector;
}

/**
 * The distinct examples up to a length (by canonical JSON), shortest first, per successes array and
 * length. A learner gives every pattern of a function the same array, and only the seed differs
 * between them: this is the costly part of mining, paid once per array. Arrays are taken as the
 * immutable values their type says they are.
 */
const distinctByLength = memoizePerObject(
  (_successes: readonly SuccessExample[]) => new Map<number, Entry[]>(),
);

function distinctShortestFirst(successes: readonly SuccessExample[], maxChars: number): Entry[] {
  const byLength = distinctByLength(successes);
  let entries = byLength.get(maxChars);
  if (entries === undefined) {
    const byText = new Map<string, SuccessExample>();
    for (const example of successes) {
      if (example.input === undefined || example.output === undefined) continue;
      const text = canonicalJson({ input: example.input, output: example.output });
      if (text.length <= maxChars && !byText.has(text)) byText.set(text, example);
    }
    entries = [...byText.entries()]
      .sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))
      .map(([text, example]) => ({ example, text }));
    byLength.set(maxChars, entries);
  }
  return entries;
}

const vectorOf = (entry: Entry): MessageVector => (entry.vector ??= messageVector(entry.text));

/**
 * Few-shot examples mined from successful calls of the same function: short and diverse. The
 * distinct examples (by canonical JSON) up to `maxChars` form a pool of the shortest ones; the first
 * pick is uniform over the pool under the seed, and each next pick is the pool example farthest from
 * those already picked (largest minimum of 1 − cosine similarity of their texts' n-gram vectors,
 * ties to the shorter), so the examples cover different shapes of input rather than one shape
 * thrice. Deterministic given the seed.
 */
export function mineFewShotExamples(
  successes: readonly SuccessExample[],
  options: FewShotMiningOptions = {},
): FewShotExample[] {
  const count = options.count ?? 3;
  const maxChars = options.maxChars ?? 1500;
  if (!(Number.isInteger(count) && count >= 0))
    throw new RangeError(`count must be an integer >= 0, got ${count}`);
  if (!(Number.isInteger(maxChars) && maxChars > 0)) {
    throw new RangeError(`maxChars must be an integer > 0, got ${maxChars}`);
  }
  const pool = distinctShortestFirst(successes, maxChars).slice(0, count * POOL_FACTOR);
  if (pool.length <= count) return pool.map(toFewShot);

  const vectors = pool.map(vectorOf);
  const rng = new SeededRandom(options.seed ?? 0);
  const first = rng.nextInt(pool.length);
  const picked = [pool[first]!];
  // Distance of each pool entry to its nearest picked example.
  const nearest = vectors.map((v) => 1 - cosineSimilarity(v, vectors[first]!));
  while (picked.length < count) {
    let best = -1;
    for (let i = 0; i < pool.length; i++) {
      if (picked.includes(pool[i]!)) continue;
      if (best === -1 || nearest[i]! > nearest[best]!) best = i;
    }
    picked.push(pool[best]!);
    for (let i = 0; i < pool.length; i++) {
      nearest[i] = Math.min(nearest[i]!, 1 - cosineSimilarity(vectors[i]!, vectors[best]!));
    }
  }
  return picked.map(toFewShot);
}

function toFewShot(entry: Entry): FewShotExample {
  return { input: entry.example.input, output: entry.example.output };
}

/** Examples a per-input few-shot fix carries to choose from (default); fix-types bounds it. */
export const FEW_SHOT_POOL_SIZE = 24;

/**
 * A few-shot candidate whose examples are chosen per call (few-shot-selection.ts): a pool of
 * successful calls of the function, short and diverse, from which each call gets the
 * `fewShotCount` (default 3) whose inputs are most similar to its own. None when there are no
 * successful calls; a plain few-shot fix when there are no more of them than a call would get.
 */
export function nearestFewShotCandidate(
  input: CandidateGeneratorInput,
): (CandidateFix & { fix: FewShotFix }) | undefined {
  const nearest = input.fewShotCount ?? 3;
  const examples = mineFewShotExamples(input.successes, {
    count: Math.max(nearest, FEW_SHOT_POOL_SIZE),
    seed: input.seed ?? 0,
  });
  if (examples.length === 0) return undefined;
  if (examples.length <= nearest) return fewShotCandidate(input);
  const fix: FewShotFix = { type: 'few_shot', examples, nearest };
  return {
    ...candidateFix(
      fix,
      'mined',
      `Each call gets the ${nearest} of ${examples.length} successful calls of \`${input.pattern.function}\` whose inputs are most like its own, as examples.`,
    ),
    fix,
  };
}

/** A few-shot candidate mined from the input's successful calls, or none when there are none. */
export function fewShotCandidate(
  input: CandidateGeneratorInput,
): (CandidateFix & { fix: FewShotFix }) | undefined {
  const examples = mineFewShotExamples(input.successes, {
    count: input.fewShotCount ?? 3,
    seed: input.seed ?? 0,
  });
  if (examples.length === 0) return undefined;
  const fix: FewShotFix = { type: 'few_shot', examples };
  return {
    ...candidateFix(
      fix,
      'mined',
      `${examples.length} short, diverse successful calls of \`${input.pattern.function}\` shown as examples.`,
    ),
    fix,
  };
}
