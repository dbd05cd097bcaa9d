import { afterEach, describe, expect, it } from 'vitest';
import { type Arc, createArc } from './create-arc.js';
import { receivedEvents, startArcTestServer, type TestServer } from './http-test-server.fixture.js';

let server: TestServer;
let arc: Arc;

afterEach(async () => {
  await arc.shutdown({ timeoutMs: 500 });
  await server.close();
});

describe('@arc.tracked', () => {
  it('tracks class methods with TC39 standard decorators, keeping `this`, sync-ness and errors', async () => {
    server = await startArcTestServer({ fixes: [] });
    arc = createArc({
      endpoint: server.url,
      apiKey: 'arc_test',
      successSampleRate: 1,
      flushIntervalMs: 60_000,
      fixes: { enabled: false },
    });
    const failure = new TypeError('no total');

    class InvoiceAgent {
      constructor(private readonly currency: string) {}

      @arc.tracked('invoice.extract')
      async extract(text: string): Promise<{ total: number; currency: string }> {
        if (text === '') throw failure;
        return { total: Number(text), currency: this.currency };
      }

      @arc.tracked()
      label(n: number): string {
        return `${n} ${this.currency}`;
      }
    }

    const eur = new InvoiceAgent('EUR');
    const usd = new InvoiceAgent('USD');
    expect(await eur.extract('12')).toEqual({ total: 12, currency: 'EUR' });
    expect(await usd.extract('3')).toEqual({ total: 3, currency: 'USD' });
    await expect(eur.extract('')).rejects.toBe(failure);
    expect(eur.label(5)).toBe('5 EUR');

    await arc.flush();
    const events = receivedEvents(server);
    expect(events.map((e) => [e.function, e.kind])).toEqual([
      ['invoice.extract', 'success'],
      ['invoice.extract', 'success'],
      ['invoice.extract', 'failure'],
      ['label', 'success'],
    ]);
    expect(events[0]!.input).toEqual(['12']);
  });
});
