// The live stream across PostgreSQL replicas: writers `pg_notify` each committed stream event on
// one channel (inside their transaction, so it is delivered on commit and never for a rollback),
// and every storage instance with subscribers keeps one dedicated LISTEN connection.

import pg from 'pg';
import type { StreamEvent } from './storage.js';
import type { StorageErrorHandler, StreamListeners } from './stream-listeners.js';

export const STREAM_CHANNEL = 'arc_stream';

/** NOTIFY payloads must stay under 8000 bytes; larger events travel as a reference to their row. */
export const INLINE_PAYLOAD_LIMIT_BYTES = 7_000;

type Payload = { event: StreamEvent } | { ref: { projectId: string; id: number } };

export function notificationPayload(event: StreamEvent): string {
  const inline = JSON.stringify({ event } satisfies Payload);
  if (Buffer.byteLength(inline) < INLINE_PAYLOAD_LIMIT_BYTES) return inline;
  return JSON.stringify({ ref: { projectId: event.projectId, id: event.id } } satisfies Payload);
}

export interface StreamReader {
  /** The stored event, or undefined when it was pruned already. */
  get(projectId: string, id: number): Promise<StreamEvent | undefined>;
  /** The newest stream id of every project that has one. */
  newestIds(): Promise<Map<string, number>>;
  /**
   * Up to `limit` events, oldest first, with an id above the project's mark (above 0 for a project
   * without one).
   */
  above(marks: ReadonlyMap<string, number>, limit: number): Promise<StreamEvent[]>;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;
const CATCH_UP_PAGE = 500;

/**
 * One LISTEN connection per storage instance, opened by start() (migrate() awaits it, so from then
 * on every committed stream event reaches the subscribers present when it arrives), reconnecting
 * with backoff when lost. A mark per project records the newest id delivered or already there when
 * listening began; delivery is sequential and skips ids at or below the mark, which is exact
 * because a project's stream ids grow in commit order (see postgres-storage.ts). After a reconnect
 * it reads back from the table whatever committed while it was away.
 */
export class PgStreamListener {
  #client: pg.Client | undefined;
  #ready: Promise<void> | undefined;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #delay = RECONNECT_MIN_MS;
  #delivery: Promise<void> = Promise.resolve();
  #marks = new Map<string, number>();

  constructor(
    private readonly connectionString: string,
    private readonly listeners: StreamListeners,
    private readonly reader: StreamReader,
    private readonly onError: StorageErrorHandler,
  ) {}

  /** Resolves once listening; a failed first attempt rejects and lets a later call retry. */
  start(): Promise<void> {
    this.#ready ??= this.#connect(false).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(this.onError);
    await this.#delivery;
  }

  async #connect(reconnecting: boolean): Promise<void> {
    if (this.#closed) return;
    // Notifications queue behind this barrier until the marks are set (first connect) or the
    // catch-up has run (reconnect), so neither can skip or repeat an event.
    let release!: () => void;
    const earlier = this.#delivery;
    this.#delivery = new Promise<void>((resolve) => {
      release = resolve;
    });
    const client = new pg.Client({ connectionString: this.connectionString });
    this.#client = client;
    let settled = false;
    let droppedWhileSettling = false;
    const lost = (error?: Error) => {
      if (this.#client !== client) return;
      if (error !== undefined) this.onError(error);
      if (!settled) {
        droppedWhileSettling = true;
        return;
      }
      this.#client = undefined;
      void client.end().catch(() => undefined);
      this.#scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel === STREAM_CHANNEL && message.payload !== undefined) {
        const payload = message.payload;
        this.#enqueue(() => this.#deliverPayload(payload));
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${STREAM_CHANNEL}`);
      await earlier;
      // Read after LISTEN is active: anything newer than these is certain to arrive as a notification.
      if (reconnecting) await this.#catchUp();
      else this.#marks = await this.reader.newestIds();
    } catch (error) {
      if (this.#client === client) this.#client = undefined;
      release();
      await client.end().catch(() => undefined);
      if (!reconnecting) throw error;
      if (this.#closed) return;
      this.onError(error);
      this.#scheduleReconnect();
      return;
    }
    settled = true;
    release();
    if (this.#closed) await client.end().catch(() => undefined);
    else if (droppedWhileSettling) lost();
    else this.#delay = RECONNECT_MIN_MS;
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => void this.#connect(true), this.#delay);
    this.#delay = Math.min(this.#delay * 2, RECONNECT_MAX_MS);
  }

  #enqueue(task: () => Promise<void>): void {
    this.#delivery = this.#delivery.then(task).catch(this.onError);
  }

  async #deliverPayload(text: string): Promise<void> {
    const payload = JSON.parse(text) as Payload;
    if ('event' in payload) return this.#deliver(payload.event);
    const { projectId, id } = payload.ref;
    if (id <= this.#mark(projectId)) return;
    // Nobody to hand it to: advance the mark without reading the row.
    if (this.listeners.size === 0) return void this.#marks.set(projectId, id);
    const event = await this.reader.get(projectId, id);
    if (event !== undefined) this.#deliver(event);
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      const page = await this.reader.above(this.#marks, CATCH_UP_PAGE);
      for (const event of page) this.#deliver(event);
      if (page.length < CATCH_UP_PAGE) return;
    }
  }

  #mark(projectId: string): number {
    return this.#marks.get(projectId) ?? 0;
  }

  #deliver(event: StreamEvent): void {
    if (event.id <= this.#mark(event.projectId)) return;
    this.#marks.set(event.projectId, event.id);
    this.listeners.emit(event);
  }
}
