// The curriculum external trainers drive (VERL's curriculum sampler, DESIGN.md section 1): SEC over
// their arms, with the project's α, τ and unsampled-arm policy, kept apart from the learner's own curriculum so neither
// overwrites the other's Q values. Replicas share it through storage; each change is a
// read-modify-write that only saves over the version it read, retried when another got there first.

import { SecCurriculum, type SecCurriculumJSON } from '@arc-agent/core';
import { MAX_ARMS } from '../schemas/curriculum-schemas.js';
import type { Storage } from '../storage/storage.js';
import { type LearningSettings, secOptionsOf } from './learning-settings.js';

export const TRAINER_CURRICULUM = 'trainer';
const ATTEMPTS = 10;

/** Another writer kept winning the race for the curriculum. */
export class CurriculumBusyError extends Error {
  constructor() {
    super('the curriculum changed under every attempt to update it; try again');
    this.name = 'CurriculumBusyError';
  }
}

/** A change would have the curriculum keep state for more than MAX_ARMS arms. */
export class CurriculumFullError extends Error {
  constructor(arms: number) {
    super(
      `the trainer curriculum keeps at most ${MAX_ARMS} arms; this change would make it ${arms} ` +
        '(DELETE /v1/curriculum/trainer starts it afresh)',
    );
    this.name = 'CurriculumFullError';
  }
}

type SecSettings = Pick<LearningSettings, 'alpha' | 'temperature' | 'unsampled'>;

/** The trainer curriculum before its first change: no arms, seeded by the project. */
function freshTrainerCurriculum(projectId: string, settings: SecSettings): SecCurriculum {
  return new SecCurriculum({
    alpha: settings.alpha,
    temperature: settings.temperature,
    unsampled: settings.unsampled,
    seed: `${TRAINER_CURRICULUM}:${projectId}`,
  });
}

/** The trainer curriculum as stored (a fresh one, seeded by the project, before its first change). */
export async function loadTrainerCurriculum(
  storage: Storage,
  projectId: string,
  settings: SecSettings,
): Promise<{ curriculum: SecCurriculum; version: number }> {
  const stored = await storage.getCurriculum(projectId, TRAINER_CURRICULUM);
  if (stored === undefined) return { curriculum: freshTrainerCurriculum(projectId, settings), version: 0 };
  const json = stored.state as SecCurriculumJSON;
  const curriculum = SecCurriculum.fromJSON({ ...json, options: secOptionsOf(json.options, settings) });
  return { curriculum, version: stored.version };
}

/** Applies `change` to the current curriculum and saves it; retried on concurrent changes. Past MAX_ARMS arms nothing is saved. */
export async function changeTrainerCurriculum<T>(
  storage: Storage,
  projectId: string,
  settings: SecSettings,
  change: (curriculum: SecCurriculum) => T,
  now: () => number,
): Promise<{ value: T; curriculum: SecCurriculum }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { curriculum, version } = await loadTrainerCurriculum(storage, projectId, settings);
    const value = change(curriculum);
    // Its state is one stored value, read and written whole by every call: new arm names may not grow it without bound.
    const arms = curriculum.knownArms().length;
    if (arms > MAX_ARMS) throw new CurriculumFullError(arms);
    if (await storage.saveCurriculum(projectId, TRAINER_CURRICULUM, curriculum.toJSON(), version, now())) {
      return { value, curriculum };
    }
  }
  throw new CurriculumBusyError();
}

/**
 * Starts the trainer curriculum afresh, as before its first change (a trainer's new run, or arms it
 * no longer has keeping new ones out past MAX_ARMS). Saved over the version it read, as changes
 * are: a change racing it lands either before (and is dropped with the rest) or after, on the fresh
 * one. Returns how many arms it dropped.
 */
export async function resetTrainerCurriculum(
  storage: Storage,
  projectId: string,
  settings: SecSettings,
  now: () => number,
): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { curriculum, version } = await loadTrainerCurriculum(storage, projectId, settings);
    if (version === 0) return 0;
    const fresh = freshTrainerCurriculum(projectId, settings).toJSON();
    if (await storage.saveCurriculum(projectId, TRAINER_CURRICULUM, fresh, version, now())) {
      return curriculum.knownArms().length;
    }
  }
  throw new CurriculumBusyError();
}
