// The server's live events (GET /v1/stream) through EventSource, which sends the session cookie.
// EventSource reconnects by itself after network errors, resuming with Last-Event-ID; when it
// gives up (an error status), this reconnects after a pause from the last id it saw.

import { STREAM_TYPES, type StreamMessage } from '../src/api-types.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

const RETRY_MS = 5_000;
/** Messages kept for the live feed. */
const RECENT = 200;

export class LiveStream {
  #source: EventSource | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #lastId: number | null = null;
  #status: LiveStatus = 'offline';
  #recent: StreamMessage[] = [];
  readonly #listeners = new Set<(message: StreamMessage) => void>();
  readonly #statusListeners = new Set<(status: LiveStatus) => void>();
  /** Told when the stream closed for good (an error status, such as 401 after the session ended). */
  onClosed: () => void = () => {};

  get status(): LiveStatus {
    return this.#status;
  }

  /** The latest messages received, newest first. */
  get recent(): readonly StreamMessage[] {
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
      source.addEventListener(type, (event) => {
        const id = Number(event.lastEventId);
        if (Number.isSafeInteger(id)) this.#lastId = id;
        let data: unknown = null;
        try {
          data = JSON.parse(event.data);
        } catch {
          // The server writes JSON; anything else is shown without data.
        }
        const message: StreamMessage = { id, type, data, receivedAt: Date.now() };
        this.#recent = [message, ...this.#recent].slice(0, RECENT);
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
