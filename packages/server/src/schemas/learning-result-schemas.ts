// GET /v1/learning/results: candidates that beat their pattern's incumbent, newest first; also the
// result inside an approval.

import { Type } from 'typebox';
import { MAX_ID_LENGTH } from './event-schemas.js';
import { FixSchema, RiskSchema } from './fix-schemas.js';

const IsoTime = Type.String({ format: 'date-time' });

export const LearningResultSchema = Type.Object({
  id: Type.String(),
  step: Type.Integer({ description: 'The learning step that produced it' }),
  patternId: Type.String(),
  function: Type.String(),
  candidateId: Type.String({ description: 'The fix id' }),
  fix: FixSchema,
  risk: RiskSchema,
  origin: Type.String({ description: 'Generator: rule, mined, transfer, analyst or combination' }),
  rationale: Type.String(),
  improvement: Type.Number({ description: "Posterior mean success rate minus the incumbent's" }),
  confidence: Type.Number({ description: 'P(the fix beats the incumbent)' }),
  successRate: Type.Number({ description: "Observed success rate on the pattern's failing inputs" }),
  incumbentSuccessRate: Type.Number(),
  trials: Type.Integer(),
  examples: Type.Integer({ description: 'Distinct failing examples it was learned from' }),
  createdAt: IsoTime,
});

export const LearningResultsQuerySchema = Type.Object({
  patternId: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

export const LearningResultListSchema = Type.Object({ results: Type.Array(LearningResultSchema) });
