// The server's live events (GET /v1/stream) through EventSource, which sends the session cookie.
// EventSource reconnects by itself after network errors, resuming with Last-Event-ID; when it
// gives up (an error status), this reconnects after a pause from the last id it saw.

import { STREAM_TYPES, type StreamMessage } from '../src/api-types.js';
import { addToFeed, type FeedEntry } from '../src/feed-entry.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

const RETRY_MS = 5_000;

export class LiveStream {
  #source: EventSource | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #lastId: number | null = null;
  #status: LiveStatus = 'offline';
  #recent: FeedEntry[] = [];
  readonly #listeners = new Set<(message: StreamMessage) => void>();
  readonly #statusListeners = new Set<(status: LiveStatus) => void>();
  /** Told when the stream closed for good (an error status, such as 401 after the session ended). */
  onClosed: () => void = () => {};

  get status(): LiveStatus {
    return this.#status;
  }

  /** The latest messages received, newest first, as the live feed keeps them (bounded). */
  get recent(): readonly FeedEntry[] {
    return this.#recent;
  }

  start(): void {
    this.stop();
    const url = this.#lastId === null ? '/v1/stream' : `/v1/stream?lastEventId=${this.#lastId}`;
    const source = new EventSource(url, { withCredentials: true });
    this.#source = source;
    this.#setStatus('connecting');
    source.onopen = () => this.#setStatus('live');
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) {
        this.#setStatus('reconnecting');
        return;
      }
      this.#setStatus('offline');
      this.onClosed();
      this.#retry = setTimeout(() => this.start(), RETRY_MS);
    };
    for (const type of STREAM_TYPES) {
      // Node's EventSource types (the root typecheck, for src/live-stream.test.ts) give a plain Event.
      source.addEventListener(type, (received) => {
        const event = received as MessageEvent;
        const id = Number(event.lastEventId);
        if (Number.isSafeInteger(id)) this.#lastId = id;
        let data: unknown = null;
        try {
          data = JSON.parse(event.data);
        } catch {
          // The server writes JSON; anything else is shown without data.
        }
        const message: StreamMessage = { id, type, data, receivedAt: Date.now() };
        this.#recent = addToFeed(this.#recent, message);
        for (const listener of this.#listeners) listener(message);
      });
    }
  }

  stop(): void {
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    this.#source?.close();
    this.#source = null;
    this.#setStatus('offline');
  }

  subscribe(listener: (message: StreamMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  #setStatus(status: LiveStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of this.#statusListeners) listener(status);
  }
}
