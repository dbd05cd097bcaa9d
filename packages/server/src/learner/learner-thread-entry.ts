// Inside the learner thread (learner-thread.ts starts it): its own connection to the database and
// the learner pool a serving process runs, so that learning steps (candidate mining, SQLite's
// synchronous queries) take no time from the thread that ingests. It reports failures and steps
// to the server's thread, and on SQLite announces its stream events, which the server's
// connection then reads and hands to its live streams in order.

import { parentPort, workerData } from 'node:worker_threads';
import { openStorage } from '../storage/open-storage.js';
import { LearnerPool } from './learner-pool.js';
import type { LearnerThreadData, LearnerThreadMessage, ThreadFailure } from './learner-thread.js';
import { llmAnalystFromEnv } from './llm-analyst.js';

const port = parentPort;
if (port === null) throw new Error('learner-thread-entry runs as a worker thread only');
const data = workerData as LearnerThreadData;
const post = (message: LearnerThreadMessage) => port.postMessage(message);

/** Errors cross threads as their text: a database error may hold what cannot be cloned. */
function failure(error: unknown): ThreadFailure {
  return error instanceof Error
    ? { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) }
    : { name: 'Error', message: String(error) };
}

const storage = await openStorage(data.db);
const analyst = llmAnalystFromEnv(process.env);
const pool = new LearnerPool({
  storage,
  ...(analyst ? { analyst } : {}),
  ...(data.tickMs !== undefined ? { tickMs: data.tickMs } : {}),
  onError: (error) => post({ type: 'error', error: failure(error) }),
  onStep: ({ step, rollouts, completed }) => post({ type: 'step', report: { step, rollouts, completed } }),
});
const unsubscribe =
  storage.dialect === 'sqlite' ? storage.subscribe(() => post({ type: 'stream-committed' })) : undefined;
port.on('message', (message: 'stop') => {
  if (message !== 'stop') return;
  void (async () => {
    try {
      await pool.stop();
      unsubscribe?.();
      await storage.close();
    } catch (error) {
      post({ type: 'error', error: failure(error) });
    }
    // Nothing else keeps the thread alive: it exits.
    port.close();
  })();
});
await pool.start();
post({ type: 'ready' });
