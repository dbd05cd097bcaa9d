// /v1/approvals: learned fixes waiting for (or decided by) a person, with their impact assessment
// and audit trail.

import { type Static, Type } from 'typebox';
import { DeploymentSchema } from './deployment-schemas.js';
import { MAX_ID_LENGTH } from './event-schemas.js';
import { LearningResultSchema } from './learning-result-schemas.js';
import { CommentText, NulFreeText } from './nul-free-text.js';

const IsoTime = Type.String({ format: 'date-time' });
const NullableIsoTime = Type.Union([IsoTime, Type.Null()]);

export const ApprovalStatusSchema = Type.Enum(['pending', 'approved', 'denied']);

export const ApprovalSchema = Type.Object({
  id: Type.String(),
  status: ApprovalStatusSchema,
  impact: Type.Record(Type.String(), Type.Unknown(), {
    description: 'severity, agentsAffected, failuresPerDay, failuresPerDayPrevented, riskLevel, reasons',
  }),
  decidedBy: Type.Union([Type.String(), Type.Null()], {
    description: 'Name of the deciding key, or arc when auto-approved',
  }),
  decidedByKeyId: Type.Union([Type.String(), Type.Null()]),
  comment: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoTime,
  decidedAt: NullableIsoTime,
  result: LearningResultSchema,
});

export const AuditEntrySchema = Type.Object({
  at: IsoTime,
  actor: Type.String(),
  actorKeyId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ description: 'e.g. approval.created, approval.approved, deployment.rolled_back' }),
  subjectType: Type.Enum(['approval', 'deployment']),
  subjectId: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

export const ApprovalDetailSchema = Type.Object({
  ...ApprovalSchema.properties,
  audit: Type.Array(AuditEntrySchema, { description: 'Who did what, newest first' }),
});

export const ApprovalListQuerySchema = Type.Object({
  status: Type.Optional(ApprovalStatusSchema),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

export const ApprovalListSchema = Type.Object({ approvals: Type.Array(ApprovalSchema) });

export const ApprovalParamsSchema = Type.Object({
  id: NulFreeText({ maxLength: MAX_ID_LENGTH }),
});

export const DecisionBodySchema = Type.Object(
  { comment: Type.Optional(CommentText('Kept in the audit log')) },
  { additionalProperties: false },
);

export type DecisionBody = Static<typeof DecisionBodySchema>;

export const DecisionResponseSchema = Type.Object({
  approval: ApprovalSchema,
  deployment: Type.Union([DeploymentSchema, Type.Null()], {
    description: 'The canary an approval started (null when denied, or when the same fix is already live)',
  }),
});
