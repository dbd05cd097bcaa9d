// The SQLite file holds every captured input and output, sessions and key hashes: only its owner
// may read it. Modes are set with chmod after creating, so no umask widens or narrows them.

import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const PRIVATE_FOLDER_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the file's folder 0700 (every level it creates; a folder that exists is the user's and
 * keeps its mode) and the file 0600, and makes an existing file, with any WAL and shared-memory
 * files left beside it, 0600. The -wal and -shm files SQLite creates later take the database
 * file's mode.
 */
export function preparePrivateDatabaseFile(file: string): void {
  const path = resolve(file);
  const folder = dirname(path);
  const firstCreated = mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  if (firstCreated !== undefined) {
    for (let level = folder; ; level = dirname(level)) {
      chmodSync(level, PRIVATE_FOLDER_MODE);
      if (level === firstCreated) break;
    }
  }
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const companion of [path, `${path}-wal`, `${path}-shm`]) restrictToOwner(companion);
}

function restrictToOwner(path: string): void {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats !== undefined && (stats.mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(path, PRIVATE_FILE_MODE);
}
