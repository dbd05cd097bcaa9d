// A project's learning configuration, one JSON document per project.

import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import { json } from './learning-rows.js';
import type { Storage } from './storage.js';

export type LearningConfigQueries = Pick<Storage, 'getLearningConfig' | 'saveLearningConfig'>;

export function createLearningConfigQueries(db: Kysely<Database>): LearningConfigQueries {
  return {
    async getLearningConfig(projectId) {
      const row = await db
        .selectFrom('learning_config')
        .select('config')
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return row === undefined ? undefined : (JSON.parse(row.config) as Record<string, unknown>);
    },

    async saveLearningConfig(projectId, config, at) {
      await db
        .insertInto('learning_config')
        .values({ project_id: projectId, config: json(config), updated_at: at })
        .onConflict((oc) => oc.column('project_id').doUpdateSet({ config: json(config), updated_at: at }))
        .execute();
    },
  };
}
