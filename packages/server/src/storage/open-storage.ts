// `--db` to a storage: nothing means the embedded SQLite file under .arc/, a postgres:// or
// postgresql:// URL means PostgreSQL, another scheme:// is an error (not a file of that name),
// anything else is a SQLite file path. Every error names the setting (--db, or ARC_DB where the value
// came from there) and masks the URL's password.

import { createPostgresStorage } from './postgres-storage.js';
import { createSqliteStorage } from './sqlite-storage.js';
import type { Storage } from './storage.js';

export const DEFAULT_SQLITE_FILE = '.arc/arc.db';

export type StorageTarget =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; connectionString: string };

/** `named`: what messages call the setting, --db or the ARC_DB environment variable. */
export function storageTarget(db: string | undefined, named = '--db'): StorageTarget {
  if (db === undefined) return { dialect: 'sqlite', file: DEFAULT_SQLITE_FILE };
  // Two letters at least, so that a Windows drive (C://…) stays a path.
  const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(db)?.[1];
  if (scheme === undefined) return { dialect: 'sqlite', file: db };
  if (/^postgres(ql)?$/i.test(scheme)) return { dialect: 'postgres', connectionString: db };
  throw new Error(
    `${named} ${shownDb(db)}: unknown scheme ${scheme}:// (expected a SQLite file path or a postgres:// URL)`,
  );
}

/** `db` as messages show it: the password of a URL's user info and of a password= parameter masked. */
export function shownDb(db: string): string {
  return db
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)(.*)@/i, (_all, scheme: string, userInfo: string) => {
      const colon = userInfo.indexOf(':');
      return `${scheme}${colon === -1 ? userInfo : `${userInfo.slice(0, colon)}:***`}@`;
    })
    .replace(/([?&]password=)[^&]*/gi, '$1***');
}

export interface OpenStorageOptions {
  /** SQLite: checkpoints in a thread of their own (the server's ingest; SqliteStorageOptions). */
  checkpointThread?: boolean;
  /** What messages call the setting: --db by default, ARC_DB where the value came from there. */
  named?: string;
}

/** Creates the storage `db` names and applies pending migrations. */
export async function openStorage(
  db: string | undefined,
  options: OpenStorageOptions = {},
): Promise<Storage> {
  const named = options.named ?? '--db';
  const target = storageTarget(db, named);
  let storage: Storage | undefined;
  try {
    storage =
      target.dialect === 'postgres'
        ? createPostgresStorage({ connectionString: target.connectionString })
        : createSqliteStorage({ file: target.file, checkpointThread: options.checkpointThread === true });
    await storage.migrate();
    return storage;
  } catch (error) {
    await storage?.close();
    // pg and SQLite say what failed ("Invalid URL", "unable to open database file"), not where.
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open ${named} ${shownDb(db ?? DEFAULT_SQLITE_FILE)}: ${reason}`, {
      cause: error,
    });
  }
}
