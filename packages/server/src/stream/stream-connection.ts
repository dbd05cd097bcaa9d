// One client's Server-Sent Events stream: an optional replay of stored events after Last-Event-ID,
// then live events, each delivered exactly once. The subscription is taken before the replay, and
// live events that arrive during it are held (up to a bound) and sent after it. Delivery skips any
// event at or below the last id sent: a project's stream ids grow in commit order, so such an event
// was replayed already (its notification came late, as a PostgreSQL NOTIFY can) or predates the
// resume point. A client that stops reading is dropped (its socket destroyed, freeing what was
// buffered for it): when its unread data outlives the drain timeout, exceeds the buffer bound, or
// when more live events pile up during its replay than may be held. It resumes with Last-Event-ID.

import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerLimits } from '../server-limits.js';
import type { Storage, StreamEvent } from '../storage/storage.js';

const REPLAY_PAGE = 500;
/** Bytes buffered in the process for one client before it is dropped, whatever the timeout says. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function formatStreamEvent(event: StreamEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data ?? null)}\n\n`;
}

export interface StreamConnectionOptions {
  res: ServerResponse;
  storage: Pick<Storage, 'subscribe' | 'listStreamEventsAfter' | 'latestStreamEventId'>;
  projectId: string;
  /** Replay the stored events after this id first; null: live only. */
  resumeAfter: number | null;
  limits: Pick<ServerLimits, 'streamHeartbeatMs' | 'streamMaxHeldEvents' | 'streamDrainTimeoutMs'>;
  log: FastifyBaseLogger;
  /** Called once, when the stream has ended for whatever reason. */
  onEnd: () => void;
}

export class StreamConnection {
  readonly #options: StreamConnectionOptions;
  #ended = false;
  #lastSentId: number;
  /** Live events that came during the replay; null once live. */
  #held: StreamEvent[] | null;
  /**
   * The project's newest event id, read before subscribing: the replay sends everything up to it,
   * so a live event no newer (a late notification of an event committed before) is not held.
   */
  #replayCovers = 0;
  #unsubscribe: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #drainWaiters: (() => void)[] = [];

  constructor(options: StreamConnectionOptions) {
    this.#options = options;
    this.#lastSentId = options.resumeAfter ?? 0;
    this.#held = options.resumeAfter === null ? null : [];
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Sends the headers, goes live, and resolves once the replay (if any) is written. */
  async run(): Promise<void> {
    const { res, storage, limits, projectId } = this.#options;
    // An id past the project's newest event is from another history (a database replaced under an
    // open dashboard): resumed after it, the stream would skip every event until ids caught up.
    // Read before subscribing: what commits after the read is replayed or arrives live.
    if (this.#held !== null) {
      try {
        this.#replayCovers = await storage.latestStreamEventId(projectId);
        this.#lastSentId = Math.min(this.#lastSentId, this.#replayCovers);
      } catch (err) {
        // Nothing is sent yet: a reset connection, which an EventSource retries.
        this.#options.log.error({ err }, 'stream resume failed');
        if (this.#finish()) res.destroy();
        return;
      }
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      // The connection is the stream's: when it ends (client gone, shutdown) the socket goes too,
      // instead of idling in keep-alive and holding a graceful close up until its timeout.
      connection: 'close',
    });
    res.on('close', () => this.end());
    if (res.socket === null || res.socket.destroyed) return this.end();
    this.#write(': connected\n\n');
    this.#unsubscribe = storage.subscribe((event) => this.#onLive(event));
    this.#heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), limits.streamHeartbeatMs);
    if (this.#held === null) return;
    try {
      await this.#replay();
    } catch (err) {
      this.#options.log.error({ err }, 'stream replay failed');
      this.end();
      return;
    }
    const held = this.#held;
    this.#held = null;
    for (const event of held) this.#send(event);
  }

  /** Ends the stream after what is buffered (shutdown, revoked key, ended session). */
  end(): void {
    if (this.#finish()) this.#options.res.end();
  }

  /** Ends the stream at once, discarding what the client has not read. */
  drop(reason: string): void {
    if (!this.#finish()) return;
    this.#options.log.warn({ reason }, 'event stream client dropped');
    this.#options.res.destroy();
  }

  #finish(): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#drainTimer);
    this.#unsubscribe?.();
    for (const wake of this.#drainWaiters.splice(0)) wake();
    this.#options.onEnd();
    return true;
  }

  async #replay(): Promise<void> {
    const { storage, projectId } = this.#options;
    let after = this.#lastSentId;
    while (!this.#ended) {
      const page = await storage.listStreamEventsAfter(projectId, after, REPLAY_PAGE);
      for (const event of page) {
        if (!this.#send(event)) await this.#drained();
        if (this.#ended) return;
      }
      if (page.length < REPLAY_PAGE) return;
      after = page[page.length - 1]!.id;
    }
  }

  #onLive(event: StreamEvent): void {
    if (this.#ended || event.projectId !== this.#options.projectId || event.id <= this.#lastSentId) return;
    // During the replay, one it will send is not held.
    if (this.#held !== null && event.id <= this.#replayCovers) return;
    if (this.#held === null) {
      this.#send(event);
    } else if (this.#held.length < this.#options.limits.streamMaxHeldEvents) {
      this.#held.push(event);
    } else {
      this.drop('more live events arrived during the replay than may be held');
    }
  }

  /** False when the client should be let to catch up first (or the stream ended). */
  #send(event: StreamEvent): boolean {
    if (event.id <= this.#lastSentId) return true;
    this.#lastSentId = event.id;
    return this.#write(formatStreamEvent(event));
  }

  #write(text: string): boolean {
    if (this.#ended) return false;
    const { res } = this.#options;
    const ok = res.write(text);
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      this.drop('too much unread data');
      return false;
    }
    if (!ok) this.#awaitDrain();
    return ok;
  }

  /** Arms the drain timeout once per backlog; 'drain' disarms it and wakes the replay. */
  #awaitDrain(): void {
    if (this.#drainTimer !== undefined) return;
    const { res, limits } = this.#options;
    this.#drainTimer = setTimeout(() => this.drop('stopped reading'), limits.streamDrainTimeoutMs);
    res.once('drain', () => {
      clearTimeout(this.#drainTimer);
      this.#drainTimer = undefined;
      for (const wake of this.#drainWaiters.splice(0)) wake();
    });
  }

  #drained(): Promise<void> {
    if (this.#ended || this.#drainTimer === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }
}
