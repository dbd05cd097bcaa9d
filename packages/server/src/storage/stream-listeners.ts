// The in-process subscribers of a storage's live stream. A throwing listener is reported and
// does not stop the others, nor fail the write that produced the event (it is committed already).

import type { StreamEvent } from './storage.js';

export type StreamListener = (event: StreamEvent) => void;

/** Where a storage reports what it cannot throw to a caller (listener errors, lost connections). */
export type StorageErrorHandler = (error: unknown) => void;

export const reportStorageErrorToStderr: StorageErrorHandler = (error) => {
  console.error('arc storage:', error);
};

export class StreamListeners {
  readonly #listeners = new Set<StreamListener>();

  constructor(private readonly onError: StorageErrorHandler) {}

  get size(): number {
    return this.#listeners.size;
  }

  add(listener: StreamListener): () => void {
    // A wrapper per call, so subscribing the same function twice gives two independent subscriptions.
    const entry: StreamListener = (event) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: StreamEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
