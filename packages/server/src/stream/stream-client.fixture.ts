// Test clients of GET /v1/stream: a reading client (fetch + eventsource-parser) and a storage
// wrapper that counts live subscriptions (to see that a stream ended on the server's side).

import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Storage, StreamEvent } from '../storage/storage.js';

export interface OpenStream {
  status: number;
  contentType: string | null;
  events: EventSourceMessage[];
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export interface OpenStreamOptions {
  /** Bearer key; or `headers` carrying a session cookie. */
  key?: string;
  headers?: Record<string, string>;
  query?: string;
  lastEventId?: string;
}

export async function openStream(url: string, options: OpenStreamOptions): Promise<OpenStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const response = await fetch(`${url}/v1/stream${options.query ?? ''}`, {
    headers,
    signal: controller.signal,
  });
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onComment: (comment) => comments.push(comment),
  });
  const ended = (async () => {
    if (response.body === null) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body)
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // Aborted by close().
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    comments,
    ended,
    close: () => controller.abort(),
  };
}

/**
 * Wraps a real storage to count live subscriptions (to see that disconnects unsubscribe), and to
 * hand its subscribers an event again, as a notification that arrives late would.
 */
export function countingSubscriptions(storage: Storage): {
  storage: Storage;
  active: () => number;
  redeliver: (event: StreamEvent) => void;
} {
  const listeners = new Set<Parameters<Storage['subscribe']>[0]>();
  const wrapped = new Proxy(storage, {
    get(target, property, receiver) {
      if (property !== 'subscribe') return Reflect.get(target, property, receiver);
      return (listener: Parameters<Storage['subscribe']>[0]) => {
        const own = (event: StreamEvent) => listener(event);
        listeners.add(own);
        const unsubscribe = target.subscribe(own);
        return () => {
          listeners.delete(own);
          unsubscribe();
        };
      };
    },
  });
  return {
    storage: wrapped,
    active: () => listeners.size,
    redeliver: (event) => {
      for (const listener of [...listeners]) listener(event);
    },
  };
}
