// Curriculum states by name, saved under an optimistic version so two learners cannot both win.

import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import { json } from './learning-rows.js';
import type { Storage } from './storage.js';

export type CurriculumQueries = Pick<Storage, 'getCurriculum' | 'saveCurriculum'>;

export function createCurriculumQueries(db: Kysely<Database>): CurriculumQueries {
  return {
    async getCurriculum(projectId, name) {
      const row = await db
        .selectFrom('curricula')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined
        ? undefined
        : { state: JSON.parse(row.state), version: row.version, updatedAt: row.updated_at };
    },

    async saveCurriculum(projectId, name, state, expectedVersion, at) {
      const values = { state: json(state), version: expectedVersion + 1, updated_at: at };
      const result =
        expectedVersion === 0
          ? await db
              .insertInto('curricula')
              .values({ project_id: projectId, name, ...values })
              .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
              .executeTakeFirst()
          : await db
              .updateTable('curricula')
              .set(values)
              .where('project_id', '=', projectId)
              .where('name', '=', name)
              .where('version', '=', expectedVersion)
              .executeTakeFirst();
      const changed =
        'numInsertedOrUpdatedRows' in result ? result.numInsertedOrUpdatedRows : result.numUpdatedRows;
      return Number(changed ?? 0n) === 1;
    },
  };
}
