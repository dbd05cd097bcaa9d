// Whether an error says the database could not be used just now (down, restarting, out of
// connections, locked, closed), rather than that the request or the server is at fault. Such a
// request is answered 503 with Retry-After: OTLP exporters retry only 429, 502, 503 and 504, and
// Arc's ingest is idempotent, so a retry once the database is back stores what a 500 would lose.

import BetterSqlite3 from 'better-sqlite3';

/**
 * SQLSTATE classes and codes of a database that cannot serve now: connection exceptions (08),
 * insufficient resources (53: disk full, out of memory, too many connections), shutdown and
 * start-up (57P01–57P03), a lock or statement timeout (55P03, 57014), a database not accepting
 * connections (55000, as ALTER DATABASE … ALLOW_CONNECTIONS false and a restart give), and the
 * conflicts a retry resolves (40001 serialization failure, 40P01 deadlock).
 */
const PG_CLASSES = ['08', '53'];
const PG_CODES = new Set(['57P01', '57P02', '57P03', '55P03', '57014', '55000', '40001', '40P01']);
/** Socket errors on the way to the database. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * What is said without a code: node-postgres of a lost connection, a full pool, a pool already
 * closed; Kysely of a storage already closed (a request that outlives shutdown, which another
 * replica, or this one restarted, can take).
 */
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Cannot use a pool after calling end on the pool',
  'driver has already been destroyed',
];
/** SQLite result codes of a database busy, locked, failing its I/O, full or unopenable. */
const SQLITE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
];
/** What better-sqlite3 throws (a TypeError) once its database is closed, as during shutdown. */
const SQLITE_CLOSED = 'The database connection is not open';
/** Causes followed: storage wraps what it cannot recover from (a connection in an unknown state). */
const MAX_CAUSES = 4;

export function isStorageUnavailable(error: unknown): boolean {
  let node = error;
  for (let depth = 0; depth <= MAX_CAUSES && node instanceof Error; depth++) {
    if (unavailable(node)) return true;
    node = node.cause;
  }
  return false;
}

function unavailable(error: Error): boolean {
  if (error instanceof BetterSqlite3.SqliteError)
    return SQLITE_CODES.some((code) => error.code.startsWith(code));
  if (error instanceof TypeError) return error.message === SQLITE_CLOSED;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || PG_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && PG_CLASSES.includes(code.slice(0, 2))) return true;
  }
  return MESSAGES.some((message) => error.message.startsWith(message));
}
