import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import {
  attr,
  decodeStatus,
  decodeTraceResponse,
  span,
  toProtobuf,
  traceRequest,
} from './otlp-request.fixture.js';

const MAX_BODY = 64 * 1024;
const MAX_SPANS = 20;

const failingTool = (message: string, extra: Partial<Parameters<typeof span>[0]> = {}) =>
  span({
    name: 'execute_tool get_weather',
    attributes: [
      attr('gen_ai.operation.name', 'execute_tool'),
      attr('gen_ai.tool.name', 'get_weather'),
      attr('gen_ai.tool.call.arguments', '{"city":"Paris"}'),
    ],
    events: [
      {
        name: 'exception',
        attributes: [
          attr('exception.type', 'TimeoutError'),
          attr('exception.message', message),
          attr('exception.stacktrace', 'TimeoutError: ...\n    at getWeather (tools.ts:3:9)'),
        ],
      },
    ],
    status: { code: 2, message },
    ...extra,
  });

const chatSpan = () =>
  span({
    name: 'chat gpt-4o',
    kind: 3,
    attributes: [
      attr('gen_ai.operation.name', 'chat'),
      attr('gen_ai.request.model', 'gpt-4o'),
      attr('gen_ai.input.messages', [{ role: 'user', parts: [{ type: 'text', content: 'Weather?' }] }]),
      attr('gen_ai.output.messages', [
        { role: 'assistant', parts: [{ type: 'text', content: 'Sunny' }], finish_reason: 'stop' },
      ]),
    ],
  });

