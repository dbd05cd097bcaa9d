// /v1/deployments: approved fixes as canaries, promoted to every call, rolled back, or superseded
// by a later fix for the same pattern.

import { Type } from 'typebox';
import { MAX_FUNCTION_NAME_LENGTH, MAX_ID_LENGTH } from './event-schemas.js';
import { FixSchema, RiskSchema } from './fix-schemas.js';
import { ResultSourceSchema } from './learning-result-schemas.js';
import { CommentText, NulFreeText } from './nul-free-text.js';

const IsoTime = Type.String({ format: 'date-time' });

export const DeploymentStatusSchema = Type.Enum(['canary', 'promoted', 'rolled_back', 'superseded']);

const CountersSchema = Type.Object({
  trials: Type.Integer({ description: 'Call outcomes counted' }),
  failures: Type.Integer(),
  patternFailures: Type.Integer({ description: "Failures of the fix's own pattern" }),
});

export const DeploymentSchema = Type.Object({
  id: Type.String(),
  status: DeploymentStatusSchema,
  fixId: Type.String({ description: 'The id agents know the fix by' }),
  version: Type.Integer(),
  patternId: Type.String(),
  function: Type.String(),
  fix: FixSchema,
  risk: RiskSchema,
  confidence: Type.Number({ description: "Of the result it deploys (0 for a person's proposal)" }),
  source: ResultSourceSchema,
  canaryShare: Type.Number({ description: 'Share of calls that got the fix while it was a canary' }),
  approvalId: Type.String(),
  resultId: Type.String(),
  treatment: CountersSchema,
  control: CountersSchema,
  createdAt: IsoTime,
  decidedAt: Type.Union([IsoTime, Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
});

export const DeploymentListQuerySchema = Type.Object({
  status: Type.Optional(DeploymentStatusSchema),
  function: Type.Optional(NulFreeText({ maxLength: MAX_FUNCTION_NAME_LENGTH })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

export const DeploymentListSchema = Type.Object({ deployments: Type.Array(DeploymentSchema) });

export const DeploymentParamsSchema = Type.Object({
  id: NulFreeText({ maxLength: MAX_ID_LENGTH }),
});

export const RollbackBodySchema = Type.Object(
  { reason: Type.Optional(CommentText('Kept in the audit log')) },
  { additionalProperties: false },
);
