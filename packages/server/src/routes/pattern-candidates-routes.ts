// GET /v1/patterns/:id/candidates: the candidate fixes the learner is judging for a pattern, with
// the fix policy's probabilities and the Beta posteriors their verdicts rest on (core's
// judgeCandidates with the project's settings), read from the learner's persisted state.

import {
  fixPolicyOf,
  judgeCandidates,
  learnerStateFromJSON,
  posteriorMean,
  resolveLearnerConfig,
} from '@arc-agent/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.js';
import { learnerConfigOf, loadLearningSettings } from '../learner/learning-settings.js';
import { CandidateListSchema } from '../schemas/candidate-schemas.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { PatternParamsSchema } from '../schemas/pattern-schemas.js';
import { BEARER_SECURITY, type RouteDeps } from './route-deps.js';

export const patternCandidatesRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (
  app,
  { storage, requireScope },
) => {
  app.get(
    '/patterns/:id/candidates',
    {
      schema: {
        summary: 'Candidate fixes of a pattern with their success posteriors',
        tags: ['patterns'],
        security: BEARER_SECURITY,
        params: PatternParamsSchema,
        response: { 200: CandidateListSchema, ...errorResponses(400, 401, 403, 404) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { projectId } = request.auth!;
      const patternId = request.params.id;
      if ((await storage.getPattern(projectId, patternId)) === undefined) {
        throw new HttpError(404, 'Pattern not found');
      }
      const stored = await storage.getLearnerState(projectId);
      const state = stored === undefined ? undefined : learnerStateFromJSON(stored.state);
      const pattern = state?.patterns.find((p) => p.id === patternId);
      const step = state?.step ?? 0;
      if (pattern === undefined)
        return { patternId, step, learning: false, exhausted: false, candidates: [] };

      const config = resolveLearnerConfig(learnerConfigOf(await loadLearningSettings(storage, projectId)));
      const verdicts = new Map(judgeCandidates(pattern, config).map((v) => [v.candidateId, v]));
      const probabilities = fixPolicyOf(pattern).probabilities();
      return {
        patternId,
        step,
        learning: true,
        exhausted: pattern.exhausted,
        candidates: pattern.candidates.map((c, i) => {
          const verdict = verdicts.get(c.id);
          return {
            id: c.id,
            incumbent: i === 0,
            fix: c.fix as unknown as Record<string, unknown> | null,
            origin: c.origin,
            rationale: c.rationale,
            policyProbability: probabilities[i]!,
            failing: c.failing,
            guard: c.guard,
            examples: c.examples.length,
            posteriorMean: posteriorMean(c.failing),
            probabilityBeatsIncumbent: verdict?.comparison.probabilityBetter ?? null,
            guardPasses: verdict?.guardPasses ?? null,
            accepted: verdict?.accepted ?? false,
          };
        }),
      };
    },
  );
};
