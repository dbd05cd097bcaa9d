// Real databases for tests, one per backend, so any test file can run against both:
//
//   describe.each(openTestStorages())('$name', (backend) => {
//     let storage: Storage;
//     beforeAll(async () => { storage = await backend.open(); });
//     afterAll(() => backend.cleanup());
//   });
//
// SQLite gets a file in a fresh temporary folder; PostgreSQL a fresh database on the server that
// ARC_TEST_PG_URL (a superuser URL) names, dropped by cleanup(). Without that variable the
// PostgreSQL backend fails loudly: skipping would let a broken backend pass.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPostgresStorage } from './postgres-storage.js';
import { createSqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';
import type { StorageErrorHandler } from './stream-listeners.js';

export interface TestStorageOptions {
  /** Stream events kept per project (default: the storage's own). */
  streamRetention?: number;
  /** Where the instance reports listener errors and lost connections (default: stderr). */
  onError?: StorageErrorHandler;
}

export interface TestStorageBackend {
  readonly name: Storage['dialect'];
  /**
   * A new, migrated storage instance. Instances of one backend share its database (the database is
   * created on the first call), so two of them behave like two replicas.
   */
  open(options?: TestStorageOptions): Promise<Storage>;
  /** What `--db` would take for this database (file path or URL); throws before the first open(). */
  location(): string;
  /** Closes every instance opened and deletes the database. */
  cleanup(): Promise<void>;
}

export const TEST_PG_URL_VARIABLE = 'ARC_TEST_PG_URL';

/** Both backends; nothing is created until open() is called. */
export function openTestStorages(): TestStorageBackend[] {
  return [sqliteTestBackend(), postgresTestBackend()];
}

/** The superuser URL of the test PostgreSQL server; throws a clear error when it is not set. */
export function testPostgresAdminUrl(): string {
  const url = process.env[TEST_PG_URL_VARIABLE];
  if (url === undefined || url === '') {
    throw new Error(
      `${TEST_PG_URL_VARIABLE} is not set: the PostgreSQL storage tests need a superuser URL such as ` +
        'postgres://arc:arc@127.0.0.1:5432/postgres. Run `source scripts/ensure-postgres.sh` first (make test does).',
    );
  }
  return url;
}

function sqliteTestBackend(): TestStorageBackend {
  let folder: string | undefined;
  const opened: Storage[] = [];
  const file = () => {
    if (folder === undefined) throw new Error('open() the test storage first');
    return join(folder, 'arc.db');
  };
  return {
    name: 'sqlite',
    location: file,
    async open(options = {}) {
      folder ??= mkdtempSync(join(tmpdir(), 'arc-storage-'));
      const storage = createSqliteStorage({ file: file(), ...options });
      opened.push(storage);
      await storage.migrate();
      return storage;
    },
    async cleanup() {
      await closeAll(opened);
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
      folder = undefined;
    },
  };
}

function postgresTestBackend(): TestStorageBackend {
  let database: Promise<{ name: string; url: string }> | undefined;
  let url: string | undefined;
  const opened: Storage[] = [];
  const create = async () => {
    const admin = testPostgresAdminUrl();
    const name = `arc_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await asAdmin(admin, `CREATE DATABASE ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return { name, url: url.toString() };
  };
  return {
    name: 'postgres',
    location() {
      if (url === undefined) throw new Error('open() the test storage first');
      return url;
    },
    async open(options = {}) {
      database ??= create();
      url = (await database).url;
      const storage = createPostgresStorage({ connectionString: url, poolSize: 4, ...options });
      opened.push(storage);
      await storage.migrate();
      return storage;
    },
    async cleanup() {
      await closeAll(opened);
      const creating = database;
      database = undefined;
      url = undefined;
      // A database that failed to be created has nothing to drop; open() reported why.
      const created = await creating?.catch(() => undefined);
      if (created === undefined) return;
      await asAdmin(testPostgresAdminUrl(), `DROP DATABASE IF EXISTS ${created.name} WITH (FORCE)`);
    },
  };
}

async function closeAll(storages: Storage[]): Promise<void> {
  const closing = storages.splice(0).map((s) => s.close());
  await Promise.all(closing);
}

async function asAdmin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