describe.each(openTestStorages())('POST /v1/traces ($name)', (backend) => {
  let storage: Storage;
  let server: TestServer;
  let projectCount = 0;

  beforeAll(async () => {
    storage = await backend.open();
    server = await startTestServer(storage, {
      limits: { maxBodyBytes: MAX_BODY, maxBatchEvents: MAX_SPANS },
    });
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  /** A key of a project of its own, so each test reads only what it sent. */
  async function freshProject(): Promise<{ key: string; projectId: string }> {
    projectCount += 1;
    const name = `otlp-${projectCount}`;
    const key = await server.key(['ingest'], name);
    return { key, projectId: (await storage.ensureProject(name)).id };
  }

  async function post(key: string | undefined, body: Buffer | string, headers: Record<string, string>) {
    const response = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...headers },
      body,
    });
    return {
      status: response.status,
      headers: response.headers,
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  const postJson = (key: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
    post(key, typeof body === 'string' ? body : JSON.stringify(body), {
      'content-type': 'application/json',
      ...headers,
    });
  const postProtobuf = (key: string | undefined, body: Buffer, headers: Record<string, string> = {}) =>
    post(key, body, { 'content-type': 'application/x-protobuf', ...headers });
  const json = (bytes: Buffer) => JSON.parse(bytes.toString('utf8'));

  describe('accepted spans become call outcomes', () => {
    it('JSON: a failed execute_tool span is a failure of the tool, a chat span a success of the agent', async () => {
      const { key, projectId } = await freshProject();
      const tool = failingTool('weather service timed out after 3000ms');
      const answer = await postJson(key, traceRequest([tool, chatSpan()]));
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(json(answer.bytes)).toEqual({});

      const stats = await storage.listFunctionStats(projectId);
      expect(stats.map((s) => [s.function, s.successes, s.failures]).sort()).toEqual([
        ['chat support-bot', 1, 0],
        ['get_weather', 0, 1],
      ]);
      const [pattern] = (await storage.listPatterns(projectId, { sort: 'occurrences', limit: 10 })).patterns;
      expect(pattern).toMatchObject({
        function: 'get_weather',
        errorType: 'TimeoutError',
        category: 'timeout',
      });
      const [example] = await storage.listFailureExamples(projectId, pattern!.id);
      expect(example).toMatchObject({
        eventId: `${tool.traceId}-${tool.spanId}`,
        agentId: 'support-bot',
        timestamp: 1_764_000_000_250,
        input: { city: 'Paris' },
        error: { type: 'TimeoutError', message: 'weather service timed out after 3000ms' },
        traceId: tool.traceId,
      });
      expect(example!.error?.stack).toContain('at getWeather');
      const [success] = await storage.listSuccessExamples(projectId, 'chat support-bot');
      expect(success).toMatchObject({
        input: {
          messages: [{ role: 'user', parts: [{ type: 'text', content: 'Weather?' }] }],
          params: { model: 'gpt-4o' },
        },
        output: {
          messages: [
            { role: 'assistant', parts: [{ type: 'text', content: 'Sunny' }], finish_reason: 'stop' },
          ],
        },
      });
      const stream = await storage.listStreamEventsAfter(projectId, 0, 10);
      expect(stream.map((e) => e.type)).toEqual(['pattern.created', 'failures.ingested']);
    });

    it('protobuf, gzipped or not: the same spans, answered in protobuf', async () => {
      const { key, projectId } = await freshProject();
      const plain = await postProtobuf(key, toProtobuf(traceRequest([failingTool('timed out after 10ms')])));
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toBe('application/x-protobuf');
      expect(decodeTraceResponse(plain.bytes)).toEqual({});
      const zipped = await postProtobuf(
        key,
        gzipSync(toProtobuf(traceRequest([failingTool('timed out after 20ms')]))),
        {
          'content-encoding': 'gzip',
        },
      );
      expect(zipped.status).toBe(200);
      const raw = await post(key, gzipSync(JSON.stringify(traceRequest([chatSpan()]))), {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expect(raw.status).toBe(200);
      const stats = await storage.listFunctionStats(projectId);
      expect(stats.find((s) => s.function === 'get_weather')).toMatchObject({ failures: 2 });
      const [pattern] = (await storage.listPatterns(projectId, { sort: 'occurrences', limit: 10 })).patterns;
      expect(pattern!.occurrences).toBe(2);
    });

    it('a retried export is stored once (the event id is the trace and span id)', async () => {
      const { key, projectId } = await freshProject();
      const body = toProtobuf(traceRequest([failingTool('timed out after 5ms'), chatSpan()]));
      expect((await postProtobuf(key, body)).status).toBe(200);
      expect((await postProtobuf(key, body)).status).toBe(200);
      expect(await storage.countEvents(projectId)).toBe(2);
    });

    it('spans that are not GenAI calls are acknowledged and not stored', async () => {
      const { key, projectId } = await freshProject();
      const http = span({
        name: 'GET /health',
        attributes: [attr('http.request.method', 'GET')],
        status: { code: 2 },
      });
      const answer = await postJson(key, traceRequest([http]));
      expect(answer.status).toBe(200);
      expect(json(answer.bytes)).toEqual({});
      expect(await storage.countEvents(projectId)).toBe(0);
    });

    it('an empty request is a success', async () => {
      const { key } = await freshProject();
      expect((await postProtobuf(key, Buffer.alloc(0))).status).toBe(200);
      expect((await postJson(key, {})).status).toBe(200);
    });
    it('attribute values nested deeper than 32 levels are cut and marked', async () => {
      const { key, projectId } = await freshProject();
      let deep: unknown = 'bottom';
      for (let i = 0; i < 40; i++) deep = [deep];
      const answer = await postJson(
        key,
        traceRequest([
          span({
            name: 'chat',
            attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.input.messages', deep)],
          }),
        ]),
      );
      expect(answer.status).toBe(200);
      const [example] = await storage.listSuccessExamples(projectId, 'chat support-bot');
      expect(JSON.stringify(example!.input)).toContain('[MaxDepth]');
      expect(JSON.stringify(example!.input)).not.toContain('bottom');
    });
    it('bytes values are kept as their length: redaction cannot read a secret in them', async () => {
      const { key, projectId } = await freshProject();
      const secret = ['sk-', 'Zq4vN8mK2pL7rS1tU3wY6xA9bC0dE5fG2hJ4kM8nP1qR3sT'].join('');
      const bytes = Buffer.from(`Authorization: Bearer ${secret}`);
      const tool = (message: string) =>
        failingTool(message, {
          attributes: [
            attr('gen_ai.operation.name', 'execute_tool'),
            attr('gen_ai.tool.name', 'get_weather'),
            { key: 'gen_ai.tool.call.arguments', value: { bytesValue: bytes.toString('base64') } },
            { key: 'app.header', value: { bytesValue: bytes.toString('base64') } },
          ],
        });
      expect((await postJson(key, traceRequest([tool('timed out after 7ms')]))).status).toBe(200);
      expect((await postProtobuf(key, toProtobuf(traceRequest([tool('timed out after 8ms')])))).status).toBe(
        200,
      );
      const events = await storage.scanEvents(projectId, { limit: 10 });
      expect(events).toHaveLength(2);
      for (const event of events) {
        expect(event.input).toBe(`[Uint8Array(${bytes.length})]`);
        expect(event.tags['app.header']).toBe(`[Uint8Array(${bytes.length})]`);
      }
    });
  });

  describe('partial success: spans without valid ids are refused, the rest stored', () => {
    it('counts and names the refused spans, in either encoding', async () => {
      const { key, projectId } = await freshProject();
      const spans = [
        failingTool('timed out after 1ms', { traceId: '' }),
        failingTool('timed out after 2ms', { spanId: 'abcd' }),
        failingTool('timed out after 3ms', { traceId: '0'.repeat(32) }),
        chatSpan(),
      ];
      const answer = await postJson(key, traceRequest(spans));
      expect(answer.status).toBe(200);
      const { partialSuccess } = json(answer.bytes);
      expect(partialSuccess.rejectedSpans).toBe('3');
      expect(partialSuccess.errorMessage).toContain(
        '/resourceSpans/0/scopeSpans/0/spans/0: traceId is missing',
      );
      expect(partialSuccess.errorMessage).toContain(
        '/resourceSpans/0/scopeSpans/0/spans/1: spanId must be 8 bytes, not 2',
      );
      expect(partialSuccess.errorMessage).toContain(
        '/resourceSpans/0/scopeSpans/0/spans/2: traceId must not be all zero',
      );
      expect(await storage.countEvents(projectId)).toBe(1);

      const binary = await postProtobuf(key, toProtobuf(traceRequest([failingTool('x', { spanId: '' })])));
      expect(binary.status).toBe(200);
      expect(decodeTraceResponse(binary.bytes).partialSuccess).toMatchObject({ rejectedSpans: 1 });
    });
  });

  describe('bad input: 4xx with a google.rpc.Status naming the problem, nothing stored', () => {
    const jsonCases: [string, unknown, number, string][] = [
      ['body not JSON', '{"resourceSpans": [', 400, '/'],
      ['body a JSON array', [1, 2], 400, '/'],
      [
        'enum by name',
        traceRequest([{ ...chatSpan(), kind: 'SPAN_KIND_CLIENT' }]),
        400,
        '/resourceSpans/0/scopeSpans/0/spans/0/kind',
      ],
      [
        'id not hex',
        traceRequest([{ ...chatSpan(), traceId: 'zz'.repeat(16) }]),
        400,
        '/resourceSpans/0/scopeSpans/0/spans/0/traceId',
      ],
      [
        'time not an integer',
        traceRequest([{ ...chatSpan(), startTimeUnixNano: '1.5' }]),
        400,
        '/resourceSpans/0/scopeSpans/0/spans/0/startTimeUnixNano',
      ],
      [
        'nested value of the wrong type',
        traceRequest([
          span({
            name: 'chat',
            attributes: [
              { key: 'gen_ai.input.messages', value: { arrayValue: { values: [{ stringValue: 5 }] } } },
            ],
          }),
        ]),
        400,
        '/resourceSpans/0/scopeSpans/0/spans/0/attributes/0/value/arrayValue/values/0/stringValue',
      ],
      [
        'too many spans',
        traceRequest(Array.from({ length: MAX_SPANS + 1 }, chatSpan)),
        400,
        '/resourceSpans',
      ],
    ];
    it.each(jsonCases)('JSON: %s', async (_name, body, status, path) => {
      const { key, projectId } = await freshProject();
      const answer = await postJson(key, body);
      expect(answer.status).toBe(status);
      const error = json(answer.bytes);
      expect(error).toMatchObject({ code: 3, message: expect.any(String), error: error.message });
      expect(error.details[0]['@type']).toBe('type.googleapis.com/google.rpc.BadRequest');
      expect(error.details[0].fieldViolations.map((v: { field: string }) => v.field)).toContain(path);
      expect(await storage.countEvents(projectId)).toBe(0);
    });

    it('protobuf that does not decode: 400 with a protobuf Status', async () => {
      const { key } = await freshProject();
      const answer = await postProtobuf(key, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/x-protobuf');
      const status = decodeStatus(answer.bytes);
      expect(status.code).toBe(3);
      expect(status.message).toBe('Invalid protobuf body');
      expect(status.fieldViolations[0]?.description).toMatch(/^is not an ExportTraceServiceRequest: /);
    });

    it('protobuf nested deeper than the decoder stack allows: 400, and the server goes on', async () => {
      const { key } = await freshProject();
      // AnyValue{kvlist_value{values: KeyValue{value: AnyValue{…}}}}, wrapped level by level by hand:
      // the generated encoder would overflow the stack building it.
      let value = Buffer.from([0x0a, 0x00]); // AnyValue{string_value: ""}
      while (value.length < MAX_BODY - 100) {
        const keyValue = Buffer.concat([Buffer.from([0x12]), varint(value.length), value]);
        const list = Buffer.concat([Buffer.from([0x0a]), varint(keyValue.length), keyValue]);
        value = Buffer.concat([Buffer.from([0x32]), varint(list.length), list]);
      }
      const attribute = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b, 0x12]), varint(value.length), value]);
      const resource = Buffer.concat([Buffer.from([0x0a]), varint(attribute.length), attribute]);
      const resourceSpans = Buffer.concat([Buffer.from([0x0a]), varint(resource.length), resource]);
      const body = Buffer.concat([Buffer.from([0x0a]), varint(resourceSpans.length), resourceSpans]);
      const answer = await postProtobuf(key, body);
      expect(answer.status).toBe(400);
      expect(decodeStatus(answer.bytes).message).toBe('Invalid protobuf body');
      expect((await postProtobuf(key, toProtobuf(traceRequest([chatSpan()])))).status).toBe(200);
    });

    it('unsupported content type or encoding: 415', async () => {
      const { key } = await freshProject();
      const text = await post(key, 'hello', { 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
      expect(json(text.bytes).message).toBe(
        'Unsupported content type "text/plain": send application/x-protobuf or application/json',
      );
      const none = await post(key, '', {});
      expect(none.status).toBe(415);
      const brotli = await postJson(key, {}, { 'content-encoding': 'br' });
      expect(brotli.status).toBe(415);
      expect(json(brotli.bytes).message).toContain('Unsupported content encoding "br"');
    });

    it('gzip garbage: 400', async () => {
      const { key } = await freshProject();
      const answer = await postProtobuf(key, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
      expect(answer.status).toBe(400);
      expect(decodeStatus(answer.bytes).message).toBe('Invalid gzip body');
    });

    it('too large, as sent or once inflated (a gzip bomb): 413', async () => {
      const { key } = await freshProject();
      const big = await postProtobuf(key, Buffer.alloc(MAX_BODY + 1));
      expect(big.status).toBe(413);
      expect(decodeStatus(big.bytes).code).toBe(8);
      const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(MAX_BODY);
      const inflated = await postProtobuf(key, bomb, { 'content-encoding': 'gzip' });
      expect(inflated.status).toBe(413);
      expect(decodeStatus(inflated.bytes).message).toBe(
        `Request body too large: it inflates past ${MAX_BODY} bytes`,
      );
    });

    it('no key: 401, a key without the ingest scope: 403, as Status in the request encoding', async () => {
      const body = toProtobuf(traceRequest([chatSpan()]));
      const anonymous = await postProtobuf(undefined, body);
      expect(anonymous.status).toBe(401);
      expect(decodeStatus(anonymous.bytes)).toMatchObject({ code: 16 });
      const readKey = await server.key(['read']);
      const forbidden = await postJson(readKey, traceRequest([chatSpan()]));
      expect(forbidden.status).toBe(403);
      expect(json(forbidden.bytes)).toMatchObject({ code: 7, error: 'This key lacks the `ingest` scope' });
    });
  });
});

describe('POST /v1/traces, limits and documentation', () => {
  const [sqlite] = openTestStorages();
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    await sqlite!.cleanup();
  });

  it('takes the per-key rate limit of every keyed route: 429 with Retry-After, as a Status', async () => {
    const clock = 1_764_000_000_000;
    server = await startTestServer(await sqlite!.open(), {
      limits: { rateLimitPerSecond: 1, rateLimitBurst: 1 },
      now: () => clock,
    });
    const key = await server.key(['ingest']);
    const send = () =>
      fetch(`${server!.url}/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-protobuf' },
        body: toProtobuf(traceRequest([chatSpan()])),
      });
    expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(decodeStatus(Buffer.from(await refused.arrayBuffer()))).toMatchObject({ code: 8 });
  });

  it('is described in /openapi.json with both encodings', async () => {
    server ??= await startTestServer(await sqlite!.open());
    const doc = (await server.request('GET', '/openapi.json')).body;
    const operation = doc.paths['/v1/traces'].post;
    expect(Object.keys(operation.requestBody.content).sort()).toEqual([
      'application/json',
      'application/x-protobuf',
    ]);
    expect(Object.keys(operation.responses['200'].content).sort()).toEqual([
      'application/json',
      'application/x-protobuf',
    ]);
    expect(operation.security).toEqual([{ bearerAuth: [] }]);
  });
});

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let rest = n;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
