// Retention in the background: every `intervalMs` (and once at start), each project's events older
// than `maxAgeMs` (by their timestamp) are deleted with their examples, in transactions of at most
// `batchSize` events, yielding to other work between them, so a large backlog never becomes one
// huge transaction nor stalls the server. Across replicas a per-project leader lock lets one sweep
// a project at a time.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Storage } from './storage/storage.js';

export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
const DEFAULT_INTERVAL_MS = 3_600_000;
const DEFAULT_BATCH_SIZE = 1000;

export function daysToMs(days: number): number {
  return days * DAY_MS;
}

export interface EventRetentionOptions {
  storage: Pick<Storage, 'listProjects' | 'tryLock' | 'deleteEventsBefore'>;
  /** Events whose timestamp is older than this go. */
  maxAgeMs: number;
  /** Between sweeps (default one hour). */
  intervalMs?: number;
  /** Events deleted per transaction (default 1,000). */
  batchSize?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
  /** After each project with deletions. */
  onSwept?: (report: { projectId: string; deleted: number }) => void;
}

export class EventRetention {
  readonly #options: EventRetentionOptions;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;
  #stopped = false;

  constructor(options: EventRetentionOptions) {
    if (!(options.maxAgeMs > 0)) throw new RangeError('maxAgeMs must be positive');
    this.#options = options;
  }

  /** Sweeps now, then every interval, until stop(). */
  start(): void {
    void this.sweep();
    this.#timer = setInterval(() => void this.sweep(), this.#options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.#timer.unref();
  }

  /** One pass over every project (joins the one under way); resolves with the events deleted. */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweepAll().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#sweeping;
  }

  async #sweepAll(): Promise<number> {
    let total = 0;
    try {
      for (const project of await this.#options.storage.listProjects()) {
        if (this.#stopped) break;
        total += await this.#sweepProject(project.id);
      }
    } catch (error) {
      this.#options.onError?.(error);
    }
    return total;
  }

  async #sweepProject(projectId: string): Promise<number> {
    const { storage, maxAgeMs } = this.#options;
    const lock = await storage.tryLock(`retention:${projectId}`);
    if (lock === null) return 0;
    const batchSize = this.#options.batchSize ?? DEFAULT_BATCH_SIZE;
    const before = (this.#options.now ?? Date.now)() - maxAgeMs;
    let deleted = 0;
    try {
      while (!this.#stopped && !lock.signal.aborted) {
        const batch = await storage.deleteEventsBefore(projectId, before, batchSize);
        deleted += batch;
        if (batch < batchSize) break;
        await nextTurn();
      }
    } finally {
      await lock.release();
    }
    if (deleted > 0) this.#options.onSwept?.({ projectId, deleted });
    return deleted;
  }
}
