// The SDK's redactingSpanExporter around the OpenTelemetry JS SDK's real OTLP/HTTP exporters,
// sending to the real server over HTTP through a proxy that records the request bytes: secrets in
// every text field of a span are gone from the wire, so it is the agent that removed them.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redactingSpanExporter } from '@arc-agent/sdk';
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

// Built at run time, so no token sits in the source.
const KEY = `sk-${'Zq7Xw2Lm9P'.repeat(5)}`;
const EMAIL = 'ana.lima@example.org';

type ExporterKind = 'protobuf' | 'json';

/** Forwards each request to `target` and keeps its body as sent. */
async function recordingProxy(target: string): Promise<{ url: string; bodies: Buffer[]; server: Server }> {
  const bodies: Buffer[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    bodies.push(body);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => ['authorization', 'content-type'].includes(name)),
    ) as Record<string, string>;
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, bodies, server };
}

describe.each(openTestStorages())('redactingSpanExporter over real OTLP exporters ($name)', (backend) => {
  let storage: Storage;
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let projects = 0;

  beforeAll(async () => {
    storage = await backend.open();
    server = await startTestServer(storage);
    proxy = await recordingProxy(server.url);
  });
  afterAll(async () => {
    if (proxy) await new Promise((resolve) => proxy.server.close(resolve));
    await server?.close();
    await backend.cleanup();
  });

  /** One span with a secret in each field that holds client text, exported through `exporter`. */
  async function exportSecrets(exporter: SpanExporter): Promise<Buffer> {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'billing-agent', 'deployment.owner': EMAIL }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer('redaction-test');
    const linked = tracer.startSpan('linked');
    linked.end();
    const span = tracer.startSpan(`execute_tool charge ${KEY}`, {
      links: [{ context: linked.spanContext(), attributes: { 'link.note': `from ${KEY}` } }],
    });
    span.setAttributes({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'charge',
      'gen_ai.tool.call.arguments': JSON.stringify({ card: 'x', api_key: KEY }),
      [`tenant.${KEY}`]: 'key holding a secret',
      'http.request.header.authorization': `Bearer ${KEY}`,
      'user.emails': [EMAIL, 'none'],
    });
    span.addEvent(`retry after ${KEY}`, { 'retry.reason': `rejected ${KEY}` });
    span.recordException(new Error(`card declined for ${EMAIL} using ${KEY}`));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `declined: ${KEY}` });
    span.end();
    const before = proxy.bodies.length;
    await provider.forceFlush();
    await provider.shutdown();
    return Buffer.concat(proxy.bodies.slice(before));
  }

  async function exporter(kind: ExporterKind): Promise<{ exporter: SpanExporter; projectId: string }> {
    projects += 1;
    const name = `otel-redact-${projects}`;
    const key = await server.key(['ingest'], name);
    const options = { url: `${proxy.url}/v1/traces`, headers: { Authorization: `Bearer ${key}` } };
    return {
      exporter: kind === 'protobuf' ? new ProtobufTraceExporter(options) : new JsonTraceExporter(options),
      projectId: (await storage.ensureProject(name)).id,
    };
  }

  it.each<ExporterKind>(['protobuf', 'json'])(
    '%s: no secret is on the wire, and the spans are stored',
    async (kind) => {
      const plain = await exporter(kind);
      const unredacted = await exportSecrets(plain.exporter);
      // The control: without the wrapper the secrets are sent (and only the server hides them).
      expect(unredacted.includes(KEY)).toBe(true);
      expect(unredacted.includes(EMAIL)).toBe(true);

      const wrapped = await exporter(kind);
      const sent = await exportSecrets(redactingSpanExporter(wrapped.exporter));
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.includes(KEY)).toBe(false);
      expect(sent.includes(EMAIL)).toBe(false);
      expect(sent.includes('[REDACTED:')).toBe(true);
      expect(sent.includes('billing-agent')).toBe(true);

      const stats = await storage.listFunctionStats(wrapped.projectId);
      expect(stats.map((s) => [s.function, s.failures])).toContainEqual(['charge', 1]);
    },
  );
});
