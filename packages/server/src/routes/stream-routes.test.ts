import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage, StreamEvent } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { countingSubscriptions, openStream } from '../stream/stream-client.fixture.js';
import { startTestServer, type TestServer, waitUntil } from '../test-server.fixture.js';

/**
 * Wraps a real storage so that live notifications can be held back and delivered later, to the
 * subscribers present then: a PostgreSQL NOTIFY that is still in flight when a client subscribes.
 */
function lateNotifications(storage: Storage): { storage: Storage; hold(): void; release(): void } {
  const subscribers = new Set<(event: StreamEvent) => void>();
  let held: StreamEvent[] | null = null;
  storage.subscribe((event) => {
    if (held !== null) held.push(event);
    else for (const subscriber of [...subscribers]) subscriber(event);
  });
  const wrapped = new Proxy(storage, {
    get(target, property, receiver) {
      if (property !== 'subscribe') return Reflect.get(target, property, receiver);
      return (listener: (event: StreamEvent) => void) => {
        const entry = (event: StreamEvent) => listener(event);
        subscribers.add(entry);
        return () => subscribers.delete(entry);
      };
    },
  });
  return {
    storage: wrapped,
    hold: () => {
      held = [];
    },
    release: () => {
      const late = held ?? [];
      held = null;
      for (const event of late) for (const subscriber of [...subscribers]) subscriber(event);
    },
  };
}

