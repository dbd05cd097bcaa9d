// The wrapper on spans shaped as OpenTelemetry's (its real SDK and exporters, over HTTP to the
// server, are in the server's otlp/redacting-span-exporter.test.ts): what it keeps, what it drops.
import { describe, expect, it } from 'vitest';
import { type RedactableSpan, redactingSpanExporter } from './redacting-span-exporter.js';

const KEY = `sk-${'a1B2c3D4e5'.repeat(5)}`;

class FakeSpan implements RedactableSpan {
  name = `call ${KEY}`;
  status = { code: 2, message: `failed with ${KEY}` };
  attributes: Record<string, unknown> = { prompt: `use ${KEY}`, 'http.request.header.authorization': 'x' };
  events = [{ name: `exception ${KEY}`, attributes: { 'exception.message': KEY }, time: [1, 2] }];
  links = [{ attributes: { note: KEY }, context: { traceId: 't' } }];
  resource = { attributes: { 'service.name': 'agent', owner: 'ops@example.com' } };
  spanContext() {
    return { spanId: 's1' };
  }
}

function exportThrough(spans: RedactableSpan[]): { sent: RedactableSpan[]; result: unknown } {
  const sent: RedactableSpan[] = [];
  let result: unknown;
  const exporter = redactingSpanExporter({
    export(batch: RedactableSpan[], done: (r: string) => void) {
      sent.push(...batch);
      done('ok');
    },
    shutdown: async () => {},
  });
  exporter.export(spans, (r) => {
    result = r;
  });
  return { sent, result };
}

describe('redactingSpanExporter', () => {
  it('hands on a redacted copy, the span itself untouched and its methods kept', () => {
    const span = new FakeSpan();
    const { sent, result } = exportThrough([span]);
    expect(result).toBe('ok');
    const [copy] = sent as FakeSpan[];
    expect(
      JSON.stringify([copy!.name, copy!.status, copy!.attributes, copy!.events, copy!.links]),
    ).not.toContain(KEY);
    expect(copy!.attributes['http.request.header.authorization']).toBe('[REDACTED]');
    expect(copy!.resource.attributes).toEqual({ 'service.name': 'agent', owner: '[REDACTED:email]' });
    expect(copy!.events[0]!.time).toEqual([1, 2]);
    expect(copy!.links[0]!.context).toEqual({ traceId: 't' });
    expect(copy!.spanContext()).toEqual({ spanId: 's1' });
    expect(span.name).toBe(`call ${KEY}`);
  });

  it('gives spans of one resource one redacted resource, as the OTLP encoder groups by it', () => {
    const resource = { attributes: { 'service.name': 'agent' } };
    const a = Object.assign(new FakeSpan(), { resource });
    const b = Object.assign(new FakeSpan(), { resource });
    const { sent } = exportThrough([a, b]);
    expect(sent[0]!.resource).toBe(sent[1]!.resource);
  });

  it('bytes are sent as their length', () => {
    const span = Object.assign(new FakeSpan(), { attributes: { blob: new TextEncoder().encode(KEY) } });
    expect(exportThrough([span]).sent[0]!.attributes).toEqual({ blob: `[Uint8Array(${KEY.length})]` });
  });

  it('drops what cannot be redacted, never sends it raw, and still exports the rest', () => {
    const unreadableItem: string[] = [];
    Object.defineProperty(unreadableItem, 0, {
      get: () => {
        throw new Error('item getter throws');
      },
      enumerable: true,
    });
    const bad = Object.assign(new FakeSpan(), {
      attributes: {
        ok: KEY,
        list: unreadableItem,
        get broken(): unknown {
          throw new Error('getter throws');
        },
      },
    });
    const unreadable = new FakeSpan();
    Object.defineProperty(unreadable, 'attributes', {
      get: () => {
        throw new Error('no attributes');
      },
    });
    const { sent, result } = exportThrough([bad, unreadable, new FakeSpan()]);
    expect(result).toBe('ok');
    expect(sent).toHaveLength(2);
    expect(sent[0]!.attributes).toEqual({ ok: '[REDACTED:openai_key]' });
  });
});
