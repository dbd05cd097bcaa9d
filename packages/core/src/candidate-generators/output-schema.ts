import type { ResponseFormatFix } from '../fix-types.js';
import { memoizePerObject } from '../per-object-memo.js';
import type { CandidateGeneratorInput, JsonSchema, SuccessExample } from './generator-input.js';
import { inferOutputSchema } from './infer-json-schema.js';

/** Where the schema a generator works with came from: declared by the user, the called tool's
 * parameters, or inferred from successful outputs (a guess, so never enforced strictly). */
export type OutputSchemaSource = 'declared' | 'function' | 'inferred';

export interface OutputSchema {
  schema: JsonSchema;
  source: OutputSchemaSource;
}

/** The best-founded output schema available: declared, else the tool's parameters, else inferred. */
export function outputSchemaOf(input: CandidateGeneratorInput): OutputSchema | undefined {
  if (input.outputSchema !== undefined) return { schema: input.outputSchema, source: 'declared' };
  const parameters = input.functionSchema?.parameters;
  if (parameters !== undefined) return { schema: parameters, source: 'function' };
  const inferred = inferredSchemaOf(input.successes);
  return inferred === undefined ? undefined : { schema: inferred, source: 'inferred' };
}

/**
 * The schema inferred from a successes array, once per array: a learner gives every pattern of a
 * function the same array (as mine-few-shot.ts relies on), and arrays and schemas are taken as the
 * immutable values their types say they are (a declared schema is shared the same way).
 */
const inferredSchemaOf = memoizePerObject((successes: readonly SuccessExample[]) =>
  inferOutputSchema(successes.map((s) => s.output)),
);

/** A response format name (`[A-Za-z0-9_-]{1,64}`) from the tool or function name. */
export function responseFormatName(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return cleaned === '' ? 'output' : cleaned;
}

/** Structured output against `known`, named for the tool or function; a guessed schema is not enforced strictly. */
export function responseFormatFix(input: CandidateGeneratorInput, known: OutputSchema): ResponseFormatFix {
  return {
    type: 'response_format',
    name: responseFormatName(input.functionSchema?.name ?? input.pattern.function),
    schema: known.schema,
    // A schema guessed from a few outputs may be too narrow to enforce.
    strict: known.source !== 'inferred',
  };
}
