import { gzipSync } from 'node:zlib';
import { MAX_DECLARED_SCHEMA_DEPTH, MAX_DECLARED_SCHEMA_LENGTH } from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../json-depth-guard.js';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

function nestedSchema(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 1; i < depth; i++) schema = { type: 'array', items: schema };
  return schema;
}

const failure = (fn: string, message: string, extra: Record<string, unknown> = {}) => ({
  kind: 'failure',
  function: fn,
  error: { type: 'ValueError', message },
  ...extra,
});

describe.each(openTestStorages())('POST /v1/events ($name)', (backend) => {
  let storage: Storage;
  let server: TestServer;
  let ingestKey: string;

  beforeAll(async () => {
    storage = await backend.open();
    server = await startTestServer(storage, { limits: { maxBatchEvents: 5, maxBodyBytes: 64 * 1024 } });
    ingestKey = await server.key(['ingest']);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    server.request('POST', '/v1/events', { key: ingestKey, body, headers });

  describe('bad input: 4xx with a JSON body naming the field, nothing stored', () => {
    const valid = { kind: 'success', function: 'ok' };
    const cases: [string, unknown, string][] = [
      ['body not an object', [valid], '/'],
      ['events missing', {}, '/events'],
      ['events not an array', { events: { 0: valid } }, '/events'],
      ['function missing', { events: [valid, valid, valid, { kind: 'failure' }] }, '/events/3/function'],
      ['function empty', { events: [{ kind: 'failure', function: '' }] }, '/events/0/function'],
      [
        'function too long',
        { events: [{ kind: 'failure', function: 'f'.repeat(257) }] },
        '/events/0/function',
      ],
      ['function not a string', { events: [{ kind: 'failure', function: 42 }] }, '/events/0/function'],
      ['kind unknown', { events: [{ kind: 'crash', function: 'f' }] }, '/events/0/kind'],
      ['kind missing', { events: [{ function: 'f' }] }, '/events/0/kind'],
      ['timestamp not a date', { events: [{ ...valid, timestamp: 'yesterday' }] }, '/events/0/timestamp'],
      ['timestamp negative', { events: [{ ...valid, timestamp: -5 }] }, '/events/0/timestamp'],
      [
        'timestamp past year 9999',
        { events: [{ ...valid, timestamp: 253_402_300_800_000 }] },
        '/events/0/timestamp',
      ],
      [
        'date-time past year 9999 by its offset',
        { events: [valid, { ...valid, timestamp: '9999-12-31T23:59:59-01:00' }] },
        '/events/1/timestamp',
      ],
      [
        'a leap second, which has no epoch time',
        { events: [valid, { ...valid, timestamp: '2016-12-31T23:59:60Z' }] },
        '/events/1/timestamp',
      ],
      [
        'date-time before year 0000 by its offset',
        { events: [{ ...valid, timestamp: '0000-01-01T00:00:00+00:01' }] },
        '/events/0/timestamp',
      ],
      [
        'an offset without minutes, which dates cannot read',
        { events: [{ ...valid, timestamp: '2025-03-14T07:05:00+01' }] },
        '/events/0/timestamp',
      ],
      ['durationMs as text', { events: [{ ...valid, durationMs: '12' }] }, '/events/0/durationMs'],
      ['tag value not a string', { events: [{ ...valid, tags: { env: 1 } }] }, '/events/0/tags/env'],
      [
        'error.status as text',
        { events: [{ ...valid, error: { status: '404' } }] },
        '/events/0/error/status',
      ],
      ['fixIds not an array', { events: [{ ...valid, fixIds: 'fix-1' }] }, '/events/0/fixIds'],
      ['attempt fractional', { events: [{ ...valid, attempt: 1.5 }] }, '/events/0/attempt'],
      ['id empty', { events: [{ ...valid, id: '' }] }, '/events/0/id'],
      ['too many events', { events: Array.from({ length: 6 }, () => valid) }, '/events'],
      ['outputSchema not an object', { events: [{ ...valid, outputSchema: 'x' }] }, '/events/0/outputSchema'],
      ['outputSchema an array', { events: [{ ...valid, outputSchema: [] }] }, '/events/0/outputSchema'],
      [
        'outputSchema too long',
        {
          events: [
            valid,
            { ...valid, outputSchema: { description: 'x'.repeat(MAX_DECLARED_SCHEMA_LENGTH) } },
          ],
        },
        '/events/1/outputSchema',
      ],
      [
        'outputSchema too deep',
        { events: [{ ...valid, outputSchema: nestedSchema(MAX_DECLARED_SCHEMA_DEPTH + 1) }] },
        '/events/0/outputSchema',
      ],
    ];
    it.each(cases)('%s → 400 at %s', async (_name, body, path) => {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(typeof response.body.error).toBe('string');
      expect(response.body.details).toContainEqual({ path, message: expect.any(String) });
    });

    it('reports every bad event of a batch, not only the first', async () => {
      const response = await post({ events: [{ kind: 'x', function: 'f' }, valid, { kind: 'success' }] });
      expect(response.status).toBe(400);
      expect(response.body.details.map((d: { path: string }) => d.path)).toEqual([
        '/events/0/kind',
        '/events/2/function',
      ]);
    });

    it('answers 400 to malformed JSON and to an empty JSON body', async () => {
      for (const text of ['{"events": [', '', 'nul', '{"events": [] } trailing']) {
        const response = await post(text);
        expect(response.status, text).toBe(400);
        expect(typeof response.body.error).toBe('string');
      }
    });

    it('answers 413 to a body over the limit', async () => {
      const response = await post({ events: [{ ...valid, input: 'x'.repeat(70 * 1024) }] });
      expect(response.status).toBe(413);
      expect(typeof response.body.error).toBe('string');
    });

    it('answers 415 to anything but JSON', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const response = await post('events=1', { 'content-type': type });
        expect(response.status, type).toBe(415);
        expect(response.body.error).toMatch(/application\/json/);
      }
    });

    it('answers 415 to a body in a content encoding it does not undo, naming the encoding', async () => {
      const text = JSON.stringify({ events: [valid] });
      const gzipped = await fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ingestKey}`,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
        body: gzipSync(text),
      });
      expect(gzipped.status).toBe(415);
      expect(((await gzipped.json()) as { error: string }).error).toMatch(/"gzip"/);
      // Said to be encoded, sent as is: taken as it says, it is not JSON either.
      for (const encoding of ['br', 'deflate', 'gzip, identity']) {
        const response = await post(text, { 'content-encoding': encoding });
        expect(response.status, encoding).toBe(415);
        expect(response.body.error).toContain(JSON.stringify(encoding));
      }
    });

    it('stored none of it, and the server is still up', async () => {
      expect(await storage.countEvents(server.projectId)).toBe(0);
      expect(await storage.listOutputSchemas(server.projectId)).toEqual([]);
      expect((await server.request('GET', '/healthz')).status).toBe(200);
    });

    it('refuses a whole batch when one event is bad (all or nothing)', async () => {
      const response = await post({ events: [failure('atomic', 'boom'), { kind: 'failure' }] });
      expect(response.status).toBe(400);
      expect(await storage.countEvents(server.projectId)).toBe(0);
    });
  });

  describe('auth', () => {
    it('401 without a key, with a malformed header, an unknown key or a revoked key', async () => {
      const revoked = await server.key(['ingest']);
      const record = (await storage.listApiKeys(server.projectId)).at(-1)!;
      expect(await storage.revokeApiKey(server.projectId, record.id)).toBe(true);
      const attempts: Record<string, string | undefined>[] = [
        {},
        { authorization: 'Basic dXNlcjpwYXNz' },
        { authorization: `Bearer${ingestKey}` },
        { authorization: 'Bearer arc_short' },
        { authorization: `Bearer arc_${'A'.repeat(32)}` },
        { authorization: `Bearer ${revoked}` },
      ];
      for (const headers of attempts) {
        const response = await server.request('POST', '/v1/events', {
          body: { events: [] },
          headers: headers as Record<string, string>,
        });
        expect(response.status, JSON.stringify(headers)).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(typeof response.body.error).toBe('string');
      }
    });

    it('401 comes before the body is looked at', async () => {
      const response = await server.request('POST', '/v1/events', { body: '{not json' });
      expect(response.status).toBe(401);
    });

    it('403 for a key without the ingest scope', async () => {
      const response = await server.request('POST', '/v1/events', {
        key: await server.key(['read', 'worker']),
        body: { events: [] },
      });
      expect(response.status).toBe(403);
      expect(response.body.error).toMatch(/ingest/);
    });
  });

  describe('ingest', () => {
    it('answers 202 with counts and the patterns touched, after the batch is committed', async () => {
      const response = await post({
        events: [
          failure('checkout', 'user 4411 not found', { id: 'c-1' }),
          failure('checkout', 'user 17 not found', { id: 'c-2' }),
          { kind: 'success', function: 'checkout', id: 'c-3' },
        ],
      });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({
        accepted: 3,
        duplicates: 0,
        patterns: [{ id: expect.any(String), category: expect.any(String), occurrences: 2, created: true }],
      });
      // A second instance on the same database (a restarted process, another replica) sees it all.
      const fresh = await backend.open();
      expect(await fresh.listEventIds(server.projectId)).toEqual(
        expect.arrayContaining(['c-1', 'c-2', 'c-3']),
      );
      expect((await fresh.getPattern(server.projectId, response.body.patterns[0].id))?.occurrences).toBe(2);
    });

    it('skips ids seen before (idempotent retries) and assigns ids when missing', async () => {
      const before = await storage.countEvents(server.projectId);
      const retry = await post({
        events: [failure('checkout', 'user 9 not found', { id: 'c-1' }), failure('retry', 'x')],
      });
      expect(retry.status).toBe(202);
      expect(retry.body).toMatchObject({ accepted: 1, duplicates: 1 });
      expect(await storage.countEvents(server.projectId)).toBe(before + 1);
      const ids = await storage.listEventIds(server.projectId);
      expect(ids.filter((id) => /^[0-9a-f-]{36}$/.test(id))).toHaveLength(1);
    });

    it('takes ISO strings and epoch milliseconds as timestamps, and now when absent', async () => {
      const key = await server.key(['admin'], 'timestamps');
      const send = (timestamp: unknown) =>
        server.request('POST', '/v1/events', {
          key,
          body: {
            events: [
              { kind: 'success', function: 'clock', ...(timestamp === undefined ? {} : { timestamp }) },
            ],
          },
        });
      expect((await send('2024-05-01T10:00:00.000Z')).status).toBe(202);
      const iso = await server.request('GET', '/v1/functions', { key });
      expect(iso.body.functions[0].lastSeen).toBe('2024-05-01T10:00:00.000Z');
      expect((await send(Date.UTC(2024, 6, 1))).status).toBe(202);
      expect((await server.request('GET', '/v1/functions', { key })).body.functions[0].lastSeen).toBe(
        '2024-07-01T00:00:00.000Z',
      );
      const sentAt = Date.now();
      expect((await send(undefined)).status).toBe(202);
      const lastSeen = Date.parse(
        (await server.request('GET', '/v1/functions', { key })).body.functions[0].lastSeen,
      );
      expect(lastSeen).toBeGreaterThanOrEqual(sentAt - 1000);
      expect(lastSeen).toBeLessThanOrEqual(Date.now());
    });

    it('truncates and marks oversized strings instead of rejecting them', async () => {
      const key = await server.key(['admin'], 'oversized');
      const long = 'y'.repeat(20_000);
      const response = await server.request('POST', '/v1/events', {
        key,
        body: { events: [failure('big', `bad ${long}`, { input: { prompt: long }, tags: { note: long } })] },
      });
      expect(response.status).toBe(202);
      const pattern = await server.request('GET', `/v1/patterns/${response.body.patterns[0].id}`, { key });
      const [example] = pattern.body.examples;
      expect(example.error.message).toMatch(/^bad y+…\[truncated \d+ chars\]$/);
      expect(example.error.message.length).toBeLessThan(long.length);
      expect(example.input.prompt).toMatch(/^y+…\[truncated \d+ chars\]$/);
    });

    it('stores text no database takes as is (U+0000, unpaired surrogates) with U+FFFD instead', async () => {
      const key = await server.key(['admin'], 'unstorable');
      const response = await server.request('POST', '/v1/events', {
        key,
        body: {
          events: [
            {
              id: 'nul\u0000id',
              kind: 'failure',
              function: 'f\u0000n',
              agentId: '\ud800',
              error: { type: 'T\u0000', message: 'x\u0000y \udfff' },
              input: { 'k\u0000': ['v\u0000', '\ud83d'] },
              tags: { t: '\u0000' },
              traceId: '\u0000',
              fixIds: ['\u0000'],
            },
          ],
        },
      });
      expect(response.status).toBe(202);
      const pattern = await server.request('GET', `/v1/patterns/${response.body.patterns[0].id}`, { key });
      expect(pattern.body).toMatchObject({ function: 'f\ufffdn', errorType: 'T\ufffd' });
      expect(pattern.body.examples[0]).toMatchObject({
        eventId: 'nul\ufffdid',
        agentId: '\ufffd',
        input: { 'k\ufffd': ['v\ufffd', '\ufffd'] },
        error: { message: 'x\ufffdy \ufffd' },
      });
    });

    it('stores input nested deeper than its bound cut and marked, and refuses absurd nesting', async () => {
      const key = await server.key(['admin'], 'deep');
      const body = (depth: number) =>
        `{"events":[{"kind":"failure","function":"deep","error":{"message":"m"},"input":${'['.repeat(depth)}${']'.repeat(depth)}}]}`;
      const response = await server.request('POST', '/v1/events', { key, body: body(MAX_JSON_DEPTH - 3) });
      expect(response.status).toBe(202);
      const pattern = await server.request('GET', `/v1/patterns/${response.body.patterns[0].id}`, { key });
      expect(JSON.stringify(pattern.body.examples[0].input)).toContain('[MaxDepth]');
      const absurd = await server.request('POST', '/v1/events', { key, body: body(20_000) });
      expect(absurd.status).toBe(400);
      expect(absurd.body.details).toEqual([
        { path: '/events/0/input/0', message: `nests deeper than ${MAX_JSON_DEPTH} levels` },
      ]);
    });

    it("keeps each function's latest declared output schema and lists it with the function", async () => {
      const key = await server.key(['admin'], 'declared');
      const envelope = {
        type: 'object',
        properties: { name: { type: 'string' }, arguments: { type: 'object' } },
        required: ['name', 'arguments'],
        additionalProperties: false,
      };
      const send = (events: unknown[]) => server.request('POST', '/v1/events', { key, body: { events } });
      const first = await send([
        failure('bfcl_answer', 'Unexpected token S', { outputSchema: { type: 'string' } }),
        failure('bfcl_answer', 'Unexpected token S', { outputSchema: envelope }),
        { kind: 'success', function: 'plain' },
      ]);
      expect(first.status).toBe(202);
      const listed = await server.request('GET', '/v1/functions', { key });
      expect(listed.status).toBe(200);
      expect(listed.body.functions).toEqual([
        {
          function: 'bfcl_answer',
          successes: 0,
          failures: 2,
          lastSeen: expect.any(String),
          outputSchema: { schema: envelope, declaredAt: expect.any(String) },
        },
        { function: 'plain', successes: 1, failures: 0, lastSeen: expect.any(String) },
      ]);
      const declaredAt = listed.body.functions[0].outputSchema.declaredAt;
      expect(Number.isNaN(Date.parse(declaredAt))).toBe(false);

      // Text no database takes is stored as U+FFFD, like any client text.
      const changed = { ...envelope, description: 'call\u0000' };
      expect((await send([failure('bfcl_answer', 'x', { outputSchema: changed })])).status).toBe(202);
      const relisted = (await server.request('GET', '/v1/functions', { key })).body;
      expect(relisted.functions[0].outputSchema.schema).toEqual({ ...envelope, description: 'call\ufffd' });
    });
  });
});
