// SQLite's checkpoints (copying the WAL back into the database file, and syncing both) in a thread
// of their own, with its own connection, so that the thread committing ingest's batches pays little
// of them: they were about a quarter of an event's insert and commit. The writing connection keeps
// an autocheckpoint of its own as a backstop, above the thread's pace, so the WAL stays bounded
// should the thread fall behind or die. A PASSIVE checkpoint waits for no one: it copies what no
// reader still needs, while the writer goes on appending. Asked for by the writing thread after its
// commits, and answered through its event loop, as a server's is between requests.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Event data written between checkpoints: about a quarter of SQLite's own pace (1000 pages of
 * 4 KiB). Under a steady stream of commits the WAL starts over only at the backstop's checkpoint
 * (the thread's rarely catch up between two commits), which copies what the thread has not yet:
 * little, at this pace. Less often left the writer more to copy; more often cost more syncs.
 */
const DEFAULT_CHECKPOINT_BYTES = 1024 * 1024;

/** The writing connection's autocheckpoint (pages) while the thread checkpoints. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 4000;

/** What `PRAGMA wal_checkpoint` answers: frames in the WAL, and how many of them are in the database now. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

// Plain JavaScript, evaluated: the thread loads none of our modules (and so no tsx from the sources).
// Its connection syncs as the writing one does (synchronous = NORMAL: a checkpoint syncs the WAL
// before copying and the database after).
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('synchronous = NORMAL');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ result: db.pragma('wal_checkpoint(PASSIVE)')[0] });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.stack || error) });
  }
});
`;

export interface SqliteCheckpointThreadOptions {
  /** The database file; the thread opens its own connection to it. */
  file: string;
  onError: (error: unknown) => void;
  /** Event data written between checkpoints (default 1 MiB). */
  checkpointBytes?: number;
}

export class SqliteCheckpointThread {
  readonly #worker: Worker;
  readonly #options: SqliteCheckpointThreadOptions;
  #written = 0;
  /** The checkpoint in flight, settled when the thread answers. */
  #inFlight: Promise<CheckpointResult | undefined> | undefined;
  #answer: ((result: CheckpointResult | undefined) => void) | undefined;
  #running = true;

  constructor(options: SqliteCheckpointThreadOptions) {
    this.#options = options;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { file: options.file, driver } });
    // A checkpoint in flight must not keep the process alive.
    this.#worker.unref();
    this.#worker.on('message', (message: { result?: CheckpointResult; error?: string }) => {
      if (message.error !== undefined) options.onError(new Error(`checkpoint failed: ${message.error}`));
      this.#settle(message.result);
    });
    // The writing connection's backstop checkpoints from now on.
    this.#worker.on('error', (error) => {
      this.#running = false;
      options.onError(error);
      this.#settle(undefined);
    });
    this.#worker.on('exit', () => {
      this.#running = false;
      this.#settle(undefined);
    });
  }

  /** After a commit that wrote about `bytes`: asks for a checkpoint once enough were written since the last one. */
  wrote(bytes: number): void {
    this.#written += bytes;
    const threshold = this.#options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES;
    if (this.#written < threshold || this.#inFlight !== undefined || !this.#running) return;
    this.#written = 0;
    this.#inFlight = new Promise((resolve) => {
      this.#answer = resolve;
    });
    this.#worker.postMessage('checkpoint');
  }

  /** The answer of the checkpoint in flight; undefined when none is (or the thread is gone). */
  async idle(): Promise<CheckpointResult | undefined> {
    return this.#inFlight;
  }

  /** Lets a checkpoint in flight finish, closes the thread's connection and waits for it to exit. */
  async close(): Promise<void> {
    if (!this.#running) return;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    // Referenced again while it closes: when nothing else is left, the awaited exit must still
    // keep the process alive (otherwise Node ends it mid-await, exit code 13 under top-level await).
    this.#worker.ref();
    this.#worker.postMessage('close');
    await exited;
  }

  #settle(result: CheckpointResult | undefined): void {
    const answer = this.#answer;
    this.#inFlight = undefined;
    this.#answer = undefined;
    answer?.(result);
  }
}
