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
export { CATEGORIES, type Category, isCategory } from './failure-category.js';
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
export { logBeta, logGamma } from './log-gamma.js';
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
export { type ProportionInterval, wilsonInterval } from './wilson-interval.js';
