// Real emitters: the OpenTelemetry JS SDK's OTLP/HTTP exporters (binary protobuf and JSON) and the
// Vercel AI SDK's telemetry, sending to the real server over HTTP, configured as a user would.

import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

type ExporterKind = 'protobuf' | 'json';

describe.each(openTestStorages())('OpenTelemetry JS exporters to POST /v1/traces ($name)', (backend) => {
  let storage: Storage;
  let server: TestServer;
  let providers: TracerProvider[] = [];
  let projects = 0;

  beforeAll(async () => {
    storage = await backend.open();
    server = await startTestServer(storage);
  });
  afterEach(async () => {
    await Promise.all(providers.map((p) => p.shutdown()));
    providers = [];
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  async function project(): Promise<{ key: string; projectId: string }> {
    projects += 1;
    const name = `otel-js-${projects}`;
    return { key: await server.key(['ingest'], name), projectId: (await storage.ensureProject(name)).id };
  }

  /** A provider exporting every span as it ends, to exporters built as a user would build them. */
  function tracing(
    exporter: SpanExporter,
    serviceName = 'travel-agent',
  ): { tracer: Tracer; flush: () => Promise<void> } {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    providers.push(provider);
    return { tracer: provider.getTracer('otel-js-test'), flush: () => provider.forceFlush() };
  }

  function exporter(kind: ExporterKind, key: string, compression?: 'gzip'): SpanExporter {
    const options = {
      url: `${server.url}/v1/traces`,
      headers: { Authorization: `Bearer ${key}` },
      ...(compression ? { compression } : {}),
    } as ConstructorParameters<typeof ProtobufTraceExporter>[0];
    return kind === 'protobuf' ? new ProtobufTraceExporter(options) : new JsonTraceExporter(options);
  }

  /** A failed tool call and a successful model call, instrumented by hand with the GenAI conventions. */
  function emitAgentTurn(tracer: Tracer, city: string): void {
    tracer.startActiveSpan('invoke_agent Travel', (agent) => {
      agent.setAttributes({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'Travel' });
      tracer.startActiveSpan('chat gpt-4o', (chat) => {
        chat.setAttributes({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.request.temperature': 0.2,
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: `Weather in ${city}?` }] },
          ]),
        });
        chat.end();
      });
      tracer.startActiveSpan('execute_tool get_weather', (span) => {
        span.setAttributes({
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_weather',
          'gen_ai.tool.call.arguments': JSON.stringify({ city }),
        });
        span.recordException(new TypeError("Cannot read properties of undefined (reading 'temp')"));
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
        span.end();
      });
      agent.end();
    });
  }

  it.each<[ExporterKind, 'gzip' | undefined]>([
    ['protobuf', undefined],
    ['protobuf', 'gzip'],
    ['json', undefined],
    ['json', 'gzip'],
  ])(
    '%s exporter (compression %s): tool failures become one pattern, model and agent calls successes',
    async (kind, compression) => {
      const { key, projectId } = await project();
      const { tracer, flush } = tracing(exporter(kind, key, compression));
      emitAgentTurn(tracer, 'Paris');
      emitAgentTurn(tracer, 'Lyon');
      await flush();

      const stats = await storage.listFunctionStats(projectId);
      expect(stats.map((s) => [s.function, s.successes, s.failures]).sort()).toEqual([
        ['chat travel-agent', 2, 0],
        ['get_weather', 0, 2],
        ['invoke_agent Travel', 2, 0],
      ]);
      const { patterns } = await storage.listPatterns(projectId, { sort: 'occurrences', limit: 10 });
      expect(patterns).toHaveLength(1);
      expect(patterns[0]).toMatchObject({ function: 'get_weather', errorType: 'TypeError', occurrences: 2 });
      const examples = await storage.listFailureExamples(projectId, patterns[0]!.id);
      expect(
        examples.map((e) => e.input).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      ).toEqual([{ city: 'Lyon' }, { city: 'Paris' }]);
      for (const example of examples) {
        expect(example.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(example.agentId).toBe('travel-agent');
        expect(example.error?.stack).toContain('TypeError');
      }
      const [chat] = await storage.listSuccessExamples(projectId, 'chat travel-agent');
      expect(chat!.input).toMatchObject({ params: { model: 'gpt-4o', temperature: 0.2 } });
    },
  );

  it('takes its endpoint and key from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS', async () => {
    const { key, projectId } = await project();
    const saved = { ...process.env };
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${server.url}/v1/traces`;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${key}`;
    try {
      const { tracer, flush } = tracing(new ProtobufTraceExporter());
      emitAgentTurn(tracer, 'Oslo');
      await flush();
    } finally {
      process.env = saved;
    }
    expect(await storage.countEvents(projectId)).toBe(3);
  });

  it('the Vercel AI SDK telemetry: a failing tool is a failure of the tool, its input the tool arguments', async () => {
    const { key, projectId } = await project();
    const { tracer, flush } = tracing(exporter('protobuf', key), 'trip-planner-service');
    const usage = {
      inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 5, text: 5, reasoning: undefined },
    };
    let calls = 0;
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        calls += 1;
        return calls === 1
          ? {
              content: [
                {
                  type: 'tool-call' as const,
                  toolCallId: 'call_1',
                  toolName: 'get_weather',
                  input: '{"city":"Rome"}',
                },
              ],
              finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' },
              usage,
              warnings: [],
            }
          : {
              content: [{ type: 'text' as const, text: 'I could not get the weather.' }],
              finishReason: { unified: 'stop' as const, raw: 'stop' },
              usage,
              warnings: [],
            };
      },
    });
    const result = await generateText({
      model,
      prompt: 'What is the weather in Rome?',
      tools: {
        get_weather: tool<{ city: string }, string>({
          description: 'Current weather of a city',
          inputSchema: jsonSchema<{ city: string }>({
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          }),
          execute: async ({ city }) => {
            throw new Error(`weather service timed out after 3000ms for ${city}`);
          },
        }),
      },
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true, functionId: 'trip-planner', tracer },
    });
    expect(result.text).toBe('I could not get the weather.');
    await flush();

    const stats = await storage.listFunctionStats(projectId);
    expect(stats.map((s) => [s.function, s.successes, s.failures]).sort()).toEqual([
      ['ai.generateText trip-planner', 1, 0],
      ['ai.generateText.doGenerate trip-planner', 2, 0],
      ['get_weather', 0, 1],
    ]);
    const { patterns } = await storage.listPatterns(projectId, { sort: 'occurrences', limit: 10 });
    expect(patterns[0]).toMatchObject({ function: 'get_weather', category: 'timeout' });
    const [example] = await storage.listFailureExamples(projectId, patterns[0]!.id);
    expect(example).toMatchObject({
      input: { city: 'Rome' },
      error: { type: 'Error', message: 'weather service timed out after 3000ms for Rome' },
      agentId: 'trip-planner-service',
    });
    const [outer] = await storage.listSuccessExamples(projectId, 'ai.generateText trip-planner');
    expect(outer!.input).toMatchObject({ prompt: { prompt: 'What is the weather in Rome?' } });
    expect(outer!.output).toMatchObject({ text: 'I could not get the weather.' });
  });
});
