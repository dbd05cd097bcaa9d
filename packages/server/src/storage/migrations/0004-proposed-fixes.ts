// Fixes a person proposes (POST /v1/patterns/:id/fixes) are learning results too, so that they are
// approved and deployed the way learned ones are; these columns say where a result came from. A
// proposal was never measured: its improvement, confidence, rates, trials and examples are 0.

import type { Kysely } from 'kysely';
import type { SchemaMigration } from './schema-migrations.js';

export const proposedFixesSchema: SchemaMigration = {
  name: '0004-proposed-fixes',
  async up(db: Kysely<unknown>) {
    // Results stored before this migration were all learned.
    await db.schema
      .alterTable('learning_results')
      .addColumn('source', 'text', (c) => c.notNull().defaultTo('learner'))
      .execute();
    await db.schema.alterTable('learning_results').addColumn('proposed_by', 'text').execute();
    await db.schema.alterTable('learning_results').addColumn('proposed_by_key_id', 'text').execute();
  },
};
