import type { Fix } from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learningResult, PROMPT_FIX, RETRY_FIX, seedApprovals } from '../routes/learning-seed.fixture.js';
import { ARC_ACTOR } from '../storage/learning-queries.js';
import type { NewRolloutJob, Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { waitUntil } from '../test-server.fixture.js';
import { EmbeddedWorker } from './embedded-worker.js';
import { createRolloutQueue, fixesToApply } from './rollout-queue.js';

const job = (fn: string, i: number): NewRolloutJob => ({
  patternId: 'p',
  exampleId: `e-${i}`,
  source: 'failure',
  input: { i },
  candidateId: 'none',
  fix: null,
  function: fn,
  group: `g-${i}`,
});

describe.each(openTestStorages())('embedded worker ($name)', (backend) => {
  let storage: Storage;
  let projectSeq = 0;
  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());

  const project = async () => (await storage.ensureProject(`worker-${++projectSeq}`)).id;

  it('runs the jobs of its functions through the rollout queue and reports their rewards', async () => {
    const id = await project();
    await storage.enqueueRollouts(
      id,
      1,
      [job('double', 1), job('double', 2), job('fails', 3), job('lies', 4), job('elsewhere', 5)],
      1,
    );
    const seen: unknown[] = [];
    const worker = new EmbeddedWorker({
      queue: createRolloutQueue(storage),
      projectId: id,
      pollMs: 5,
      handlers: {
        double: (rollout) => {
          seen.push(rollout.input);
          return { reward: 0.5, output: { twice: (rollout.input as { i: number }).i * 2 } };
        },
        fails: async () => {
          throw new Error('agent crashed');
        },
        lies: () => ({ reward: 7 }),
      },
    });
    worker.start();
    await waitUntil(() => worker.stats().completed === 4, 'four reports');
    await worker.stop();
    expect(worker.stats()).toEqual({ completed: 4, failed: 2, refused: 0 });
    expect(seen).toHaveLength(2);
    const jobs = new Map((await storage.listRollouts(id, 1)).map((j) => [j.exampleId, j]));
    expect(jobs.get('e-1')).toMatchObject({
      status: 'done',
      reward: 0.5,
      output: { twice: 2 },
      leaseOwner: worker.workerId,
    });
    expect(jobs.get('e-3')).toMatchObject({ status: 'done', reward: 0, error: 'agent crashed' });
    expect(jobs.get('e-4')).toMatchObject({
      status: 'done',
      reward: 0,
      error: 'handler for lies returned no reward in [0, 1]',
    });
    expect(jobs.get('e-5')).toMatchObject({ status: 'queued' });
  });

  it('runs at most `concurrency` handlers at once, and stops them when stopped', async () => {
    const id = await project();
    await storage.enqueueRollouts(
      id,
      1,
      Array.from({ length: 6 }, (_, i) => job('slow', i)),
      1,
    );
    let running = 0;
    let most = 0;
    let aborted = 0;
    const worker = new EmbeddedWorker({
      queue: createRolloutQueue(storage),
      projectId: id,
      concurrency: 2,
      pollMs: 5,
      handlers: {
        slow: (_rollout, signal) =>
          new Promise((resolve) => {
            running++;
            most = Math.max(most, running);
            const finish = (reward: number) => {
              clearTimeout(timer);
              signal.removeEventListener('abort', onAbort);
              running--;
              resolve({ reward });
            };
            const onAbort = () => {
              aborted++;
              finish(0);
            };
            const timer = setTimeout(() => finish(1), 30);
            signal.addEventListener('abort', onAbort);
          }),
      },
    });
    worker.start();
    await waitUntil(() => worker.stats().completed >= 3, 'three reports');
    await worker.stop();
    expect(most).toBe(2);
    expect(running).toBe(0);
    // What was running when it stopped is not reported: its lease runs out and another worker gets it.
    const jobs = await storage.listRollouts(id, 1);
    expect(jobs.filter((j) => j.status === 'done')).toHaveLength(worker.stats().completed);
    expect(jobs.filter((j) => j.status === 'leased').length).toBeGreaterThanOrEqual(aborted);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await storage.listRollouts(id, 1)).filter((j) => j.status === 'done')).toHaveLength(
      worker.stats().completed,
    );
  });

  it('hands handlers the fixes promoted for the function’s other patterns, to apply before the candidate', async () => {
    const id = await project();
    const result = learningResult({ patternId: 'p-other', function: 'answer', candidateId: 'c-retry' });
    const [deployment] = (await seedApprovals(storage, id, [{ result, autoApproveAt: 0.5 }], 1)).deployments;
    await storage.concludeDeployment(
      id,
      deployment!.id,
      { status: 'promoted', reason: 'test', actor: ARC_ACTOR, from: ['canary'] },
      2,
    );
    await storage.enqueueRollouts(
      id,
      2,
      [{ ...job('answer', 1), candidateId: 'c-prompt', fix: PROMPT_FIX }, job('answer', 2)],
      3,
    );
    const seen = new Map<string, { base: string[]; applied: Fix[] }>();
    const worker = new EmbeddedWorker({
      queue: createRolloutQueue(storage),
      projectId: id,
      pollMs: 5,
      handlers: {
        answer: (rollout) => {
          seen.set(rollout.exampleId, {
            base: rollout.baseFixes.map((f) => `${f.patternId}@${f.canaryShare}`),
            applied: fixesToApply(rollout),
          });
          return { reward: 1 };
        },
      },
    });
    worker.start();
    await waitUntil(() => worker.stats().completed === 2, 'two reports');
    await worker.stop();
    expect(Object.fromEntries(seen)).toEqual({
      'e-1': { base: ['p-other@1'], applied: [RETRY_FIX, PROMPT_FIX] },
      'e-2': { base: ['p-other@1'], applied: [RETRY_FIX] },
    });
  });

  it('counts reports the server refused because the step ended meanwhile', async () => {
    const id = await project();
    await storage.enqueueRollouts(id, 1, [job('late', 1)], 1);
    let release: (() => void) | undefined;
    const worker = new EmbeddedWorker({
      queue: createRolloutQueue(storage),
      projectId: id,
      pollMs: 5,
      handlers: { late: () => new Promise((resolve) => (release = () => resolve({ reward: 1 }))) },
    });
    worker.start();
    // The handler runs once the lease is taken (and the job's base fixes read).
    await waitUntil(() => release !== undefined, 'the handler');
    await storage.commitLearningStep(
      id,
      {
        step: 1,
        state: {},
        failuresSeen: 0,
        summary: {},
        results: [],
        approvals: [],
        pruneRolloutsBefore: 0,
      },
      2,
    );
    release!();
    await waitUntil(() => worker.stats().refused === 1, 'the refusal');
    await worker.stop();
  });
});
