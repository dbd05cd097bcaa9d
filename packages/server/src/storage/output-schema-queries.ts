// Declared output schemas (migration 0005), the same Kysely queries for both backends. The schema
// is stored as canonical JSON, so a function that declares the same schema on every batch costs
// a comparison, not a write, and keeps the time it was first declared.

import { canonicalJson } from '@arc-agent/core';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from './database-schema.js';
import { storedFunctionsQuery } from './function-cap.js';
import type { Storage } from './storage.js';

export type OutputSchemaQueries = Pick<Storage, 'saveOutputSchemas' | 'listOutputSchemas'>;

export function createOutputSchemaQueries(db: Kysely<Database>): OutputSchemaQueries {
  return {
    async saveOutputSchemas(projectId, schemas, at) {
      // One row per function: an upsert may not touch a row twice, so the last declaration wins.
      const latest = new Map(schemas.map((s) => [s.function, canonicalJson(s.schema)]));
      if (latest.size === 0) return;
      // Only functions the project has: one past the function cap (function-cap.ts) has none, so its
      // declarations would grow this table past the cap. Functions are never deleted.
      const known = await storedFunctionsQuery(db, projectId, [...latest.keys()]).execute();
      const stored = new Set(known.map((r) => r.key));
      for (const fn of latest.keys()) if (!stored.has(fn)) latest.delete(fn);
      if (latest.size === 0) return;
      await db
        .insertInto('output_schemas')
        .values(
          [...latest].map(([fn, schema]) => ({
            project_id: projectId,
            function: fn,
            schema,
            declared_at: at,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['project_id', 'function'])
            .doUpdateSet((eb) => ({
              schema: eb.ref('excluded.schema'),
              declared_at: eb.ref('excluded.declared_at'),
            }))
            // Text comparison: PostgreSQL's json type has no equality operator.
            .where(sql<SqlBool>`cast(output_schemas.schema as text) <> cast(excluded.schema as text)`),
        )
        .execute();
    },

    async listOutputSchemas(projectId, functions) {
      if (functions?.length === 0) return [];
      const rows = await db
        .selectFrom('output_schemas')
        .selectAll()
        .where('project_id', '=', projectId)
        .$if(functions !== undefined, (q) => q.where('function', 'in', functions as string[]))
        .orderBy('function')
        .execute();
      return rows.map((r) => ({
        function: r.function,
        schema: JSON.parse(r.schema) as Record<string, unknown>,
        declaredAt: r.declared_at,
      }));
    },
  };
}
