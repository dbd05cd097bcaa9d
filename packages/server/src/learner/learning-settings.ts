// The per-project settings of the learning loop: core's learner configuration (B, G, s, success
// share, confidence, …), SEC's α and τ, and what the server adds around them (step triggers,
// rollout budget, canary share, approval thresholds, canary test). Storage keeps only the values a
// project set; everything else is the default, so a changed default reaches every project.

import {
  type Curriculum,
  DEFAULT_CANARY_SETTINGS,
  DEFAULT_LEARNER_CONFIG,
  DEFAULT_SEC_OPTIONS,
  FIX_RISKS,
  type FixRisk,
  type LearnerConfig,
  type ResolvedSecCurriculumOptions,
  resolveLearnerConfig,
  type UnsampledPolicy,
} from '@arc-agent/core';

export interface LearningSettings {
  /** How a step draws its patterns (core's `Curriculum`). */
  curriculum: Curriculum;
  /** B: patterns drawn per step, with replacement. */
  batchSize: number;
  /** G: rollouts per problem. */
  groupSize: number;
  /** SEC's TD(0) step size α. */
  alpha: number;
  /** SEC's softmax temperature τ. */
  temperature: number;
  /** SEC: arms not rewarded in a step keep their Q, or decay it with r = 0. */
  unsampled: UnsampledPolicy;
  /** s: production agents get the learner's policy every s steps; null: never (offline). */
  syncInterval: number | null;
  /** Share of problems taken from currently succeeding inputs of the same function. */
  successShare: number;
  /** Step size η of the fix policy gradient. */
  learningRate: number;
  normalizeByStd: boolean;
  /** Posterior probability of beating the incumbent that makes a learning result. */
  confidence: number;
  /** Failing-input trials a candidate and the incumbent need before a verdict. */
  minTrials: number;
  minGuardTrials: number;
  maxRegression: number;
  exhaustAfterSteps: number;
  exhaustedQ: number;
  /** A step runs after this many new failures… */
  triggerFailures: number;
  /** …or this long after the last step. */
  triggerIntervalMs: number;
  /** Rollout jobs the learner may create per hour. */
  rolloutBudgetPerHour: number;
  /** How long a step waits for its rollouts; what has not come back by then is left out. */
  stepTimeoutMs: number;
  /** Share of calls an approved fix gets while it is a canary. */
  canaryShare: number;
  autoApproveMinConfidence: number;
  autoApproveMinSuccessRate: number;
  /** Risk levels that may be auto-approved. */
  autoApproveRisks: FixRisk[];
  /**
   * Largest probability of promoting a fix that is no better, per canary; and of rolling back one
   * that is no worse, per metric watched (its pattern's failures, its function's).
   */
  canaryAlpha: number;
  /**
   * Backstop on the harm a canary may do: it is rolled back, whatever the test says, once its
   * treatment has this many failures more than the control arm's failure rate predicts for the
   * treatment's calls (core's excessFailures). Failures control would have had too never count.
   */
  canaryMaxFailures: number;
  /** Horizon: a canary whose treatment has this many calls without harm shown is promoted. */
  canaryMaxTrials: number;
  /** Pending approvals are POSTed here (JSON) when set. */
  approvalWebhookUrl: string | null;
}

