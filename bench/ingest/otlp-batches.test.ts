// The OTLP row must ingest the very calls the /v1/events rows do, so that their rates and ratios
// compare: the server's own decoding and span mapping turn each protobuf batch back into them.
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest } from '../../packages/server/src/otlp/otlp-protobuf.js';
import { readSpans } from '../../packages/server/src/otlp/otlp-spans.js';
import { spanToEvent } from '../../packages/server/src/otlp/span-event.js';
import { benchCallBatches } from './bench-calls.js';
import { otlpBatches } from './otlp-batches.js';

describe('otlpBatches', () => {
  it('encodes each batch of calls as spans the server maps back to the same calls', async () => {
    const batches = benchCallBatches(31, 15);
    expect(batches.map((calls) => calls.length)).toEqual([15, 15, 1]);
    const bodies = await otlpBatches(batches);
    expect(bodies).toHaveLength(3);
    bodies.forEach((body, b) => {
      const { spans, rejected } = readSpans(decodeTraceRequest(body), 1000);
      expect(rejected).toEqual([]);
      const events = spans.map(spanToEvent);
      const byTime = new Map(events.map((event) => [event?.timestamp, event]));
      for (const call of batches[b]!) {
        const event = byTime.get(call.timestamp);
        expect(event, `span of ${call.id}`).toMatchObject({
          kind: call.kind,
          function: call.function,
          agentId: call.agentId,
          durationMs: call.durationMs,
          input: call.input,
          tags: { env: 'bench', 'gen_ai.tool.name': call.function },
        });
        expect(event?.output ?? null).toEqual(call.output);
        if (call.error === undefined) {
          expect(event?.error).toBeUndefined();
        } else {
          const { type, message, status } = call.error;
          expect(event?.error).toEqual({ type, message, ...(status !== undefined ? { status } : {}) });
        }
      }
      expect(byTime.size).toBe(batches[b]!.length);
    });
  });
});
