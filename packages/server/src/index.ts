export type { FailuresIngestedData, PatternCreatedData } from './storage/ingest-plan.js';
export { DEFAULT_SQLITE_FILE, openStorage, type StorageTarget, storageTarget } from './storage/open-storage.js';
export { InvalidCursorError } from './storage/pattern-cursor.js';
export { createPostgresStorage, type PostgresStorageOptions } from './storage/postgres-storage.js';
export { createSqliteStorage, type SqliteStorageOptions } from './storage/sqlite-storage.js';
export * from './storage/storage.js';
export type { StorageErrorHandler } from './storage/stream-listeners.js';
