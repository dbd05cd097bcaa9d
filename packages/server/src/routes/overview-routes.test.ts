// GET /v1/overview over real HTTP: failures by their timestamps into the last hour and the
// timeline's buckets (the last one ending now), the pattern count, bad queries, scopes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const MINUTE = 60_000;

describe.each(openTestStorages())('GET /v1/overview ($name)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(await backend.open(), { now: () => NOW });
    const failure = (minutesAgo: number, message: string) => ({
      kind: 'failure',
      function: 'search',
      timestamp: NOW - minutesAgo * MINUTE,
      error: { type: 'TypeError', message },
    });
    const ingest = await server.request('POST', '/v1/events', {
      key: server.adminKey,
      body: {
        events: [
          failure(0, 'a is undefined'),
          failure(59.99, 'a is undefined'),
          failure(60, 'b is undefined'), // exactly an hour ago: out of the last hour
          failure(14, 'connection reset'),
          failure(16, 'connection reset'),
          failure(60 * 25, 'a is undefined'), // before the timeline
          { kind: 'success', function: 'search', timestamp: NOW },
        ],
      },
    });
    expect(ingest.status).toBe(202);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('counts the last hour and buckets the timeline up to now', async () => {
    const response = await server.request('GET', '/v1/overview?hours=2&bucketMinutes=15', {
      key: await server.key(['read']),
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      at: new Date(NOW).toISOString(),
      patterns: 3,
      failuresLastHour: 4,
      timeline: {
        from: new Date(NOW + 1 - 120 * MINUTE).toISOString(),
        bucketMinutes: 15,
        // Buckets end at now + 1 ms: [now - 15m + 1ms, now + 1ms) holds 0 and 14 minutes ago, the
        // one before it 16, the fourth from the end 59.99 and the fifth exactly 60 minutes ago.
        failures: [0, 0, 0, 1, 1, 0, 1, 2],
      },
    });
  });

  it('defaults to 24 hours in 15-minute buckets', async () => {
    const response = await server.request('GET', '/v1/overview', { key: server.adminKey });
    expect(response.body.timeline.failures).toHaveLength(96);
    expect(response.body.timeline.failures.reduce((a: number, b: number) => a + b, 0)).toBe(5);
  });

  it('refuses timelines of too many buckets and bad numbers, naming the field', async () => {
    const tooMany = await server.request('GET', '/v1/overview?hours=720&bucketMinutes=1', {
      key: server.adminKey,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details[0].path).toBe('/bucketMinutes');
    const bad = await server.request('GET', '/v1/overview?hours=0', { key: server.adminKey });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('/hours');
  });

  it('needs the read scope', async () => {
    expect((await server.request('GET', '/v1/overview')).status).toBe(401);
    const ingestKey = await server.key(['ingest']);
    expect((await server.request('GET', '/v1/overview', { key: ingestKey })).status).toBe(403);
  });
});