describe.each(openTestStorages())('GET /v1/stream ($name)', (backend) => {
  let server: TestServer;
  let subscriptions: () => number;
  let key: string;
  let counter = 0;

  beforeAll(async () => {
    const counting = countingSubscriptions(await backend.open());
    subscriptions = counting.active;
    server = await startTestServer(counting.storage, { limits: { streamHeartbeatMs: 50 } });
    key = await server.key(['ingest', 'read']);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  /** A failure of a pattern never seen before (a fresh function name), and one of `fn`'s pattern. */
  const ingest = async (fn = `fn${++counter}`, withKey = key) => {
    const response = await server.request('POST', '/v1/events', {
      key: withKey,
      body: { events: [{ kind: 'failure', function: fn, error: { type: 'Error', message: 'boom' } }] },
    });
    expect(response.status).toBe(202);
    return response.body.patterns[0].id as string;
  };

  it('streams pattern.created and failures.ingested as JSON, with ids and heartbeats', async () => {
    const stream = await openStream(server.url, { key });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    const patternId = await ingest();
    await waitUntil(() => stream.events.length >= 2, 'two events');
    expect(stream.events.map((e) => e.event)).toEqual(['pattern.created', 'failures.ingested']);
    expect(JSON.parse(stream.events[0]!.data)).toMatchObject({ patternId, function: `fn${counter}` });
    expect(JSON.parse(stream.events[1]!.data)).toMatchObject({
      failures: 1,
      patterns: [{ id: patternId, count: 1, occurrences: 1 }],
    });
    const [first, second] = stream.events.map((e) => Number(e.id));
    expect(second).toBeGreaterThan(first!);
    await waitUntil(() => stream.comments.some((c) => c.includes('heartbeat')), 'a heartbeat');
    stream.close();
  });

  it('resumes after Last-Event-ID with exactly the missed events, then goes live', async () => {
    const first = await openStream(server.url, { key });
    await ingest();
    await waitUntil(() => first.events.length >= 2, 'the first batch');
    first.close();
    const lastSeen = first.events.at(-1)!.id!;

    const existing = await ingest();
    await ingest(); // a new pattern: pattern.created + failures.ingested
    await server.request('POST', '/v1/events', {
      key,
      body: {
        events: [
          { kind: 'failure', function: `fn${counter - 1}`, error: { type: 'Error', message: 'boom' } },
        ],
      },
    });
    const missed = await server.storage.listStreamEventsAfter(server.projectId, Number(lastSeen), 100);
    expect(missed.map((e) => e.type)).toEqual([
      'pattern.created',
      'failures.ingested',
      'pattern.created',
      'failures.ingested',
      'failures.ingested',
    ]);
    expect(JSON.parse(JSON.stringify(missed[4]!.data)).patterns[0].id).toBe(existing);

    for (const resume of [{ lastEventId: lastSeen }, { query: `?lastEventId=${lastSeen}` }]) {
      const stream = await openStream(server.url, { key, ...resume });
      await waitUntil(() => stream.events.length >= missed.length, 'the missed events');
      expect(stream.events.map((e) => [Number(e.id), e.event, JSON.parse(e.data)])).toEqual(
        missed.map((e) => [e.id, e.type, e.data]),
      );
      await ingest();
      await waitUntil(() => stream.events.length >= missed.length + 2, 'live events after the replay');
      expect(stream.events.slice(missed.length).map((e) => e.event)).toEqual([
        'pattern.created',
        'failures.ingested',
      ]);
      stream.close();
      missed.push(...(await server.storage.listStreamEventsAfter(server.projectId, missed.at(-1)!.id, 100)));
    }
  });

  it('goes live from now when Last-Event-ID is past every event so far (a database replaced under an open dashboard)', async () => {
    await ingest();
    const stream = await openStream(server.url, { key, lastEventId: String(999_999_999_999_999) });
    await ingest();
    await waitUntil(() => stream.events.length >= 2, 'the live events');
    expect(stream.events.map((e) => e.event)).toEqual(['pattern.created', 'failures.ingested']);
    stream.close();
  });

  it('resumes exactly once when a replayed event is also notified after the replay (a late NOTIFY)', async () => {
    const late = lateNotifications(await backend.open());
    const own = await startTestServer(late.storage);
    try {
      const post = (fn: string) =>
        own.request('POST', '/v1/events', {
          key: own.adminKey,
          body: { events: [{ kind: 'failure', function: fn, error: { type: 'Error', message: 'boom' } }] },
        });
      const before = (await own.storage.listStreamEventsAfter(own.projectId, 0, 10_000)).at(-1)?.id ?? 0;
      late.hold();
      expect((await post('late')).status).toBe(202);
      const committed = await own.storage.listStreamEventsAfter(own.projectId, before, 100);
      expect(committed.map((e) => e.type)).toEqual(['pattern.created', 'failures.ingested']);

      // The replay reads both events from the table; their notifications arrive only afterwards.
      const stream = await openStream(own.url, { key: own.adminKey, lastEventId: String(before) });
      await waitUntil(() => stream.events.length >= 2, 'the replay');
      late.release();
      expect((await post('after')).status).toBe(202);
      await waitUntil(() => stream.events.some((e) => e.data.includes('"after"')), 'the live event after');
      const ids = stream.events.map((e) => Number(e.id));
      expect(ids.slice(0, 2)).toEqual(committed.map((e) => e.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      stream.close();
    } finally {
      await own.close();
    }
  });

  it("shows a key only its own project's events", async () => {
    const otherKey = await server.key(['ingest', 'read'], 'stream-other');
    const other = await openStream(server.url, { key: otherKey });
    await ingest();
    const otherPattern = await ingest(`other-${counter}`, otherKey);
    await waitUntil(() => other.events.length >= 2, "the other project's events");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(other.events.map((e) => e.event)).toEqual(['pattern.created', 'failures.ingested']);
    expect(JSON.parse(other.events[0]!.data).patternId).toBe(otherPattern);
    expect(JSON.parse(other.events[1]!.data).patterns[0].id).toBe(otherPattern);
    const replay = await openStream(server.url, { key: otherKey, lastEventId: '0' });
    await waitUntil(() => replay.events.length >= 2, 'the replay');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(replay.events.map((e) => e.id)).toEqual(other.events.map((e) => e.id));
    other.close();
    replay.close();
  });

  it('unsubscribes when the client goes away', async () => {
    // The earlier tests closed their streams too.
    await waitUntil(() => subscriptions() === 0, 'earlier subscriptions to end');
    const streams = await Promise.all([1, 2, 3].map(() => openStream(server.url, { key })));
    // One per stream, and one that watches for revoked keys and ended sessions while any is open.
    await waitUntil(() => subscriptions() === 4, 'four subscriptions');
    for (const stream of streams) stream.close();
    await waitUntil(() => subscriptions() === 0, 'the subscriptions to end');
  });

  it('401 without a key, 403 without the read scope, 400 for a bad Last-Event-ID', async () => {
    expect((await fetch(`${server.url}/v1/stream`)).status).toBe(401);
    const ingestOnly = await server.key(['ingest']);
    const forbidden = await server.request('GET', '/v1/stream', { key: ingestOnly });
    expect(forbidden.status).toBe(403);
    const badQuery = await server.request('GET', '/v1/stream?lastEventId=abc', { key });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.details).toContainEqual({ path: '/lastEventId', message: expect.any(String) });
    const badHeader = await server.request('GET', '/v1/stream', { key, headers: { 'last-event-id': '-1' } });
    expect(badHeader.status).toBe(400);
    expect(badHeader.body.details).toContainEqual({ path: '/last-event-id', message: expect.any(String) });
  });

  it('ends open streams on shutdown instead of holding it up', async () => {
    const storage = await backend.open();
    const own = await startTestServer(storage, { limits: { streamHeartbeatMs: 60_000 } });
    const stream = await openStream(own.url, { key: own.adminKey });
    expect(stream.status).toBe(200);
    // Both would hang (and the test time out) if shutdown waited for the stream.
    await own.close();
    await stream.ended;
  });
});
