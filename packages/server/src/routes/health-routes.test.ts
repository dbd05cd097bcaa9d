import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

describe.each(openTestStorages())('health ($name)', (backend) => {
  let storage: Storage;
  let server: TestServer;

  beforeAll(async () => {
    storage = await backend.open();
    server = await startTestServer(storage);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('healthz and readyz answer 200 without a key while the database is up', async () => {
    expect(await server.request('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await server.request('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('readyz answers 503 once the database is gone; healthz still 200', async () => {
    await storage.close();
    const ready = await server.request('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ error: expect.any(String) });
    expect((await server.request('GET', '/healthz')).status).toBe(200);
  });
});
