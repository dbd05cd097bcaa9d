// A project whose agent fails in ways Arc can learn to fix, for the learner's tests: `lookup` times
// out while an upstream outage lasts four attempts (so only a retry policy with at least five
// attempts rescues it), `login` fails authentication (never fixed automatically). Failures go
// through the real ingest service; rollouts run through the real rollout queue and embedded worker,
// whose handler replays an input under a fix the way the agent would fare.

import { type Fix, fixParts } from '@arc-agent/core';
import { createIngestService } from '../ingest-service.js';
import type { EventInput } from '../schemas/event-schemas.js';
import type { Storage } from '../storage/storage.js';
import { EmbeddedWorker, type RolloutHandler } from './embedded-worker.js';
import { createRolloutQueue, fixesToApply } from './rollout-queue.js';

export const OUTAGE_ATTEMPTS = 4;

/** Small steps, one every 5 new failures (and not by time), each put up for approval. */
export const QUICK_LEARNING_CONFIG = {
  batchSize: 2,
  groupSize: 4,
  syncInterval: 1,
  minTrials: 4,
  triggerFailures: 5,
  triggerIntervalMs: 3_600_000,
};

/** Whether `lookup` succeeds under `fixes`: only enough retries outlast the outage. */
export function lookupSucceeds(...fixes: (Fix | null)[]): boolean {
  return fixes
    .flatMap((fix) => (fix === null ? [] : fixParts(fix)))
    .some((p) => p.type === 'retry_policy' && p.maxAttempts > OUTAGE_ATTEMPTS);
}

export const lookupHandler: RolloutHandler = (rollout) => {
  // Calls that succeed in production keep succeeding whatever the fix.
  if (rollout.source === 'success') return { reward: 1, output: { found: true } };
  // Replayed as production runs it: with what is promoted for the other patterns, and the candidate.
  return lookupSucceeds(...fixesToApply(rollout))
    ? { reward: 1, output: { found: true } }
    : { reward: 0, error: 'request timed out after 5000ms' };
};

export async function ingestFailures(
  storage: Storage,
  projectId: string,
  counts: { lookup?: number; login?: number; successes?: number },
  seed = 1,
): Promise<void> {
  let state = seed;
  const random = () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
  const ingest = createIngestService({
    storage,
    failureReservoirSize: 10,
    successReservoirSize: 10,
    random,
    now: Date.now,
  });
  const events: EventInput[] = [];
  for (let i = 0; i < (counts.lookup ?? 0); i++) {
    events.push({
      kind: 'failure',
      function: 'lookup',
      agentId: `agent-${i % 3}`,
      input: { user: 1_000 + i },
      error: { type: 'TimeoutError', message: 'request timed out after 5000ms', code: 'ETIMEDOUT' },
    });
  }
  for (let i = 0; i < (counts.login ?? 0); i++) {
    events.push({
      kind: 'failure',
      function: 'login',
      input: { user: i },
      error: { type: 'HttpError', message: 'Unauthorized', status: 401 },
    });
  }
  for (let i = 0; i < (counts.successes ?? 0); i++) {
    events.push({ kind: 'success', function: 'lookup', input: { user: 5_000 + i }, output: { found: true } });
  }
  await ingest.ingest(projectId, events, 'fixture-credential');
}

/** The embedded worker of a test project, running `lookup` rollouts. */
export function startLookupWorker(storage: Storage, projectId: string): EmbeddedWorker {
  const worker = new EmbeddedWorker({
    queue: createRolloutQueue(storage),
    projectId,
    handlers: { lookup: lookupHandler },
    pollMs: 5,
    concurrency: 8,
  });
  worker.start();
  return worker;
}
