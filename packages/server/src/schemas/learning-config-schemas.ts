// GET/PUT /v1/learning/config: the project's learning settings (learner/learning-settings.ts).
// PUT replaces the stored settings: fields left out go back to their defaults.

import { CURRICULA, DEFAULT_LEARNER_CONFIG, DEFAULT_SEC_OPTIONS, FIX_RISKS } from '@arc-agent/core';
import { type Static, Type } from 'typebox';

const fields = {
  curriculum: Type.Enum([...CURRICULA], {
    description:
      `How a step draws its patterns: sec (softmax(Q / τ) over mean |advantage|), sec-weighted (its reward times the ` +
      `pattern's share of recent failures), random (in proportion to recent failures), learnable-traffic (recent ` +
      `failures times the share not yet prevented times learnability, SEC's Q from an optimistic start), uniform, ` +
      `greedy (most recent failures first) (default ${DEFAULT_LEARNER_CONFIG.curriculum})`,
  }),
  batchSize: Type.Integer({
    minimum: 1,
    maximum: 1_000,
    description: 'B: patterns drawn per step (default 32)',
  }),
  groupSize: Type.Integer({ minimum: 1, maximum: 64, description: 'G: rollouts per problem (default 4)' }),
  alpha: Type.Number({
    exclusiveMinimum: 0,
    maximum: 1,
    description: `SEC TD(0) step size α (default ${DEFAULT_SEC_OPTIONS.alpha})`,
  }),
  temperature: Type.Number({
    exclusiveMinimum: 0,
    maximum: 1_000,
    description: `SEC softmax temperature τ (default ${DEFAULT_SEC_OPTIONS.temperature})`,
  }),
  unsampled: Type.Enum(['keep', 'decay'], {
    description:
      "SEC: arms not drawn in a step keep their Q (the paper's) or decay it with r = 0 (default keep)",
  }),
  syncInterval: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
    description: 's: agents get the learner policy every s steps (default 50); null: never',
  }),
  successShare: Type.Number({
    minimum: 0,
    exclusiveMaximum: 1,
    description: 'Share of problems from succeeding inputs (default 0.25)',
  }),
  learningRate: Type.Number({
    exclusiveMinimum: 0,
    maximum: 100,
    description: 'Fix policy step size η (default 0.1)',
  }),
  normalizeByStd: Type.Boolean({ description: 'GRPO advantages divided by the group std (default true)' }),
  confidence: Type.Number({
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    description: 'P(beats incumbent) for a learning result (default 0.95)',
  }),
  minTrials: Type.Integer({
    minimum: 0,
    maximum: 100_000,
    description: 'Trials before a verdict (default 8)',
  }),
  minGuardTrials: Type.Integer({
    minimum: 0,
    maximum: 100_000,
    description: 'Trials on succeeding inputs, candidate and incumbent each, before a verdict (default 2)',
  }),
  maxRegression: Type.Number({
    minimum: 0,
    maximum: 1,
    description:
      'Margin on working calls: a fix must show, at the confidence, it is at most this much below the incumbent (default 0.05)',
  }),
  exhaustAfterSteps: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    description: 'Zero-reward steps before new candidates (default 5)',
  }),
  exhaustedQ: Type.Number({
    minimum: 0,
    maximum: 10,
    description: 'Q at or below which a pattern counts as near 0 (default 0.05)',
  }),
  triggerFailures: Type.Integer({
    minimum: 1,
    maximum: 10_000_000,
    description: 'N: a step after this many new failures (default 20)',
  }),
  triggerIntervalMs: Type.Integer({
    minimum: 100,
    maximum: 86_400_000,
    description: 'T: a step at least this often (default 60000)',
  }),
  rolloutBudgetPerHour: Type.Integer({
    minimum: 0,
    maximum: 100_000_000,
    description: 'Rollout jobs per hour (default 2000)',
  }),
  stepTimeoutMs: Type.Integer({
    minimum: 100,
    maximum: 3_600_000,
    description: 'How long a step waits for rollouts (default 120000)',
  }),
  canaryShare: Type.Number({
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    description: 'Share of calls a canary gets (default 0.1)',
  }),
  autoApproveMinConfidence: Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'Auto-approval: least confidence (default 0.95)',
  }),
  autoApproveMinSuccessRate: Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'Auto-approval: least success rate (default 0.9)',
  }),
  autoApproveRisks: Type.Array(Type.Enum([...FIX_RISKS]), {
    maxItems: FIX_RISKS.length,
    uniqueItems: true,
    description: 'Auto-approval: risk levels allowed (default ["low"])',
  }),
  canaryAlpha: Type.Number({
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    description: 'Canary test error bound (default 0.05)',
  }),
  canaryMaxFailures: Type.Integer({
    minimum: 1,
    maximum: 10_000_000,
    description:
      "Backstop: treatment failures beyond what the control arm's failure rate predicts for the treatment's calls that roll back (default 100)",
  }),
  canaryMaxTrials: Type.Integer({
    minimum: 1,
    maximum: 100_000_000,
    description: 'Horizon: treatment calls that promote (default 2000)',
  }),
  approvalWebhookUrl: Type.Union(
    [Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2_000 }), Type.Null()],
    {
      description: 'Pending approvals are POSTed here as JSON (default null: nobody is notified)',
    },
  ),
};

export const LearningConfigSchema = Type.Object(fields);

export const LearningConfigBodySchema = Type.Object(
  Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, Type.Optional(schema)])) as {
    [K in keyof typeof fields]: ReturnType<typeof Type.Optional<(typeof fields)[K]>>;
  },
  { additionalProperties: false },
);

export type LearningConfigBody = Static<typeof LearningConfigBodySchema>;
