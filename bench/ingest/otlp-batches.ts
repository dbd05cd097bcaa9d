// The bench's calls as an OpenTelemetry-instrumented agent reports them to POST /v1/traces: one
// execute_tool span per call (GenAI semantic conventions: the tool's name, its arguments and
// result as JSON text; a failure as ERROR status, an exception event and error.type), recorded by
// the OpenTelemetry JS SDK, one tracer provider per agent (service.name), and serialized to binary
// protobuf by the OpenTelemetry project's own serializer, as its OTLP/HTTP protobuf exporter does.

import { SpanStatusCode } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { BenchCall } from './bench-calls.js';

export const OTLP_PROTOBUF = 'application/x-protobuf';

function recordCall(tracer: ReturnType<BasicTracerProvider['getTracer']>, call: BenchCall): void {
  const end = new Date(call.timestamp);
  const span = tracer.startSpan(`execute_tool ${call.function}`, {
    startTime: new Date(call.timestamp - call.durationMs),
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': call.function,
      'gen_ai.tool.call.arguments': JSON.stringify(call.input),
      ...call.tags,
    },
  });
  if (call.output !== null) span.setAttribute('gen_ai.tool.call.result', JSON.stringify(call.output));
  if (call.error !== undefined) {
    const { type, message, status } = call.error;
    span.recordException({ name: type, message }, end);
    span.setAttribute('error.type', type);
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end(end);
}

/** Each batch of calls as one ExportTraceServiceRequest in binary protobuf. */
export async function otlpBatches(batches: BenchCall[][]): Promise<Uint8Array[]> {
  const exporter = new InMemorySpanExporter();
  const providers = new Map<string, BasicTracerProvider>();
  const tracerOf = (agentId: string) => {
    let provider = providers.get(agentId);
    if (provider === undefined) {
      provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': agentId }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      providers.set(agentId, provider);
    }
    return provider.getTracer('arc-bench');
  };
  const bodies: Uint8Array[] = [];
  try {
    for (const calls of batches) {
      for (const call of calls) recordCall(tracerOf(call.agentId), call);
      await Promise.all([...providers.values()].map((provider) => provider.forceFlush()));
      const spans = exporter.getFinishedSpans();
      if (spans.length !== calls.length) throw new Error(`recorded ${spans.length} spans of ${calls.length}`);
      const body = ProtobufTraceSerializer.serializeRequest(spans);
      if (body === undefined) throw new Error('the OTLP serializer returned nothing');
      bodies.push(body);
      exporter.reset();
    }
  } finally {
    await Promise.all([...providers.values()].map((provider) => provider.shutdown()));
  }
  return bodies;
}
