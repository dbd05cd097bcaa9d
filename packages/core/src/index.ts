export {
  type ApprovalDecision,
  type ApprovalPolicyOptions,
  type ApprovalSubject,
  assessImpact,
  decideApproval,
  type ImpactAssessment,
  type ImpactInput,
  type Severity,
} from './approval-policy.js';
export {
  probabilityBetaGreater,
  probabilityBetaGreaterExact,
  probabilityBetaGreaterNumeric,
  probabilityBetaNonInferior,
} from './beta-comparison.js';
export { BoundedMemo } from './bounded-memo.js';
export {
  CANARY_ARM_TAG,
  CANARY_ATTEMPT_TAG,
  CANARY_FIX_IDS_TAG,
  type CanaryAttempt,
  RESCUE_FIX_ID_TAG,
  standsForCall,
} from './canary-call-tags.js';
export {
  type CanaryArmTally,
  type CanaryJudgement,
  type CanaryLimits,
  type CanaryTallies,
  DEFAULT_CANARY_SETTINGS,
  judgeCanary,
} from './canary-judgement.js';
export {
  type CanaryArmCounts,
  type CanaryDecision,
  type CanaryDecisionInput,
  type CanaryReason,
  type CanaryVerdict,
  canaryDecision,
  excessFailures,
} from './canary-sequential-test.js';
export {
  type CandidateFix,
  type CandidateGeneration,
  type CandidateGeneratorInput,
  type CandidateOrigin,
  type CombineOptions,
  type Correction,
  candidateFix,
  combineCandidates,
  correctionOf,
  type FailureExample,
  type FewShotMiningOptions,
  type FunctionSchema,
  fewShotCandidate,
  generateCandidates,
  inferOutputSchema,
  type JsonSchema,
  type LearnedFix,
  longerTimeoutMs,
  mineFewShotExamples,
  nearestFewShotCandidate,
  type OutputSchema,
  type OutputSchemaSource,
  outputSchemaOf,
  type PatternSummary,
  parsingCandidates,
  responseFormatFix,
  responseFormatName,
  type SchemaIssue,
  type SchemaProblem,
  type SuccessExample,
  schemaAt,
  schemaCandidates,
  schemaInstructions,
  schemaIssues,
  type TransferOptions,
  type TransientCategory,
  transferCandidates,
  transientCandidates,
  uniqueCandidates,
  unknownCandidates,
  verdictInstructions,
  wrongAnswerCandidates,
} from './candidate-generators/index.js';
export {
  bestAccepted,
  type CandidateVerdict,
  candidatesBreakingWorkingCalls,
  judgeCandidates,
} from './candidate-verdict.js';
export { canonicalJson } from './canonical-json.js';
export { sampleCategorical } from './categorical-sampling.js';
export { builtinCategory, categorizeFailure, statusFromMessage } from './categorize-failure.js';
export {
  CURRICULA,
  type Curriculum,
  type CurriculumArm,
  curriculumProbabilities,
  drawCurriculum,
  failureShareWeights,
  isCurriculum,
} from './curriculum-draw.js';
export {
  checkDeclaredSchema,
  type DeclaredSchemaCheck,
  MAX_DECLARED_SCHEMA_DEPTH,
  MAX_DECLARED_SCHEMA_LENGTH,
} from './declared-output-schema.js';
export { CATEGORIES, type Category, isCategory } from './failure-category.js';
export {
  type ExampleIndex,
  exampleInputText,
  indexExamples,
  MAX_SIMILARITY_TEXT,
  nearestExamples,
  similarityText,
} from './few-shot-selection.js';
export {
  type FailureFingerprint,
  type FailureInput,
  type FailureSignature,
  fingerprintFailure,
  patternIdOf,
} from './fingerprint-failure.js';
export {
  type FailureFacts,
  type FingerprintRule,
  firstRuleSetting,
  ruleMatches,
} from './fingerprint-rule.js';
export { fixId } from './fix-id.js';
export { FIX_LIMITS, type FixLimitProblem, fixLimitProblem } from './fix-limits.js';
export {
  type FixCandidateStats,
  type FixComparison,
  type FixComparisonOptions,
  FixPolicy,
  type FixPolicyJSON,
  type FixPolicyUpdateOptions,
  type FixRollout,
} from './fix-policy.js';
export {
  type CallParams,
  type ChatMessage,
  type CompositeFix,
  type DeployedFix,
  type FewShotExample,
  type FewShotFix,
  FIX_RISKS,
  FIX_TYPES,
  type Fix,
  type FixRisk,
  type FixType,
  fixParts,
  type Jitter,
  type OutputRepairFix,
  type ParamPatchFix,
  type ParseResult,
  type PromptAdjustmentFix,
  parseDeployedFix,
  parseFix,
  type ResponseFormatFix,
  type RetryPolicyFix,
  riskOf,
  type SimpleFix,
} from './fix-types.js';
export { type GrpoAdvantageOptions, grpoAdvantages, meanAbsoluteAdvantage } from './grpo-advantages.js';
export { regularizedIncompleteBeta } from './incomplete-beta.js';
export { pathDeeperThan } from './json-depth.js';
export {
  type CutSource,
  DEFAULT_JSON_BOUNDS,
  type JsonBounds,
  MAX_DEPTH_MARKER,
  toJsonSafe,
} from './json-safe-copy.js';
export {
  DEFAULT_LEARNER_CONFIG,
  type LearnerConfig,
  type ResolvedLearnerConfig,
  resolveLearnerConfig,
} from './learner-config.js';
export {
  addCandidates,
  createLearnerState,
  type Evidence,
  fixPolicyOf,
  isFixCandidate,
  type LearnerCandidate,
  type LearnerState,
  type LearnerStateOptions,
  learnerStateFromJSON,
  NO_FIX_ID,
  type PatternLearnerState,
  type PromotedFix,
  posteriorMean,
  rankCandidates,
  setIncumbent,
  withPromotedIncumbents,
} from './learner-state.js';
export {
  type ArmProbability,
  applyStepResults,
  type CurriculumDrawn,
  drawProbabilities,
  type JobResult,
  type LearningJob,
  type LearningPlan,
  type LearningResult,
  type PlanInput,
  type PlanPattern,
  planLearningStep,
  type StepOutcome,
} from './learning-step.js';
export { logBeta, logGamma } from './log-gamma.js';
export {
  BUCKET_BITS,
  cosineSimilarity,
  findSimilar,
  type MessageVector,
  messageVector,
  NGRAM,
  type SimilarMessage,
} from './message-similarity.js';
export {
  MAX_NORMALIZED_MESSAGE_LENGTH,
  MAX_RAW_MESSAGE_LENGTH,
  normalizeMessage,
} from './normalize-message.js';
export { COUNT_TAG, isAggregateOutcome, outcomeCount } from './outcome-count-tag.js';
export { memoizePerObject } from './per-object-memo.js';
export {
  type ApprovalRequest,
  approvalRequests,
  type PolicyEntry,
  policySnapshot,
  shouldSync,
} from './policy-sync.js';
export { nextTraffic, type PatternTraffic, RECENT_FAILURES_SMOOTHING } from './recent-failures.js';
export { REDACTED_SCHEMA_NAME, redactFix } from './redact-fix.js';
export {
  type RedactOptions,
  redactedJsonSafe,
  redactForCut,
  redactIdentifier,
  redactIdentifiers,
  redactJsonSchema,
  redactSecrets,
  redactText,
} from './redact-secrets.js';
export {
  DEFAULT_SEC_OPTIONS,
  type QHistoryPoint,
  type ResolvedSecCurriculumOptions,
  type SecArmStats,
  SecCurriculum,
  type SecCurriculumJSON,
  type SecCurriculumOptions,
  type UnsampledPolicy,
} from './sec-curriculum.js';
export { type RandomSeed, SeededRandom, type SeededRandomState } from './seeded-random.js';
export { setOwnProperty } from './set-own-property.js';
export { softmax } from './softmax.js';
export {
  DEFAULT_VALUE_SHAPE_LIMITS,
  TRUNCATED_KEY,
  type ValueShape,
  type ValueShapeLimits,
  valueShape,
} from './value-shape.js';
export {
  DEFAULT_VERDICT_THRESHOLD,
  fingerprintWrongAnswer,
  isWrongAnswer,
  MAX_VERDICT_LABEL_LENGTH,
  type Verdict,
  verdictOf,
  WRONG_ANSWER_TYPE,
  type WrongAnswer,
} from './verdict.js';
export { type ProportionInterval, wilsonInterval } from './wilson-interval.js';
