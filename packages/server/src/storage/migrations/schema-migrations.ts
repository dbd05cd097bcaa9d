// The versioned migrations, written once for both dialects; `dialect` picks the SQL where they
// differ. Applied with Kysely's Migrator over a static list (no files read at run time, so the
// build output and the bundled CLI migrate the same way).

import { type Kysely, type MigrationProvider, Migrator } from 'kysely';
import type { Storage } from '../storage.js';
import { initialSchema } from './0001-initial-schema.js';
import { learningLoopSchema } from './0002-learning-loop.js';
import { dashboardSessionsSchema } from './0003-dashboard-sessions.js';
import { proposedFixesSchema } from './0004-proposed-fixes.js';
import { declaredOutputSchemasSchema } from './0005-declared-output-schemas.js';
import { retentionSchema } from './0006-retention.js';
import { leanEventIndexesSchema } from './0007-lean-event-indexes.js';
import { patternsByFunctionSchema } from './0008-patterns-by-function.js';
import { timelineIndexSchema } from './0009-timeline-index.js';

export type SqlDialect = Storage['dialect'];

export interface SchemaMigration {
  /** Sorts in the order migrations apply; never rename one that has shipped. */
  name: string;
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

/** Every migration, oldest first. Append only. */
export const SCHEMA_MIGRATIONS: readonly SchemaMigration[] = [
  initialSchema,
  learningLoopSchema,
  dashboardSessionsSchema,
  proposedFixesSchema,
  declaredOutputSchemasSchema,
  retentionSchema,
  leanEventIndexesSchema,
  patternsByFunctionSchema,
  timelineIndexSchema,
];

/** Kysely's static provider over the one list, bound to a dialect. */
export function schemaMigrationProvider(dialect: SqlDialect): MigrationProvider {
  return {
    async getMigrations() {
      return Object.fromEntries(
        SCHEMA_MIGRATIONS.map((m) => [m.name, { up: (db: Kysely<unknown>) => m.up(db, dialect) }]),
      );
    },
  };
}

/**
 * Applies the pending migrations; throws the first failure. The caller holds the cross-process
 * lock; `inCallerTransaction` when the caller already opened the transaction they run in.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: SqlDialect,
  inCallerTransaction: boolean,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: schemaMigrationProvider(dialect),
    disableTransactions: inCallerTransaction,
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}