export const DEFAULT_LEARNING_SETTINGS: Readonly<LearningSettings> = Object.freeze<LearningSettings>({
  curriculum: DEFAULT_LEARNER_CONFIG.curriculum,
  batchSize: DEFAULT_LEARNER_CONFIG.batchSize,
  groupSize: DEFAULT_LEARNER_CONFIG.groupSize,
  alpha: DEFAULT_SEC_OPTIONS.alpha,
  temperature: DEFAULT_SEC_OPTIONS.temperature,
  unsampled: DEFAULT_SEC_OPTIONS.unsampled,
  syncInterval: DEFAULT_LEARNER_CONFIG.syncInterval,
  successShare: DEFAULT_LEARNER_CONFIG.successShare,
  learningRate: DEFAULT_LEARNER_CONFIG.learningRate,
  normalizeByStd: DEFAULT_LEARNER_CONFIG.normalizeByStd,
  confidence: DEFAULT_LEARNER_CONFIG.confidence,
  minTrials: DEFAULT_LEARNER_CONFIG.minTrials,
  minGuardTrials: DEFAULT_LEARNER_CONFIG.minGuardTrials,
  maxRegression: DEFAULT_LEARNER_CONFIG.maxRegression,
  exhaustAfterSteps: DEFAULT_LEARNER_CONFIG.exhaustAfterSteps,
  exhaustedQ: DEFAULT_LEARNER_CONFIG.exhaustedQ,
  triggerFailures: 20,
  triggerIntervalMs: 60_000,
  rolloutBudgetPerHour: 2_000,
  stepTimeoutMs: 120_000,
  canaryShare: DEFAULT_CANARY_SETTINGS.canaryShare,
  autoApproveMinConfidence: 0.95,
  autoApproveMinSuccessRate: 0.9,
  autoApproveRisks: ['low'],
  canaryAlpha: DEFAULT_CANARY_SETTINGS.canaryAlpha,
  canaryMaxFailures: DEFAULT_CANARY_SETTINGS.canaryMaxFailures,
  canaryMaxTrials: DEFAULT_CANARY_SETTINGS.canaryMaxTrials,
  approvalWebhookUrl: null,
});

/** A setting that cannot be used, named as in the JSON body (`/groupSize`). */
export class InvalidLearningSettingError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidLearningSettingError';
  }
}

/**
 * The defaults overlaid with a project's stored values. Field bounds are the HTTP schema's; the
 * core configuration is checked again by core, whose message names the field.
 */
export function resolveLearningSettings(stored: Readonly<Record<string, unknown>> = {}): LearningSettings {
  const settings = {
    ...DEFAULT_LEARNING_SETTINGS,
    autoApproveRisks: [...DEFAULT_LEARNING_SETTINGS.autoApproveRisks],
  };
  for (const key of Object.keys(DEFAULT_LEARNING_SETTINGS) as (keyof LearningSettings)[]) {
    if (Object.hasOwn(stored, key) && stored[key] !== undefined) {
      (settings as Record<string, unknown>)[key] = stored[key];
    }
  }
  try {
    resolveLearnerConfig(learnerConfigOf(settings));
  } catch (error) {
    const match = /^config\.(\w+) (.*)$/.exec(error instanceof Error ? error.message : '');
    if (match === null) throw error;
    throw new InvalidLearningSettingError(`/${match[1]}`, match[2]!);
  }
  if (!settings.autoApproveRisks.every((r) => FIX_RISKS.includes(r))) {
    throw new InvalidLearningSettingError(
      '/autoApproveRisks',
      `must list risk levels (${FIX_RISKS.join(', ')})`,
    );
  }
  return settings;
}

/** What core's learning step takes. */
export function learnerConfigOf(settings: LearningSettings): LearnerConfig {
  return {
    curriculum: settings.curriculum,
    batchSize: settings.batchSize,
    groupSize: settings.groupSize,
    successShare: settings.successShare,
    learningRate: settings.learningRate,
    normalizeByStd: settings.normalizeByStd,
    confidence: settings.confidence,
    minTrials: settings.minTrials,
    minGuardTrials: settings.minGuardTrials,
    maxRegression: settings.maxRegression,
    exhaustAfterSteps: settings.exhaustAfterSteps,
    exhaustedQ: settings.exhaustedQ,
    syncInterval: settings.syncInterval ?? Number.POSITIVE_INFINITY,
  };
}

/** α, τ and the unsampled-arm policy are settings: SEC uses today's values, its Q history is kept. */
export function secOptionsOf(
  stored: ResolvedSecCurriculumOptions,
  settings: Pick<LearningSettings, 'alpha' | 'temperature' | 'unsampled'>,
): ResolvedSecCurriculumOptions {
  return {
    ...stored,
    alpha: settings.alpha,
    temperature: settings.temperature,
    unsampled: settings.unsampled,
  };
}

/** The project's settings as stored now. */
export async function loadLearningSettings(
  storage: { getLearningConfig(projectId: string): Promise<Record<string, unknown> | undefined> },
  projectId: string,
): Promise<LearningSettings> {
  return resolveLearningSettings((await storage.getLearningConfig(projectId)) ?? {});
}
