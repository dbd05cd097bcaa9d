import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer, waitUntil } from '../test-server.fixture.js';

interface OpenStream {
  status: number;
  contentType: string | null;
  events: EventSourceMessage[];
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

async function openStream(url: string, key: string, options: { query?: string; lastEventId?: string } = {}) {
  const controller = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const response = await fetch(`${url}/v1/stream${options.query ?? ''}`, {
    headers,
    signal: controller.signal,
  });
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onComment: (comment) => comments.push(comment),
  });
  const ended = (async () => {
    if (response.body === null) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body)
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // Aborted by close().
    }
  })();
  const stream: OpenStream = {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    comments,
    ended,
    close: () => controller.abort(),
  };
  return stream;
}

/** Wraps a real storage to count live subscriptions (to see that disconnects unsubscribe). */
function countingSubscriptions(storage: Storage): { storage: Storage; active: () => number } {
  let active = 0;
  const wrapped = new Proxy(storage, {
    get(target, property, receiver) {
      if (property !== 'subscribe') return Reflect.get(target, property, receiver);
      return (listener: Parameters<Storage['subscribe']>[0]) => {
        active++;
        const unsubscribe = target.subscribe(listener);
        return () => {
          active--;
          unsubscribe();
        };
      };
    },
  });
  return { storage: wrapped, active: () => active };
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
    const stream = await openStream(server.url, key);
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
    const first = await openStream(server.url, key);
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
      const stream = await openStream(server.url, key, resume);
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

  it("shows a key only its own project's events", async () => {
    const otherKey = await server.key(['ingest', 'read'], 'stream-other');
    const other = await openStream(server.url, otherKey);
    await ingest();
    const otherPattern = await ingest(`other-${counter}`, otherKey);
    await waitUntil(() => other.events.length >= 2, "the other project's events");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(other.events.map((e) => e.event)).toEqual(['pattern.created', 'failures.ingested']);
    expect(JSON.parse(other.events[0]!.data).patternId).toBe(otherPattern);
    expect(JSON.parse(other.events[1]!.data).patterns[0].id).toBe(otherPattern);
    const replay = await openStream(server.url, otherKey, { lastEventId: '0' });
    await waitUntil(() => replay.events.length >= 2, 'the replay');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(replay.events.map((e) => e.id)).toEqual(other.events.map((e) => e.id));
    other.close();
    replay.close();
  });

  it('unsubscribes when the client goes away', async () => {
    // The earlier tests closed their streams too.
    await waitUntil(() => subscriptions() === 0, 'earlier subscriptions to end');
    const streams = await Promise.all([1, 2, 3].map(() => openStream(server.url, key)));
    await waitUntil(() => subscriptions() === 3, 'three subscriptions');
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
    const stream = await openStream(own.url, own.adminKey);
    expect(stream.status).toBe(200);
    // Both would hang (and the test time out) if shutdown waited for the stream.
    await own.close();
    await stream.ended;
  });
});
