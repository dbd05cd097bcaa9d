// The hidden world of the curriculum simulation: a fleet's failure patterns, how often each fails,
// and how well each candidate fix would work, none of which the learner sees. It sees only what
// production would show it: failures with their counts, and rollout rewards.
import type { Fix } from '@arc-agent/core';
import { SeededRandom } from '@arc-agent/core';

export type PatternKind = 'hopeless' | 'solved' | 'learnable';

/** Shares of the three kinds of pattern, summing to 1. */
export interface FleetMix {
  name: string;
  hopeless: number;
  solved: number;
  learnable: number;
}

/**
 * The mixes the bench reports. `typical` is the headline: about half of a fleet's failure patterns
 * yield to a prompt, example, repair or retry fix, a third no candidate helps (the model cannot do
 * the task, a dependency is down), and a fifth are transient (replays pass with or without a fix).
 * `hard` and `easy` bracket it.
 */
export const MIXES: readonly FleetMix[] = [
  { name: 'typical', hopeless: 0.3, solved: 0.2, learnable: 0.5 },
  { name: 'hard', hopeless: 0.6, solved: 0.15, learnable: 0.25 },
  { name: 'easy', hopeless: 0.1, solved: 0.1, learnable: 0.8 },
];

export interface FleetParams {
  /** Patterns in the fleet, 50 to 500. */
  patterns: number;
  /** Zipf exponent s of pattern traffic: the pattern of rank r fails in proportion to 1 / r^s. */
  zipfExponent: number;
  /** Failures per learning step, all patterns together, with no fix deployed. */
  failuresPerStep: number;
  /** Patterns per tracked function, on average. */
  patternsPerFunction: number;
  /** Chance that a candidate breaks some of its function's working calls. */
  harmfulShare: number;
}

export const DEFAULT_FLEET_PARAMS: Omit<FleetParams, 'patterns'> = {
  zipfExponent: 1,
  failuresPerStep: 100,
  patternsPerFunction: 8,
  harmfulShare: 0.15,
};

export interface SimCandidate {
  id: string;
  fix: Fix;
  /** Share of the pattern's persistent failures it turns into successes. */
  effect: number;
  /** Share of its function's working calls it breaks. */
  harm: number;
}

export interface SimPattern {
  id: string;
  function: string;
  kind: PatternKind;
  /** Expected failures per step with no fix. */
  failuresPerStep: number;
  /**
   * Share of its failures that are transient: they fail in production whatever is deployed, and a
   * replay passes whatever is applied.
   */
  transient: number;
  candidates: SimCandidate[];
}

export interface SimFunction {
  name: string;
  /** Expected calls per step that do not fall into any pattern (they succeed unless a fix breaks them). */
  workingCallsPerStep: number;
}

export interface SimulatedFleet {
  mix: FleetMix;
  patterns: SimPattern[];
  functions: SimFunction[];
}

const uniformIn = (rng: SeededRandom, low: number, high: number) => low + (high - low) * rng.next();

/** Pattern count of a seed: log-uniform in [50, 500], the same for every mix and curriculum. */
export function patternCountOf(seed: number): number {
  return Math.round(50 * 10 ** new SeededRandom(`patterns:${seed}`).next());
}

function shuffled<T>(items: T[], rng: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Exactly round(share · n) patterns of each kind (learnable takes the rounding), in random order of traffic rank. */
function kindsOf(mix: FleetMix, n: number, rng: SeededRandom): PatternKind[] {
  const hopeless = Math.round(mix.hopeless * n);
  const solved = Math.round(mix.solved * n);
  const kinds: PatternKind[] = [
    ...Array<PatternKind>(hopeless).fill('hopeless'),
    ...Array<PatternKind>(solved).fill('solved'),
    ...Array<PatternKind>(n - hopeless - solved).fill('learnable'),
  ];
  return shuffled(kinds, rng);
}

/**
 * A fix of the kind production's generators make: instructions or examples (medium risk: a person
 * approves them) or a retry (low risk: auto-approved when clearly better).
 */
function fixOf(patternId: string, k: number, rng: SeededRandom): Fix {
  if (rng.next() < 0.4) {
    return {
      type: 'retry_policy',
      maxAttempts: 2 + k,
      baseDelayMs: 100,
      maxDelayMs: 2_000,
      jitter: 'full',
      retryOn: { categories: ['validation'], statuses: [] },
    };
  }
  return { type: 'prompt_adjustment', instructions: `Candidate ${k} for ${patternId}` };
}

/**
 * 3 to 6 candidates. Learnable patterns have one good candidate (two in three of ten), which turns
 * 50 % to 95 % of persistent failures into successes, among bad ones (half of them do nothing, half
 * help up to 30 %); hopeless and solved patterns have none that helps. Any candidate may break
 * 5 % to 50 % of its function's working calls (`harmfulShare`).
 */
function candidatesOf(patternId: string, kind: PatternKind, params: FleetParams, rng: SeededRandom) {
  const count = 3 + rng.nextInt(4);
  const good = kind !== 'learnable' ? 0 : Math.min(count, rng.next() < 0.3 ? 2 : 1);
  const goodAt = new Set(shuffled([...Array(count).keys()], rng).slice(0, good));
  return Array.from({ length: count }, (_, k): SimCandidate => {
    const effect = goodAt.has(k)
      ? uniformIn(rng, 0.5, 0.95)
      : kind === 'learnable' && rng.next() < 0.5
        ? uniformIn(rng, 0, 0.3)
        : 0;
    const harm = rng.next() < params.harmfulShare ? uniformIn(rng, 0.05, 0.5) : 0;
    return { id: `${patternId}:k${k}`, fix: fixOf(patternId, k, rng), effect, harm };
  });
}

/** The fleet of one seed under one mix. */
export function simulatedFleet(seed: number, mix: FleetMix, params: FleetParams): SimulatedFleet {
  const rng = new SeededRandom(`fleet:${seed}:${mix.name}`);
  const n = params.patterns;
  let harmonic = 0;
  for (let r = 1; r <= n; r++) harmonic += 1 / r ** params.zipfExponent;
  const functionCount = Math.max(1, Math.round(n / params.patternsPerFunction));
  const kinds = kindsOf(mix, n, rng);
  const patterns = kinds.map((kind, i): SimPattern => {
    const id = `p${i + 1}`;
    const transient =
      kind === 'solved'
        ? uniformIn(rng, 0.8, 1)
        : kind === 'hopeless'
          ? uniformIn(rng, 0, 0.1)
          : uniformIn(rng, 0, 0.2);
    return {
      id,
      function: `fn${rng.nextInt(functionCount) + 1}`,
      kind,
      failuresPerStep: params.failuresPerStep / (i + 1) ** params.zipfExponent / harmonic,
      transient,
      candidates: candidatesOf(id, kind, params, rng),
    };
  });
  // Each function fails on 5 % to 30 % of its calls before any fix.
  const functions = Array.from({ length: functionCount }, (_, f): SimFunction => {
    const name = `fn${f + 1}`;
    const failing = patterns.filter((p) => p.function === name).reduce((s, p) => s + p.failuresPerStep, 0);
    const failureRate = uniformIn(rng, 0.05, 0.3);
    return { name, workingCallsPerStep: (failing * (1 - failureRate)) / failureRate };
  });
  return { mix, patterns, functions };
}
