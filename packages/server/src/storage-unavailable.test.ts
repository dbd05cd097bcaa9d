import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_RETRY_AFTER_SECONDS } from './error-handler.js';
import { attr, span, traceRequest } from './otlp/otlp-request.fixture.js';
import type { Storage } from './storage/storage.js';
import { openTestStorages, testPostgresAdminUrl } from './storage/test-databases.js';
import { isStorageUnavailable } from './storage-unavailable.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isStorageUnavailable', () => {
  it('knows a database that cannot serve now from a fault of the request or the server', () => {
    const sqliteBusy = new BetterSqlite3.SqliteError('database is locked', 'SQLITE_BUSY');
    expect(isStorageUnavailable(sqliteBusy)).toBe(true);
    expect(isStorageUnavailable(new BetterSqlite3.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE'))).toBe(
      true,
    );
    expect(isStorageUnavailable(new TypeError('The database connection is not open'))).toBe(true);
    expect(isStorageUnavailable(coded('terminating connection due to administrator command', '57P01'))).toBe(
      true,
    );
    expect(isStorageUnavailable(coded('connection failure', '08006'))).toBe(true);
    expect(isStorageUnavailable(coded('sorry, too many clients already', '53300'))).toBe(true);
    expect(isStorageUnavailable(coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isStorageUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStorageUnavailable(new Error('driver has already been destroyed'))).toBe(true);
    // Wrapped, as storage wraps what leaves a connection in an unknown state.
    expect(isStorageUnavailable(new Error('connection state unknown', { cause: sqliteBusy }))).toBe(true);

    expect(
      isStorageUnavailable(new BetterSqlite3.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT')),
    ).toBe(false);
    expect(isStorageUnavailable(coded('duplicate key value violates unique constraint', '23505'))).toBe(
      false,
    );
    expect(isStorageUnavailable(coded('syntax error', '42601'))).toBe(false);
    expect(isStorageUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(
      false,
    );
    expect(isStorageUnavailable('ECONNREFUSED')).toBe(false);
  });
});

const event = (id: string) => ({ id, kind: 'failure', function: 'f', error: { type: 'E', message: 'm' } });
const verdict = (id: string) => ({
  id,
  callId: `call-${id}`,
  function: 'f',
  score: 0,
  timestamp: '2025-03-01T10:00:00.000Z',
});
const tool = () =>
  span({
    name: 'execute_tool get_weather',
    attributes: [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 'get_weather')],
    status: { code: 2, message: 'timed out' },
  });

describe.each(openTestStorages())('ingest while the database is down ($name)', (backend) => {
  let storage: Storage;
  let server: TestServer;
  let key: string;

  beforeAll(async () => {
    storage = await backend.open({ onError: () => {} });
    server = await startTestServer(storage);
    key = await server.key(['ingest']);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const ingest = () =>
    Promise.all([
      server.request('POST', '/v1/events', { key, body: { events: [event('e1')] } }),
      server.request('POST', '/v1/feedback', { key, body: { feedback: [verdict('v1')] } }),
      server.request('POST', '/v1/traces', { key, body: traceRequest([tool()]) }),
    ]);

  /** Takes the database away for real: PostgreSQL refuses connections and ends those open; SQLite's is closed. */
  async function takeDown(): Promise<() => Promise<void>> {
    if (backend.name === 'sqlite') {
      await storage.close();
      return async () => {};
    }
    const name = new URL(backend.location()).pathname.slice(1);
    const admin = new pg.Client({ connectionString: testPostgresAdminUrl() });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    // Termination is signalled, not awaited: the test goes on once no connection is left.
    const open = async () =>
      Number(
        (await admin.query('SELECT count(*) FROM pg_stat_activity WHERE datname = $1', [name])).rows[0].count,
      );
    while ((await open()) > 0) await new Promise((resolve) => setImmediate(resolve));
    return async () => {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    };
  }

  it('answers 503 with Retry-After and a JSON body, which exporters and the SDKs retry, and stores the retry', async () => {
    expect((await ingest()).map((r) => r.status)).toEqual([202, 202, 200]);
    const bringUp = await takeDown();
    try {
      for (const answer of await ingest()) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe(String(STORAGE_RETRY_AFTER_SECONDS));
        expect(answer.body).toMatchObject({ error: 'Storage unavailable: retry later' });
      }
    } finally {
      await bringUp();
    }
    if (backend.name === 'sqlite') return;
    // The database back, the retries are taken; ingest is idempotent, so nothing is stored twice.
    const retried = await ingest();
    expect(retried.map((r) => r.status)).toEqual([202, 202, 200]);
    expect(retried[0]!.body).toMatchObject({ duplicates: 1 });
  });
});
