export {
  probabilityBetaGreater,
  probabilityBetaGreaterExact,
  probabilityBetaGreaterNumeric,
} from './beta-comparison.js';
export {
  type CanaryArmCounts,
  type CanaryDecision,
  type CanaryDecisionInput,
  type CanaryReason,
  type CanaryVerdict,
  canaryDecision,
} from './canary-sequential-test.js';
export { sampleCategorical } from './categorical-sampling.js';
export { builtinCategory, categorizeFailure, statusFromMessage } from './categorize-failure.js';
export { CATEGORIES, type Category, isCategory } from './failure-category.js';
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
export {
  type FixCandidateStats,
  type FixComparison,
  type FixComparisonOptions,
  FixPolicy,
  type FixPolicyJSON,
  type FixPolicyUpdateOptions,
  type FixRollout,
} from './fix-policy.js';
export { type GrpoAdvantageOptions, grpoAdvantages, meanAbsoluteAdvantage } from './grpo-advantages.js';
export { regularizedIncompleteBeta } from './incomplete-beta.js';
export { DEFAULT_JSON_BOUNDS, type JsonBounds, toJsonSafe } from './json-safe-copy.js';
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
export { type RedactOptions, redactSecrets, redactText } from './redact-secrets.js';
export {
  type QHistoryPoint,
  type ResolvedSecCurriculumOptions,
  type SecArmStats,
  SecCurriculum,
  type SecCurriculumJSON,
  type SecCurriculumOptions,
  type UnsampledPolicy,
} from './sec-curriculum.js';
export { type RandomSeed, SeededRandom, type SeededRandomState } from './seeded-random.js';
export { softmax } from './softmax.js';
export {
  DEFAULT_VALUE_SHAPE_LIMITS,
  TRUNCATED_KEY,
  type ValueShape,
  type ValueShapeLimits,
  valueShape,
} from './value-shape.js';
export { type ProportionInterval, wilsonInterval } from './wilson-interval.js';
