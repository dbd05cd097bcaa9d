// POST /v1/patterns/:id/fixes: a person proposes a fix for a pattern (admin scope). It becomes a
// learning result of source `person` (nothing measured: no rollouts judged it) with a pending
// approval request, whose impact assessment is made as the learner makes it except for the
// failures it would prevent, which are unknown. It is never auto-approved, whatever its risk;
// once approved through /v1/approvals/:id/approve it deploys as a canary like any learned fix.

import { type Fix, fixId, fixLimitProblem, parseFix, riskOf } from '@arc-agent/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clientFix, clientText } from '../client-text.js';
import { HttpError } from '../http-error.js';
import { notifyApprovers } from '../learner/approval-webhook.js';
import { resolveLearningSettings } from '../learner/learning-settings.js';
import { patternImpact } from '../learner/pattern-impact.js';
import { ApprovalSchema } from '../schemas/approval-schemas.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { FixProposalBodySchema } from '../schemas/fix-proposal-schemas.js';
import { MAX_COMMENT_LENGTH } from '../schemas/nul-free-text.js';
import { PatternParamsSchema } from '../schemas/pattern-schemas.js';
import { actorOf, approvalView, type LearningRouteDeps } from './learning-route-deps.js';
import { BEARER_SECURITY } from './route-deps.js';

/** Core names fields `fix.fixes[0].params.model`; error details name them as JSON Pointers. */
function fieldPointer(field: string): string {
  const segments = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  return `/${segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

function invalidFix({ field, error }: { field: string; error: string }): HttpError {
  return new HttpError(400, `Invalid fix: ${field} ${error}`, {
    details: [{ path: fieldPointer(field), message: error }],
  });
}

/** The fix as core reads it, redacted, within core's size limits (past them it would weigh on every call); else a 400 naming the field. */
function proposedFix(value: unknown): Fix {
  const parsed = parseFix(value);
  if (!parsed.ok) throw invalidFix(parsed);
  // Measured as it will be stored and deployed: redacted.
  const fix = clientFix(parsed.value);
  const problem = fixLimitProblem(fix);
  if (problem !== undefined) throw invalidFix(problem);
  return fix;
}

export const fixProposalsRoutes: FastifyPluginAsyncTypebox<LearningRouteDeps> = async (
  app,
  { storage, requireScope, now },
) => {
  app.post(
    '/patterns/:id/fixes',
    {
      schema: {
        summary: 'Propose a fix for a pattern: it waits for approval, never auto-approved',
        description:
          'The fix is checked in full, sizes included (an invalid or oversized one is a 400 naming its field). Nothing about it is ' +
          'measured: its result has source `person` and zero improvement, confidence and trials.',
        tags: ['patterns', 'approvals'],
        security: BEARER_SECURITY,
        params: PatternParamsSchema,
        body: FixProposalBodySchema,
        response: { 201: ApprovalSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
      onRequest: requireScope('admin'),
    },
    async (request, reply) => {
      const { projectId } = request.auth!;
      const fix = proposedFix(request.body.fix);
      const pattern = await storage.getPattern(projectId, request.params.id);
      if (pattern === undefined) throw new HttpError(404, 'Pattern not found');
      const risk = riskOf(fix, pattern.category);
      const proposer = await actorOf(storage, request);
      const at = now();
      const impact = patternImpact(
        pattern,
        await storage.listFailureExamples(projectId, pattern.id),
        { improvement: null, risk },
        at,
      );
      const comment =
        request.body.comment === undefined ? null : clientText(request.body.comment, MAX_COMMENT_LENGTH);
      const outcome = await storage.proposeFix(
        projectId,
        {
          patternId: pattern.id,
          function: pattern.function,
          candidateId: fixId(fix),
          fix,
          risk,
          comment,
          impact: {
            ...impact,
            reasons: [`proposed by ${proposer.name}: not measured, so a person decides whatever its risk`],
          },
          proposer,
        },
        at,
      );
      if (!outcome.ok) {
        throw new HttpError(
          409,
          outcome.reason === 'pending'
            ? 'This fix already waits for approval for this pattern'
            : 'This fix is already deployed',
        );
      }
      // Approvers hear of it as of the learner's requests; a slow or failing hook costs the caller nothing.
      const { approvalWebhookUrl } = resolveLearningSettings(
        (await storage.getLearningConfig(projectId)) ?? {},
      );
      if (approvalWebhookUrl !== null) {
        notifyApprovers(approvalWebhookUrl, projectId, [outcome.approval]).catch((error: unknown) =>
          request.log.warn({ err: error }, 'approval webhook failed'),
        );
      }
      reply.code(201);
      return approvalView(outcome.approval);
    },
  );
};
