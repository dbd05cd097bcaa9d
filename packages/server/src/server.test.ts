import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from './api-keys.js';
import { startServer } from './server.js';
import type { Storage } from './storage/storage.js';
import { openTestStorages } from './storage/test-databases.js';
import { slowPost, waitUntil } from './test-server.fixture.js';

const silent = pino({ level: 'silent' });

const postEvents = (url: string, adminKey: string, events: unknown[]) =>
  fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });

describe.each(openTestStorages())('startServer ($name)', (backend) => {
  let observer: Storage;
  beforeAll(async () => {
    observer = await backend.open();
  });
  afterAll(() => backend.cleanup());

  it('creates and returns an admin key on the first start only; it works', async () => {
    const first = await startServer({ port: 0, db: backend.location(), logger: silent });
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.createdAdminKey).toMatch(/^arc_/);
      const keys = await fetch(`${first.url}/v1/keys`, {
        headers: { authorization: `Bearer ${first.createdAdminKey}` },
      });
      expect(keys.status).toBe(200);
    } finally {
      await first.close();
    }
    const second = await startServer({ port: 0, db: backend.location(), logger: silent });
    expect(second.createdAdminKey).toBeNull();
    await second.close();
  });

  it('ensures a given admin key (ARC_ADMIN_KEY)', async () => {
    const adminKey = generateApiKey();
    const server = await startServer({ port: 0, db: backend.location(), adminKey, logger: silent });
    try {
      expect(server.createdAdminKey).toBeNull();
      const keys = await fetch(`${server.url}/v1/keys`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(keys.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('deletes events past the retention age in the background', async () => {
    const adminKey = generateApiKey();
    const day = 86_400_000;
    const post = (url: string, id: string, daysAgo: number) =>
      postEvents(url, adminKey, [
        {
          id,
          kind: 'failure',
          function: 'f',
          timestamp: Date.now() - daysAgo * day,
          error: { message: 'x' },
        },
      ]);
    const projectId = (await observer.ensureProject('default')).id;
    const server = await startServer({
      port: 0,
      db: backend.location(),
      adminKey,
      logger: silent,
      retention: { maxAgeMs: 2 * day, intervalMs: 20 },
    });
    try {
      expect((await post(server.url, 'three-days-old', 3)).status).toBe(202);
      expect((await post(server.url, 'one-day-old', 1)).status).toBe(202);
      await waitUntil(async () => {
        const ids = await observer.listEventIds(projectId);
        return !ids.includes('three-days-old');
      }, 'the old events to go');
      expect(await observer.listEventIds(projectId)).toContain('one-day-old');
    } finally {
      await server.close();
    }
  });

  it('draws the example reservoirs from the random it is given, so a seeded run repeats', async () => {
    const adminKey = generateApiKey();
    // u = 0 puts every item past the first in slot 0: the last failure is the one example kept.
    const random = () => 0;
    const limits = { failureReservoirSize: 1 };
    const server = await startServer({
      port: 0,
      db: backend.location(),
      adminKey,
      logger: silent,
      limits,
      random,
    });
    const projectId = (await observer.ensureProject('default')).id;
    try {
      const events = Array.from({ length: 100 }, (_, i) => ({
        id: `reservoir-${i}`,
        kind: 'failure',
        function: 'reservoir.f',
        timestamp: Date.now(),
        input: { i },
        error: { message: 'boom' },
      }));
      expect((await postEvents(server.url, adminKey, events)).status).toBe(202);
      const [pattern] = (
        await observer.listPatterns(projectId, { function: 'reservoir.f', sort: 'occurrences', limit: 10 })
      ).patterns;
      const examples = await observer.listFailureExamples(projectId, pattern!.id);
      expect(examples.map((e) => e.eventId)).toEqual(['reservoir-99']);
    } finally {
      await server.close();
    }
  });

  it('closes gracefully: the in-flight batch is answered and committed, streams end, then no more connections', async () => {
    const adminKey = generateApiKey();
    const server = await startServer({ port: 0, db: backend.location(), adminKey, logger: silent });
    const projectId = (await observer.ensureProject('default')).id;
    const created = await fetch(`${server.url}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'slow client', scopes: ['ingest'] }),
    });
    const { id: keyId, key } = (await created.json()) as { id: string; key: string };
    const stream = await fetch(`${server.url}/v1/stream`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(stream.status).toBe(200);

    const events = [{ id: 'in-flight-1', kind: 'failure', function: 'slow', error: { message: 'late' } }];
    const post = slowPost(`${server.url}/v1/events`, key, { events });
    // Authentication stamps the key's last use before the body is read: the request is in flight.
    await waitUntil(
      async () =>
        (await observer.listApiKeys(projectId)).some((k) => k.id === keyId && k.lastUsedAt !== null),
      'the request to be authenticated',
    );
    const closing = server.close();
    expect(await post.finish()).toBe(202);
    await closing;
    await stream.text(); // ends: the server closed it
    expect(await observer.listEventIds(projectId)).toContain('in-flight-1');
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(await server.storage.ping()).toBe(false);
  });

  it('fails to start when the port is taken', async () => {
    const holder = await startServer({ port: 0, db: backend.location(), logger: silent });
    try {
      const port = Number(new URL(holder.url).port);
      await expect(startServer({ port, db: backend.location(), logger: silent })).rejects.toThrow(
        /EADDRINUSE/,
      );
    } finally {
      await holder.close();
    }
  });
});
