// /v1/curriculum: GET shows a curriculum: the learner's by default (arms are patterns, with the
// probabilities its next step draws them with under the project's curriculum), or the SEC
// curriculum of external trainers; sample and update let an external trainer (VERL) use SEC as
// its curriculum sampler, on a curriculum of its own; DELETE /curriculum/trainer starts that afresh.

import { drawProbabilities, learnerStateFromJSON, SecCurriculum } from '@arc-agent/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clientIdentifier } from '../client-text.js';
import { HttpError } from '../http-error.js';
import {
  type LearningSettings,
  learnerConfigOf,
  loadLearningSettings,
  secOptionsOf,
} from '../learner/learning-settings.js';
import {
  CurriculumBusyError,
  CurriculumFullError,
  changeTrainerCurriculum,
  loadTrainerCurriculum,
  resetTrainerCurriculum,
} from '../learner/trainer-curriculum.js';
import {
  CurriculumQuerySchema,
  CurriculumSchema,
  MAX_ARMS,
  ResetResponseSchema,
  SampleBodySchema,
  SampleResponseSchema,
  UpdateBodySchema,
  UpdateResponseSchema,
} from '../schemas/curriculum-schemas.js';
import { errorResponses } from '../schemas/error-schemas.js';
import { MAX_ID_LENGTH } from '../schemas/event-schemas.js';
import type { Storage } from '../storage/storage.js';
import type { LearningRouteDeps } from './learning-route-deps.js';
import { BEARER_SECURITY } from './route-deps.js';

/** The trainer's arms: each with its state and its probability in softmax(Q / τ) over them. */
function trainerArms(curriculum: SecCurriculum, arms: readonly string[]) {
  const probabilities = curriculum.probabilities(arms);
  return arms.map((arm, i) => {
    const { q, pulls, updates, history } = curriculum.armStats(arm);
    return {
      arm,
      q,
      probability: probabilities[i]!,
      eligible: true,
      recentFailures: null,
      pulls,
      updates,
      history,
    };
  });
}

/**
 * The learner's curriculum: its patterns (and any arm SEC knows), each with what the next step draws
 * it with under the project's curriculum and settings, as core computes it for the draw itself.
 */
async function learnerCurriculum(storage: Storage, projectId: string, settings: LearningSettings) {
  const stored = await storage.getLearnerState(projectId);
  const state = stored === undefined ? undefined : learnerStateFromJSON(stored.state);
  const curriculum =
    state === undefined
      ? new SecCurriculum({
          alpha: settings.alpha,
          temperature: settings.temperature,
          unsampled: settings.unsampled,
        })
      : SecCurriculum.fromJSON({ ...state.sec, options: secOptionsOf(state.sec.options, settings) });
  const drawn = new Map(
    (state === undefined
      ? []
      : drawProbabilities({ ...state, sec: curriculum.toJSON() }, learnerConfigOf(settings))
    ).map((a) => [a.patternId, a]),
  );
  const traffic = new Map(state?.patterns.map((p) => [p.id, p.traffic?.recentFailures ?? null]));
  // The learner's patterns, also those it has not drawn yet (Q 0).
  const arms = [...new Set([...(state?.patterns.map((p) => p.id) ?? []), ...curriculum.knownArms()])];
  return {
    curriculum,
    arms: arms.map((arm) => {
      const { q, pulls, updates, history } = curriculum.armStats(arm);
      const draw = drawn.get(arm);
      return {
        arm,
        q,
        probability: draw?.probability ?? 0,
        eligible: draw !== undefined,
        recentFailures: traffic.get(arm) ?? null,
        pulls,
        updates,
        history,
      };
    }),
  };
}

