// Hands a SQLite storage's subscribers its committed stream events in id order, together with
// those other connections to the file committed in between (the learner thread's, the CLI's),
// read back from the file. Writers to one file are serialised, so once this connection has
// committed id N, every smaller id is committed: reading the gap below N before handing N over
// keeps the order a live stream relies on (it drops an id below one it has sent).

import type BetterSqlite3 from 'better-sqlite3';
import { streamEventFromRow } from './shared-queries.js';
import type { StreamEvent } from './storage.js';
import type { StreamListeners } from './stream-listeners.js';

export class SqliteStreamDelivery {
  #statements: { between: BetterSqlite3.Statement; latest: BetterSqlite3.Statement } | undefined;
  /** The highest id handed over, or passed while nobody listened; unknown until first needed. */
  #mark: number | undefined;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly listeners: StreamListeners,
  ) {}

  /** The events this connection has just committed, oldest first. */
  committed(events: readonly StreamEvent[]): void {
    const first = events[0];
    if (first === undefined) return;
    if (this.#mark !== undefined && first.id > this.#mark + 1) this.#handStored(first.id);
    for (const event of events) this.#hand(event);
  }

  /** What other connections committed since the last event handed over (once migrated: starts the mark). */
  catchUp(): void {
    this.#handStored(Number.MAX_SAFE_INTEGER);
  }

  /** Hands over the stored events between the mark and `before`, or passes them when nobody listens. */
  #handStored(before: number): void {
    const mark = this.#mark ?? this.#latestId();
    if (this.listeners.size === 0) {
      this.#mark = Math.max(mark, Math.min(before - 1, this.#latestId()));
      return;
    }
    this.#mark = mark;
    const rows = this.#prepared().between.all(mark, before) as Parameters<typeof streamEventFromRow>[0][];
    for (const row of rows) this.#hand(streamEventFromRow(row));
  }

  #hand(event: StreamEvent): void {
    if (this.#mark !== undefined && event.id <= this.#mark) return;
    this.#mark = event.id;
    this.listeners.emit(event);
  }

  #latestId(): number {
    return (this.#prepared().latest.get() as { id: number }).id;
  }

  /** Prepared on first use: the table exists once the storage is migrated. */
  #prepared() {
    this.#statements ??= {
      between: this.sqlite.prepare('SELECT * FROM stream_events WHERE id > ? AND id < ? ORDER BY id'),
      latest: this.sqlite.prepare('SELECT coalesce(max(id), 0) AS id FROM stream_events'),
    };
    return this.#statements;
  }
}
