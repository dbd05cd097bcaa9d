import type { Category } from '../failure-category.js';
import type { RandomSeed } from '../seeded-random.js';

/** A JSON Schema, as plain data. */
export type JsonSchema = Record<string, unknown>;

/** What a generator needs to know about a failure pattern. */
export interface PatternSummary {
  id: string;
  category: Category;
  function: string;
  normalizedMessage: string;
  errorType: string;
}

/** A failing call of the pattern, redacted. `error` is the raw (redacted) error message. */
export interface FailureExample {
  input: unknown;
  output?: unknown;
  error?: string;
}

/** A successful call of the same function, redacted: the source of few-shot examples. */
export interface SuccessExample {
  input: unknown;
  output: unknown;
}

/** A tool the model calls: its arguments are the function's output. */
export interface FunctionSchema {
  name: string;
  description?: string;
  parameters?: JsonSchema;
}

export interface CandidateGeneratorInput {
  pattern: PatternSummary;
  failures: readonly FailureExample[];
  successes: readonly SuccessExample[];
  /** JSON Schema the function's output must satisfy, when the user declared one. */
  outputSchema?: JsonSchema;
  functionSchema?: FunctionSchema;
  /** Seeds the choice of few-shot examples (default 0): same input and seed, same candidates. */
  seed?: RandomSeed;
  /** Few-shot examples per candidate (default 3). */
  fewShotCount?: number;
}
