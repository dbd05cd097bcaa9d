// Dashboard sign-in sessions: a browser trades a key for a session cookie. Only the SHA-256 of the
// session token is kept, so the table, like api_keys, holds nothing a thief could sign in with.

import { type Kysely, sql } from 'kysely';
import type { SchemaMigration } from './schema-migrations.js';

export const dashboardSessionsSchema: SchemaMigration = {
  name: '0003-dashboard-sessions',
  async up(db: Kysely<unknown>, dialect) {
    const pg = dialect === 'postgres';
    const key = pg ? sql`text collate "C"` : sql`text`;
    const int8 = pg ? 'bigint' : 'integer';

    await db.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('project_id', key, (c) => c.notNull().references('projects.id'))
      .addColumn('key_id', key, (c) => c.notNull().references('api_keys.id'))
      .addColumn('created_at', int8, (c) => c.notNull())
      .addColumn('expires_at', int8, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_expiry').on('sessions').column('expires_at').execute();
  },
};
