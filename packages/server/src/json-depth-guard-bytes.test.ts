// The depth guard walks parsed JSON only: a binary protobuf body reaches /v1/traces' decoder
// without being walked byte by byte as if each byte were a key.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { span, toProtobuf, traceRequest } from './otlp/otlp-request.fixture.js';
import { openTestStorages } from './storage/test-databases.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

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

describe.each(openTestStorages())('depth guard and bytes ($name)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await backend.open());
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
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
});
