// The server's learners in a worker thread of their own (learner-thread-entry.ts), with their own
// connection to the database, so that learning takes no time from ingest. The thread reports its
// failures and steps here. The learners catch their own failures; should the thread die all the
// same (out of memory, a bug), that is logged and the server serves on without learning. stop()
// ends the learners (steps in flight abandoned uncommitted, locks given back) and waits for the
// thread to exit.

import { Worker } from 'node:worker_threads';

export interface LearnerThreadData {
  /** The server's `db` (SQLite path or postgres:// URL); the thread opens its own connection. */
  db: string | undefined;
  tickMs?: number;
}

/** An error of the thread, as text (what crosses threads safely). */
export interface ThreadFailure {
  name: string;
  message: string;
  stack?: string;
}

export interface LearnerThreadStep {
  step: number;
  rollouts: number;
  completed: number;
}

export type LearnerThreadMessage =
  | { type: 'ready' }
  | { type: 'error'; error: ThreadFailure }
  | { type: 'step'; report: LearnerThreadStep }
  /** SQLite: the thread committed stream events (other backends hear of them through the database). */
  | { type: 'stream-committed' };

export interface LearnerThreadOptions extends LearnerThreadData {
  onError: (error: unknown) => void;
  onStep: (report: LearnerThreadStep) => void;
  /** The thread committed stream events: hand them to this thread's subscribers (storage.catchUpStream). */
  onStreamCommitted: () => void;
  /** Bound on a stopping thread's exit, then it is terminated (default 30 s). */
  stopTimeoutMs?: number;
}

/**
 * Built, the entry is a sibling .js file; from the TypeScript sources (tests, tsx) the thread loads
 * tsx first, which like the tests maps @arc-agent/* to the sources (tsconfig paths, from the
 * repository root).
 */
function spawnEntry(data: LearnerThreadData): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  if (!fromSources) {
    return new Worker(new URL('./learner-thread-entry.js', import.meta.url), {
      workerData: data,
      execArgv: [],
    });
  }
  const entry = new URL('./learner-thread-entry.ts', import.meta.url).href;
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`,
    { eval: true, workerData: data, execArgv: [] },
  );
}

function errorOf(failure: ThreadFailure): Error {
  const error = new Error(failure.message);
  error.name = failure.name;
  if (failure.stack !== undefined) error.stack = failure.stack;
  return error;
}

export class LearnerThread {
  readonly #options: LearnerThreadOptions;
  #worker: Worker | undefined;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;

  private constructor(options: LearnerThreadOptions) {
    this.#options = options;
  }

  /** Resolves once the thread's learners have started; rejects (thread gone) when they could not. */
  static async start(options: LearnerThreadOptions): Promise<LearnerThread> {
    const thread = new LearnerThread(options);
    await thread.#spawn();
    return thread;
  }

  /** Whether the thread is running (false once stopped, or once it died). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  #spawn(): Promise<void> {
    const { db, tickMs, onError, onStep, onStreamCommitted } = this.#options;
    const worker = spawnEntry({ db, ...(tickMs !== undefined ? { tickMs } : {}) });
    this.#worker = worker;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      let failedToStart: unknown;
      worker.on('message', (message: LearnerThreadMessage) => {
        if (message.type === 'ready') {
          ready = true;
          resolve();
        } else if (message.type === 'error') onError(errorOf(message.error));
        else if (message.type === 'step') onStep(message.report);
        else onStreamCommitted();
      });
      // An uncaught error ends the thread; its exit follows.
      worker.on('error', (error) => {
        if (ready) onError(error);
        else failedToStart = error;
      });
      this.#exited = new Promise<void>((exited) => {
        worker.once('exit', (code) => {
          this.#worker = undefined;
          exited();
          if (this.#stopping) return resolve();
          if (!ready) {
            reject(failedToStart ?? new Error(`the learner thread exited with code ${code} before starting`));
            return;
          }
          onError(
            new Error(
              `the learner thread exited with code ${code}; learning stops until the server restarts`,
            ),
          );
        });
      });
    });
  }

  /** Stops the learners and waits for the thread to exit; safe to call more than once. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    if (worker !== undefined) {
      worker.postMessage('stop');
      const bound = setTimeout(() => void worker.terminate(), this.#options.stopTimeoutMs ?? 30_000);
      await this.#exited;
      clearTimeout(bound);
    }
  }
}
