// Where the learner's candidate fixes come from (DESIGN.md section 5): for a pattern it has not seen,
// core's generators for its category, fixes learned for similar patterns (transfer), and the LLM
// analyst when one is configured; for a pattern whose candidates all keep failing, combinations of
// its best candidates and the analyst again. The learner judges them all by rollouts.

import {
  type CandidateFix,
  type CandidateGeneratorInput,
  combineCandidates,
  fixLimitProblem,
  generateCandidates,
  type JsonSchema,
  type LearnedFix,
  type LearnerState,
  memoizePerObject,
  rankCandidates,
  type SuccessExample,
  transferCandidates,
  uniqueCandidates,
} from '@arc-agent/core';
import type { ExampleRecord, PatternRecord } from '../storage/storage.js';
import type { LlmAnalyst } from './llm-analyst.js';

/** A pattern and its stored examples, as a step loads them. */
export interface PatternMaterial {
  pattern: PatternRecord;
  failures: readonly ExampleRecord[];
  /** Successful calls of the pattern's function. */
  successes: readonly ExampleRecord[];
  /** The output schema the pattern's function declared (the SDK's `outputSchema`), when it did. */
  outputSchema?: JsonSchema;
}

export type NewPatternCandidates =
  | { kind: 'candidates'; candidates: CandidateFix[] }
  | { kind: 'escalate'; reason: string };

export interface CandidateSourcingOptions {
  analyst?: LlmAnalyst;
  /**
   * Told when the analyst fails, and of each candidate dropped for being past core's fix limits;
   * the other candidates are used regardless.
   */
  onError: (error: unknown) => void;
}

/**
 * The successes as core takes them, one array per stored list: a step gives every pattern of a
 * function the same list, and core mines an array's few-shot pool once (mine-few-shot.ts).
 */
const successInputsOf = memoizePerObject((successes: readonly ExampleRecord[]): SuccessExample[] =>
  successes.map((s) => ({ input: s.input, output: s.output })),
);

export function generatorInput(material: PatternMaterial): CandidateGeneratorInput {
  const { pattern } = material;
  return {
    pattern: {
      id: pattern.id,
      category: pattern.category,
      function: pattern.function,
      normalizedMessage: pattern.normalizedMessage,
      errorType: pattern.errorType,
    },
    failures: material.failures.map((f) => ({
      input: f.input,
      ...(f.output !== null ? { output: f.output } : {}),
      ...(f.error?.message !== undefined ? { error: f.error.message } : {}),
    })),
    successes: successInputsOf(material.successes),
    ...(material.outputSchema !== undefined ? { outputSchema: material.outputSchema } : {}),
    // Same pattern and examples, same candidates, whichever replica generates them.
    seed: pattern.id,
  };
}

async function analystCandidates(
  input: CandidateGeneratorInput,
  options: CandidateSourcingOptions,
): Promise<CandidateFix[]> {
  if (options.analyst === undefined || input.failures.length === 0) return [];
  try {
    return await options.analyst.propose(input);
  } catch (error) {
    options.onError(error);
    return [];
  }
}

/**
 * The candidates within core's fix limits. A larger one (an analyst's long examples, a combination
 * of large parts) would weigh on every call once deployed: it is dropped, and the drop reported.
 */
function withinLimits(candidates: CandidateFix[], options: CandidateSourcingOptions): CandidateFix[] {
  return candidates.filter((candidate) => {
    const problem = fixLimitProblem(candidate.fix);
    if (problem === undefined) return true;
    options.onError(
      new RangeError(
        `candidate ${candidate.id} (${candidate.origin}) dropped: ${problem.field} ${problem.error}`,
      ),
    );
    return false;
  });
}

/** Candidates for a pattern the learner has not seen yet, or why it must be left to people. */
export async function candidatesForNewPattern(
  material: PatternMaterial,
  learnedFixes: readonly LearnedFix[],
  options: CandidateSourcingOptions,
): Promise<NewPatternCandidates> {
  const input = generatorInput(material);
  const generated = generateCandidates(input);
  if (generated.kind === 'escalate') return generated;
  const transferred = transferCandidates(
    { id: material.pattern.id, normalizedMessage: material.pattern.normalizedMessage },
    learnedFixes,
  );
  const proposed = await analystCandidates(input, options);
  return {
    kind: 'candidates',
    candidates: withinLimits(
      uniqueCandidates([...transferred, ...generated.candidates, ...proposed]),
      options,
    ),
  };
}

/** New candidates for a pattern whose candidates all keep failing: combinations, then the analyst. */
export async function candidatesForExhaustedPattern(
  state: LearnerState,
  material: PatternMaterial,
  options: CandidateSourcingOptions,
): Promise<CandidateFix[]> {
  const known = state.patterns.find((p) => p.id === material.pattern.id);
  const exclude = new Set(known?.candidates.map((c) => c.id) ?? []);
  const combined = combineCandidates(rankCandidates(state, material.pattern.id), { exclude });
  const proposed = await analystCandidates(generatorInput(material), options);
  return withinLimits(
    uniqueCandidates([...combined, ...proposed]).filter((c) => !exclude.has(c.id)),
    options,
  );
}
