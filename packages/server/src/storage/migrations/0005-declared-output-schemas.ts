// The output schema each tracked function last declared (the SDK's `outputSchema` track option):
// what candidate generators force structured output against and coerce to. One row per function,
// replaced when a different schema arrives.

import { type Kysely, sql } from 'kysely';
import type { SchemaMigration } from './schema-migrations.js';

export const declaredOutputSchemasSchema: SchemaMigration = {
  name: '0005-declared-output-schemas',
  async up(db: Kysely<unknown>, dialect) {
    const pg = dialect === 'postgres';
    // Same column conventions as 0001: byte-order keys, int8 times, verbatim JSON.
    const key = pg ? sql`text collate "C"` : sql`text`;
    const int8 = pg ? 'bigint' : 'integer';
    const json = pg ? 'json' : 'text';

    await db.schema
      .createTable('output_schemas')
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('function', key, (c) => c.notNull())
      .addColumn('schema', json, (c) => c.notNull())
      .addColumn('declared_at', int8, (c) => c.notNull())
      .addPrimaryKeyConstraint('output_schemas_pkey', ['project_id', 'function'])
      .execute();
  },
};
