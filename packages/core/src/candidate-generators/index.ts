export { type CandidateFix, type CandidateOrigin, candidateFix, uniqueCandidates } from './candidate-fix.js';
export { type CombineOptions, combineCandidates } from './combine-candidates.js';
export { type CandidateGeneration, generateCandidates } from './generate-candidates.js';
export type {
  CandidateGeneratorInput,
  FailureExample,
  FunctionSchema,
  JsonSchema,
  PatternSummary,
  SuccessExample,
} from './generator-input.js';
export { inferOutputSchema } from './infer-json-schema.js';
export {
  FEW_SHOT_POOL_SIZE,
  type FewShotMiningOptions,
  fewShotCandidate,
  mineFewShotExamples,
  nearestFewShotCandidate,
} from './mine-few-shot.js';
export {
  type OutputSchema,
  type OutputSchemaSource,
  outputSchemaOf,
  responseFormatFix,
  responseFormatName,
} from './output-schema.js';
export { parsingCandidates } from './parsing-candidates.js';
export { schemaCandidates } from './schema-candidates.js';
export { schemaAt, schemaInstructions } from './schema-instructions.js';
export { type SchemaIssue, type SchemaProblem, schemaIssues } from './schema-issues.js';
export { type LearnedFix, type TransferOptions, transferCandidates } from './transfer-candidates.js';
export { longerTimeoutMs, type TransientCategory, transientCandidates } from './transient-candidates.js';
export { unknownCandidates } from './unknown-candidates.js';
export { type Correction, correctionOf, verdictInstructions } from './verdict-instructions.js';
export { wrongAnswerCandidates } from './wrong-answer-candidates.js';
