// The plan a backend chooses for a Kysely query, as text, for tests that ask which index serves a
// read: SQLite's EXPLAIN QUERY PLAN on a read-only connection, PostgreSQL's EXPLAIN with sequential
// scans off (a test table is small enough for one to win; the question is whether an index serves).

import BetterSqlite3 from 'better-sqlite3';
import { type Compilable, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema.js';
import { inlineParameters } from './pg-inline-parameters.js';
import type { TestStorageBackend } from './test-databases.js';

export async function queryPlan(
  backend: TestStorageBackend,
  build: (db: Kysely<Database>) => Compilable,
): Promise<string> {
  if (backend.name === 'sqlite') {
    const sqlite = new BetterSqlite3(backend.location(), { readonly: true });
    try {
      const query = build(
        new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }),
      ).compile();
      return JSON.stringify(sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.parameters));
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: backend.location() });
  await client.connect();
  try {
    const query = build(
      new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) }),
    ).compile();
    await client.query('SET enable_seqscan = off');
    const { rows } = await client.query(`EXPLAIN ${inlineParameters(query)}`);
    return JSON.stringify(rows);
  } finally {
    await client.end();
  }
}
