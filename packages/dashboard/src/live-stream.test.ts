// The browser's LiveStream (ui/live-stream.ts) against a stand-in EventSource.

import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { LiveStream } from '../ui/live-stream.js';

class FakeEventSource {
  static readonly CLOSED = 2;
  static last: FakeEventSource | undefined;
  readyState = 1;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly listeners = new Map<string, (event: { lastEventId: string; data: string }) => void>();
  constructor() {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (event: { lastEventId: string; data: string }) => void): void {
    this.listeners.set(type, listener);
  }
  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }
}

beforeEach(() => vi.stubGlobal('EventSource', FakeEventSource));
afterEach(() => vi.unstubAllGlobals());

it('keeps a bounded size of messages, however large their data (a big ingest batch: 50 KB each)', () => {
  const live = new LiveStream();
  live.start();
  const send = FakeEventSource.last!.listeners.get('failures.ingested')!;
  const patterns = Array.from({ length: 1_000 }, (_, i) => ({
    id: `pattern-${i}`,
    category: 'timeout',
    count: 1,
  }));
  const data = JSON.stringify({ failures: 1_000, patterns });
  expect(data.length).toBeGreaterThan(50_000);
  for (let id = 1; id <= 300; id++) send({ lastEventId: String(id), data });
  live.stop();
  expect(live.recent).toHaveLength(200);
  expect(live.recent[0]?.id).toBe(300);
  // Before: every kept message held its data, 200 × 52 KB of JSON.
  expect(JSON.stringify(live.recent).length).toBeLessThan(200 * 1_000);
});