/** The project's pattern ids, the default arms of a trainer. */
async function patternIds(storage: Storage, projectId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  while (ids.length < MAX_ARMS) {
    const page = await storage.listPatterns(projectId, {
      sort: 'occurrences',
      limit: 200,
      ...(cursor !== undefined ? { cursor } : {}),
    });
    // Not overflow patterns: a mix of unrelated failures is no problem to learn (pattern-cap.ts).
    ids.push(...page.patterns.filter((p) => !p.overflow).map((p) => p.id));
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return ids.slice(0, MAX_ARMS);
}

/** The 409s of a change to the trainer curriculum; `field` holds the arms it was given. */
function refused(field: '/arms' | '/rewards') {
  return (error: unknown): never => {
    if (error instanceof CurriculumBusyError) throw new HttpError(409, error.message);
    if (error instanceof CurriculumFullError) {
      throw new HttpError(409, 'Too many arms', { details: [{ path: field, message: error.message }] });
    }
    throw error;
  };
}

export const curriculumRoutes: FastifyPluginAsyncTypebox<LearningRouteDeps> = async (
  app,
  { storage, requireScope, now },
) => {
  app.get(
    '/curriculum',
    {
      schema: {
        summary: 'A curriculum: arms with the probability the next draw gives them, Q, pulls and Q history',
        tags: ['curriculum'],
        security: BEARER_SECURITY,
        querystring: CurriculumQuerySchema,
        response: { 200: CurriculumSchema, ...errorResponses(400, 401, 403) },
      },
      onRequest: requireScope('read'),
    },
    async (request) => {
      const { projectId } = request.auth!;
      const settings = await loadLearningSettings(storage, projectId);
      if (request.query.curriculum === 'trainer') {
        const { curriculum } = await loadTrainerCurriculum(storage, projectId, settings);
        return {
          curriculum: 'trainer' as const,
          draw: 'sec' as const,
          step: curriculum.step,
          alpha: curriculum.options.alpha,
          temperature: curriculum.options.temperature,
          arms: trainerArms(curriculum, curriculum.knownArms()),
        };
      }
      const { curriculum, arms } = await learnerCurriculum(storage, projectId, settings);
      return {
        curriculum: 'learner' as const,
        draw: settings.curriculum,
        step: curriculum.step,
        alpha: curriculum.options.alpha,
        temperature: curriculum.options.temperature,
        arms,
      };
    },
  );

  app.post(
    '/curriculum/sample',
    {
      schema: {
        summary: 'Draw arms from the trainer curriculum: B independent draws from softmax(Q / τ)',
        tags: ['curriculum'],
        security: BEARER_SECURITY,
        body: SampleBodySchema,
        response: { 200: SampleResponseSchema, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
      onRequest: requireScope('worker'),
    },
    async (request) => {
      const { projectId, credential } = request.auth!;
      const sent = request.body.arms;
      // A trainer's own arm names are stored with the curriculum: redacted, stable across calls.
      const arms =
        sent?.map((arm) => clientIdentifier(arm, credential, MAX_ID_LENGTH)) ??
        (await patternIds(storage, projectId));
      if (arms.length === 0)
        throw new HttpError(409, 'No arms to draw from: send arms, or ingest failures first');
      const settings = await loadLearningSettings(storage, projectId);
      const { value, curriculum } = await changeTrainerCurriculum(
        storage,
        projectId,
        settings,
        (c) => ({ probabilities: c.probabilities(arms), draws: c.sample(arms, request.body.batchSize) }),
        now,
      ).catch(refused('/arms'));
      // Answered in the names the trainer sent, which it knows its arms by: a name redacted for
      // storage would otherwise come back as an arm the trainer does not have.
      const sentName = new Map(arms.map((arm, i) => [arm, sent?.[i] ?? arm]));
      return {
        draws: value.draws.map((arm) => sentName.get(arm)!),
        probabilities: Object.fromEntries(
          arms.map((arm, i) => [sentName.get(arm)!, value.probabilities[i]!]),
        ),
        step: curriculum.step,
      };
    },
  );

  app.post(
    '/curriculum/update',
    {
      schema: {
        summary: 'Reward arms of the trainer curriculum: Q ← α·r + (1 − α)·Q (one step)',
        tags: ['curriculum'],
        security: BEARER_SECURITY,
        body: UpdateBodySchema,
        response: { 200: UpdateResponseSchema, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
      onRequest: requireScope('worker'),
    },
    async (request) => {
      const { projectId, credential } = request.auth!;
      const settings = await loadLearningSettings(storage, projectId);
      const sent = Object.entries(request.body.rewards);
      const kept = sent.map(([arm]) => clientIdentifier(arm, credential, MAX_ID_LENGTH));
      const rewards = Object.fromEntries(sent.map(([, reward], i) => [kept[i]!, reward]));
      const { curriculum } = await changeTrainerCurriculum(
        storage,
        projectId,
        settings,
        (c) => c.update(rewards),
        now,
      ).catch(refused('/rewards'));
      return {
        step: curriculum.step,
        // In the names sent, as samples are answered.
        arms: sent.map(([arm], i) => ({ arm, q: curriculum.q(kept[i]!) })),
      };
    },
  );

  app.delete(
    '/curriculum/trainer',
    {
      schema: {
        summary:
          'Start the trainer curriculum afresh: drop every arm with its Q, pulls and history (step 0), ' +
          `as a new training run would, or to take new arms once it keeps ${MAX_ARMS}`,
        tags: ['curriculum'],
        security: BEARER_SECURITY,
        response: { 200: ResetResponseSchema, ...errorResponses(401, 403, 409) },
      },
      // The trainer's own key resets it, as it samples and updates it.
      onRequest: requireScope('worker'),
    },
    async (request) => {
      const { projectId } = request.auth!;
      const settings = await loadLearningSettings(storage, projectId);
      const removedArms = await resetTrainerCurriculum(storage, projectId, settings, now).catch(
        refused('/arms'),
      );
      return { removedArms, step: 0 };
    },
  );
};
