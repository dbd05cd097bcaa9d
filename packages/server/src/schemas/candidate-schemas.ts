// GET /v1/patterns/:id/candidates: the learner's candidate fixes of a pattern with their evidence.

import { Type } from 'typebox';
import { FixSchema } from './fix-schemas.js';

const EvidenceSchema = Type.Object({
  successes: Type.Number({ description: 'Rewards summed (a reward of 0.7 is 0.7 of a success)' }),
  trials: Type.Integer(),
});

export const CandidateSchema = Type.Object({
  id: Type.String({ description: 'Fix id; `none` for "no fix"' }),
  incumbent: Type.Boolean({ description: 'What is deployed now (the baseline the others must beat)' }),
  fix: Type.Union([FixSchema, Type.Null()]),
  origin: Type.String({
    description:
      "incumbent (no fix), rule, mined, transfer, analyst, combination, or deployed (promoted without being a candidate, such as a person's fix)",
  }),
  rationale: Type.String(),
  policyProbability: Type.Number({
    description: 'Probability the fix policy gives it (softmax of its logits)',
  }),
  failing: EvidenceSchema,
  guard: Type.Object(EvidenceSchema.properties, { description: 'Rollouts on inputs that currently succeed' }),
  examples: Type.Integer({ description: 'Distinct failing examples it was tried on' }),
  posteriorMean: Type.Number({ description: 'Mean of Beta(1 + successes, 1 + failures) on failing inputs' }),
  probabilityBeatsIncumbent: Type.Union([Type.Number(), Type.Null()], {
    description: 'P(p_candidate > p_incumbent) under those posteriors; null for the incumbent',
  }),
  guardPasses: Type.Union([Type.Boolean(), Type.Null()], {
    description: 'Clear of breaking working calls; null for the incumbent',
  }),
  accepted: Type.Boolean({
    description: 'Beats the incumbent with the configured confidence and passes the guard',
  }),
});

export const CandidateListSchema = Type.Object({
  patternId: Type.String(),
  step: Type.Integer({ description: 'Learning steps so far' }),
  learning: Type.Boolean({ description: 'Whether the learner has taken the pattern up' }),
  exhausted: Type.Boolean({ description: 'Candidates used up: waiting for new ones' }),
  candidates: Type.Array(CandidateSchema, { description: 'The incumbent first' }),
});
