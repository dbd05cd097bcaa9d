// JSON nested 100,000 deep in any body that takes free JSON is a 400 naming where, on both
// backends, never a stack overflow (a 500); JSON as deep as real payloads still goes through.
// The guard walks parsed JSON only: a binary protobuf body reaches /v1/traces' decoder without
// being walked byte by byte as if each byte were a key.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_JSON_DEPTH, MAX_OTLP_JSON_DEPTH } from './json-depth-guard.js';
import { span, toProtobuf, traceRequest } from './otlp/otlp-request.fixture.js';
import { leasedRollout } from './routes/learning-seed.fixture.js';
import { openTestStorages } from './storage/test-databases.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

/** `[[[…leaf…]]]` or `{"a":{"a":…}}` `depth` levels deep, built as text: no recursion anywhere. */
function nested(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

const DEEP = 100_000;

// What the guard walks: core's pathDeeperThan, called through.
const walked = vi.hoisted(() => [] as unknown[]);
vi.mock('@arc-agent/core', async (importOriginal) => {
  const core = await importOriginal<typeof import('@arc-agent/core')>();
  return {
    ...core,
    pathDeeperThan: (value: unknown, maxDepth: number) => {
      walked.push(value);
      return core.pathDeeperThan(value, maxDepth);
    },
  };
});

describe.each(openTestStorages())('deep JSON ($name)', (backend) => {
  let server: TestServer;
  let patternId: string;
  let jobId: string;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
    ({ patternId, jobId } = await leasedRollout(server, 'tool'));
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const post = (path: string, body: string) => server.request('POST', path, { key: server.adminKey, body });

  it.each([
    [
      'a rollout output',
      () => `/v1/rollouts/${jobId}/result`,
      (deep: string) => `{"workerId":"w","reward":0,"output":${deep}}`,
      '/output',
    ],
    [
      "a proposed fix's schema",
      () => `/v1/patterns/${patternId}/fixes`,
      (deep: string) =>
        `{"fix":{"type":"output_repair","json":true,"coerce":true,"schema":{"type":"object","properties":${deep}}}}`,
      '/fix/schema/properties',
    ],
    [
      "a proposed fix's example",
      () => `/v1/patterns/${patternId}/fixes`,
      (deep: string) => `{"fix":{"type":"few_shot","examples":[{"input":${deep},"output":1}]}}`,
      '/fix/examples/0/input',
    ],
    [
      "an event's input",
      () => '/v1/events',
      (deep: string) => `{"events":[{"kind":"success","function":"tool","input":${deep}}]}`,
      '/events/0/input',
    ],
    [
      "an event's declared output schema",
      () => '/v1/events',
      (deep: string) => `{"events":[{"kind":"success","function":"tool","outputSchema":{"items":${deep}}}]}`,
      '/events/0/outputSchema/items',
    ],
    [
      "a verdict's input",
      () => '/v1/feedback',
      (deep: string) =>
        `{"feedback":[{"id":"v","callId":"c","function":"tool","score":0,"timestamp":0,"input":${deep}}]}`,
      '/feedback/0/input',
    ],
  ])('refuses %s nested 100,000 deep with a 400 naming it', async (_name, path, body, pointer) => {
    for (const kind of ['array', 'object'] as const) {
      const response = await post(path(), body(nested(DEEP, kind)));
      expect(response.status, kind).toBe(400);
      expect(response.body.details).toHaveLength(1);
      expect(response.body.details[0].path.startsWith(pointer), response.body.details[0].path).toBe(true);
      expect(response.body.details[0].message).toBe(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
  });

  it("refuses OTLP/JSON nested 3,000 deep (within its size bound) with a 400 Status naming the attribute, past /v1/traces' own bound", async () => {
    const request = (value: string) =>
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"chat","attributes":[{"key":"gen_ai.input.messages","value":${value}}]}]}]}]}`;
    const deep = `${'{"arrayValue":{"values":['.repeat(1_000)}{"stringValue":"x"}${']}}'.repeat(1_000)}`;
    const response = await post('/v1/traces', request(deep));
    expect(response.status).toBe(400);
    const text = JSON.stringify(response.body);
    expect(text).toContain(`nests deeper than ${MAX_OTLP_JSON_DEPTH} levels`);
    expect(text).toContain('/resourceSpans/0/scopeSpans');
  });

  it('checks JSON bodies and leaves protobuf bytes to the decoder', async () => {
    const chat = span({ name: 'chat', attributes: [] });
    const post = (body: string | Buffer, contentType: string) =>
      fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': contentType },
        body,
      });

    walked.length = 0;
    expect((await post(JSON.stringify(traceRequest([chat])), 'application/json')).status).toBe(200);
    expect(walked).toHaveLength(1);
    expect(walked[0]).toHaveProperty('resourceSpans');

    walked.length = 0;
    expect((await post(toProtobuf(traceRequest([chat])), 'application/x-protobuf')).status).toBe(200);
    expect(walked).toEqual([]);
  });

  it('takes JSON as deep as the bound allows', async () => {
    const response = await post(
      `/v1/rollouts/${jobId}/result`,
      `{"workerId":"w","reward":0,"output":${nested(MAX_JSON_DEPTH - 1, 'array')}}`,
    );
    expect(response.status).toBe(200);
  });
});
