// `--db` to a storage: nothing means the embedded SQLite file under .arc/, a postgres:// or
// postgresql:// URL means PostgreSQL, anything else is a SQLite file path.

import { createPostgresStorage } from './postgres-storage.js';
import { createSqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

export const DEFAULT_SQLITE_FILE = '.arc/arc.db';

export type StorageTarget =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; connectionString: string };

export function storageTarget(db: string | undefined): StorageTarget {
  if (db === undefined) return { dialect: 'sqlite', file: DEFAULT_SQLITE_FILE };
  if (/^postgres(ql)?:\/\//i.test(db)) return { dialect: 'postgres', connectionString: db };
  return { dialect: 'sqlite', file: db };
}

export interface OpenStorageOptions {
  /** SQLite: checkpoints in a thread of their own (the server's ingest; SqliteStorageOptions). */
  checkpointThread?: boolean;
}

/** Creates the storage `db` names and applies pending migrations. */
export async function openStorage(
  db: string | undefined,
  options: OpenStorageOptions = {},
): Promise<Storage> {
  const target = storageTarget(db);
  const storage =
    target.dialect === 'postgres'
      ? createPostgresStorage({ connectionString: target.connectionString })
      : createSqliteStorage({ file: target.file, checkpointThread: options.checkpointThread === true });
  try {
    await storage.migrate();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}
