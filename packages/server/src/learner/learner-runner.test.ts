import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learningResult, seedApprovals } from '../routes/learning-seed.fixture.js';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { waitUntil } from '../test-server.fixture.js';
import type { EmbeddedWorker } from './embedded-worker.js';
import { LearnerPool } from './learner-pool.js';
import { LearnerRunner } from './learner-runner.js';
import type { LearnerStepReport } from './learner-step.js';
import { ingestFailures, QUICK_LEARNING_CONFIG, startLookupWorker } from './learning-agent.fixture.js';

const FAST = { tickMs: 20, pollMs: 5 };

describe.each(openTestStorages())('learner runner ($name)', (backend) => {
  let storage: Storage;
  const workers: EmbeddedWorker[] = [];
  const runners: { stop(): Promise<void> }[] = [];
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);

  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await Promise.all(workers.map((w) => w.stop()));
    await backend.cleanup();
  });

  function runner(on: Storage, projectId: string, steps: LearnerStepReport[]): LearnerRunner {
    const r = new LearnerRunner({ storage: on, projectId, ...FAST, onError, onStep: (s) => steps.push(s) });
    runners.push(r);
    r.start();
    return r;
  }

  it('elects one learner among replicas, steps on new failures, and hands over when the leader stops', async () => {
    const { id } = await storage.ensureProject('elected');
    await storage.saveLearningConfig(id, QUICK_LEARNING_CONFIG, Date.now());
    workers.push(startLookupWorker(storage, id));
    const replica = await backend.open();
    const stepsA: LearnerStepReport[] = [];
    const stepsB: LearnerStepReport[] = [];
    const a = runner(storage, id, stepsA);
    const b = runner(replica, id, stepsB);
    await waitUntil(() => a.leading || b.leading, 'a leader');
    // A fresh learner tries once at once (nothing to learn yet), then waits for N new failures.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.leading && b.leading).toBe(false);
    expect([...stepsA, ...stepsB]).toEqual([]);

    await ingestFailures(storage, id, { lookup: 5 });
    await waitUntil(() => stepsA.length + stepsB.length >= 1, 'a step after 5 failures');
    const [leader, follower, leaderSteps, followerSteps] = a.leading
      ? [a, b, stepsA, stepsB]
      : [b, a, stepsB, stepsA];
    expect(followerSteps).toEqual([]);
    expect(leaderSteps[0]).toMatchObject({ step: 1, rollouts: 8 });
    // Fewer than N new failures: no step.
    await ingestFailures(storage, id, { lookup: 2 }, 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(leaderSteps).toHaveLength(1);

    await leader.stop();
    await waitUntil(() => follower.leading, 'the follower to take over');
    await ingestFailures(storage, id, { lookup: 3 }, 3);
    await waitUntil(() => followerSteps.length >= 1, 'a step by the new leader');
    expect(followerSteps[0]!.step).toBe(2);
    expect(errors).toEqual([]);
  });

  it('runs a step on request, and judges canaries while it leads', async () => {
    const { id } = await storage.ensureProject('monitoring');
    await storage.saveLearningConfig(
      id,
      { ...QUICK_LEARNING_CONFIG, triggerFailures: 1_000, canaryMaxTrials: 10 },
      Date.now(),
    );
    workers.push(startLookupWorker(storage, id));
    await ingestFailures(storage, id, { lookup: 3 });
    // Seeded before the learner starts: one learner per project commits steps.
    const [deployment] = (
      await seedApprovals(storage, id, [
        { result: learningResult({ function: 'lookup' }), autoApproveAt: 0.5 },
      ])
    ).deployments;
    const steps: LearnerStepReport[] = [];
    const r = runner(storage, id, steps);
    await waitUntil(() => r.leading, 'leadership');
    // The seeded step is recent and no N failures came since: only a request starts a step.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(steps).toEqual([]);
    r.requestStep();
    await waitUntil(() => steps.length === 1, 'the requested step');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(steps.map((s) => s.step)).toEqual([2]);

    // Outcomes of 10 calls with the fix and none of its failures: the horizon promotes it.
    await storage.ingest(
      id,
      Array.from({ length: 10 }, (_, i) => ({
        id: `canary-${i}`,
        kind: 'success' as const,
        function: 'lookup',
        agentId: null,
        timestamp: Date.now(),
        durationMs: null,
        error: null,
        input: null,
        output: null,
        fixIds: [deployment!.fixId],
        attempt: null,
        tags: { canary: 'treatment', canaryFixIds: deployment!.fixId },
        traceId: null,
        fingerprint: null,
      })),
      { failureReservoirSize: 1, successReservoirSize: 1, random: Math.random },
    );
    await waitUntil(
      async () => (await storage.getDeployment(id, deployment!.id))?.status === 'promoted',
      'promotion',
    );
    expect(errors).toEqual([]);
  });

  it('runs a learner for every project, including ones created later', async () => {
    const pool = new LearnerPool({ storage, ...FAST, discoverMs: 20, onError });
    runners.push(pool);
    await pool.start();
    const { id } = await storage.ensureProject('late-comer');
    await waitUntil(() => pool.runner(id)?.leading === true, 'a runner for the new project');
  });
});
