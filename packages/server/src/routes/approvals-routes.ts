// /v1/approvals: learned fixes a person must approve (DESIGN.md section 6). Reading needs `read`;
// deciding needs `admin`, is recorded in the audit log with the deciding key's name, and an approved
// fix deploys at once as a canary at the project's canary share.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clientText } from '../client-text.js';
import { HttpError } from '../http-error.js';
import { loadLearningSettings } from '../learner/learning-settings.js';
import {
  ApprovalDetailSchema,
  ApprovalListQuerySchema,
  ApprovalListSchema,
  ApprovalParamsSchema,
  DecisionBodySchema,
  DecisionResponseSchema,
} from '../schemas/approval-schemas.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { MAX_COMMENT_LENGTH } from '../schemas/nul-free-text.js';
import {
  actorOf,
  approvalView,
  auditView,
  bodyOptional,
  deploymentView,
  type LearningRouteDeps,
} from './learning-route-deps.js';
import { BEARER_SECURITY } from './route-deps.js';

const AUDIT_SHOWN = 100;

export const approvalsRoutes: FastifyPluginAsyncTypebox<LearningRouteDeps> = async (
  app,
  { storage, requireScope, now },
) => {
  app.get(
    '/approvals',
    {
      schema: {
        summary: 'Approval requests, newest first',
        tags: ['approvals'],
        security: BEARER_SECURITY,
        querystring: ApprovalListQuerySchema,
        response: { 200: ApprovalListSchema, ...errorResponses(400, 401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { status, limit } = request.query;
      const approvals = await storage.listApprovals(request.auth!.projectId, {
        limit,
        ...(status !== undefined ? { status } : {}),
      });
      return { approvals: approvals.map(approvalView) };
    },
  );

  app.get(
    '/approvals/:id',
    {
      schema: {
        summary: 'One approval request, with its audit trail',
        tags: ['approvals'],
        security: BEARER_SECURITY,
        params: ApprovalParamsSchema,
        response: { 200: ApprovalDetailSchema, ...errorResponses(400, 401, 403, 404) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { projectId } = request.auth!;
      const approval = await storage.getApproval(projectId, request.params.id);
      if (approval === undefined) throw new HttpError(404, 'Approval not found');
      const audit = await storage.listAuditLog(projectId, { subjectId: approval.id, limit: AUDIT_SHOWN });
      return { ...approvalView(approval), audit: audit.map(auditView) };
    },
  );

  for (const [verb, status] of [
    ['approve', 'approved'],
    ['deny', 'denied'],
  ] as const) {
    app.post(
      `/approvals/:id/${verb}`,
      {
        schema: {
          summary:
            verb === 'approve' ? 'Approve: the fix deploys as a canary' : 'Deny: the fix is not deployed',
          tags: ['approvals'],
          security: BEARER_SECURITY,
          params: ApprovalParamsSchema,
          body: DecisionBodySchema,
          response: { 200: DecisionResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 415) },
        },
        onRequest: requireScope('admin'),
        preValidation: bodyOptional,
      },
      async (request) => {
        const { projectId } = request.auth!;
        const settings = await loadLearningSettings(storage, projectId);
        const outcome = await storage
          .decideApproval(
            projectId,
            request.params.id,
            {
              status,
              actor: await actorOf(storage, request),
              comment:
                request.body.comment === undefined
                  ? null
                  : clientText(request.body.comment, MAX_COMMENT_LENGTH),
              canaryShare: settings.canaryShare,
            },
            now(),
          )
          .catch((error: unknown) => {
            // Two approvals of the same fix racing: the database lets one fix be live only once.
            if (isUniqueViolation(error)) throw new HttpError(409, 'This fix is already deployed');
            throw error;
          });
        if (!outcome.ok) {
          if (outcome.reason === 'not_found') throw new HttpError(404, 'Approval not found');
          throw new HttpError(409, `Approval already ${outcome.approval.status}`);
        }
        return {
          approval: approvalView(outcome.approval),
          deployment: outcome.deployment === null ? null : deploymentView(outcome.deployment),
        };
      },
    );
  }
};

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
