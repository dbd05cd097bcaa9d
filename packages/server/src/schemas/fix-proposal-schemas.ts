// POST /v1/patterns/:id/fixes: a fix a person proposes for a pattern. It waits in the approval
// queue like a learned fix, without the measurements a learned one has.

import { type Static, Type } from 'typebox';
import { FixSchema } from './fix-schemas.js';
import { CommentText } from './nul-free-text.js';

export const FixProposalBodySchema = Type.Object(
  {
    fix: FixSchema,
    comment: Type.Optional(CommentText('Why: shown to approvers as the rationale, kept in the audit log')),
  },
  { additionalProperties: false },
);

export type FixProposalBody = Static<typeof FixProposalBodySchema>;
