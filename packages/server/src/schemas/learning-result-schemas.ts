// GET /v1/learning/results: candidates that beat their pattern's incumbent, newest first; also the
// result inside an approval.

import { Type } from 'typebox';
import { MAX_ID_LENGTH } from './event-schemas.js';
import { FixSchema, RiskSchema } from './fix-schemas.js';
import { NulFreeText } from './nul-free-text.js';

const IsoTime = Type.String({ format: 'date-time' });

export const ResultSourceSchema = Type.Enum(['learner', 'person'], {
  description:
    'learner: judged by rollouts. person: proposed through POST /v1/patterns/{id}/fixes and never ' +
    'measured, so improvement, confidence, the success rates, trials and examples are 0 (not measured)',
});

export const LearningResultSchema = Type.Object({
  id: Type.String(),
  step: Type.Integer({
    description: "The learning step that produced it; for a person's proposal, the learner's step then",
  }),
  patternId: Type.String(),
  function: Type.String(),
  candidateId: Type.String({ description: 'The fix id' }),
  fix: FixSchema,
  risk: RiskSchema,
  origin: Type.String({
    description:
      "Generator: rule, mined, transfer, analyst or combination; deployed for a fix that was promoted without being a candidate (a person's); person for a proposal",
  }),
  rationale: Type.String(),
  improvement: Type.Number({ description: "Posterior mean success rate minus the incumbent's" }),
  confidence: Type.Number({ description: 'P(the fix beats the incumbent)' }),
  successRate: Type.Number({ description: "Observed success rate on the pattern's failing inputs" }),
  incumbentSuccessRate: Type.Number(),
  trials: Type.Integer(),
  examples: Type.Integer({ description: 'Distinct failing examples it was learned from' }),
  source: ResultSourceSchema,
  proposedBy: Type.Union([Type.String(), Type.Null()], {
    description: 'Name of the proposing key; null when learned',
  }),
  proposedByKeyId: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoTime,
});

export const LearningResultsQuerySchema = Type.Object({
  patternId: Type.Optional(NulFreeText({ maxLength: MAX_ID_LENGTH })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

export const LearningResultListSchema = Type.Object({ results: Type.Array(LearningResultSchema) });
