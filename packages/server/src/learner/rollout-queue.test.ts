import type { DeployedFix, Fix } from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learningResult, PROMPT_FIX, RETRY_FIX, seedApprovals } from '../routes/learning-seed.fixture.js';
import { ARC_ACTOR } from '../storage/learning-queries.js';
import type { DeploymentRecord, NewRolloutJob, Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { createRolloutQueue, fixesToApply, type LeasedRollout } from './rollout-queue.js';

const instructions = (text: string): Fix => ({ type: 'prompt_adjustment', instructions: text });

describe('fixesToApply', () => {
  const base = (patternId: string, fix: Fix): DeployedFix => ({
    id: `fx-${patternId}`,
    version: 1,
    patternId,
    function: 'f',
    fix,
    risk: 'medium',
    confidence: 0.97,
    canaryShare: 1,
  });
  const two = [base('p-2', instructions('Two.')), base('p-3', RETRY_FIX)];

  it('is the base fixes in their order, then the candidate', () => {
    expect(fixesToApply({ baseFixes: two, fix: PROMPT_FIX })).toEqual([
      instructions('Two.'),
      RETRY_FIX,
      PROMPT_FIX,
    ]);
    expect(fixesToApply({ baseFixes: two, fix: null })).toEqual([instructions('Two.'), RETRY_FIX]);
    expect(fixesToApply({ baseFixes: [], fix: PROMPT_FIX })).toEqual([PROMPT_FIX]);
    expect(fixesToApply({ baseFixes: [], fix: null })).toEqual([]);
  });
});

describe.each(openTestStorages())('rollout queue: the base fixes of a leased job ($name)', (backend) => {
  let storage: Storage;
  let projectId: string;
  let clock = 10_000;

  beforeAll(async () => {
    storage = await backend.open();
    projectId = (await storage.ensureProject('base-fixes')).id;
  });
  afterAll(() => backend.cleanup());

  /** Deploys a fix for a pattern as a canary, in a learner step of its own (so creation times differ). */
  async function deploy(patternId: string, fn: string, fix: Fix, at: number): Promise<DeploymentRecord> {
    const result = learningResult({ patternId, function: fn, candidateId: `c-${at}`, fix, risk: 'medium' });
    const { deployments } = await seedApprovals(storage, projectId, [{ result, autoApproveAt: 0.5 }], at);
    expect(deployments).toHaveLength(1);
    return deployments[0]!;
  }

  async function conclude(
    d: DeploymentRecord,
    status: 'promoted' | 'rolled_back',
    at: number,
  ): Promise<DeploymentRecord> {
    const from = status === 'promoted' ? (['canary'] as const) : (['promoted'] as const);
    const outcome = await storage.concludeDeployment(
      projectId,
      d.id,
      { status, reason: 'test', actor: ARC_ACTOR, from: [...from] },
      at,
    );
    if (!outcome.ok) throw new Error(`could not conclude ${d.patternId}: ${outcome.reason}`);
    return outcome.deployment;
  }

  const job = (fn: string, patternId: string, exampleId: string, fix: Fix | null): NewRolloutJob => ({
    patternId,
    exampleId,
    source: fix === null ? 'success' : 'failure',
    input: { exampleId },
    candidateId: fix === null ? 'none' : 'c-candidate',
    fix,
    function: fn,
    group: exampleId,
  });

  /** pattern: instructions of each base fix, per replayed example. */
  const summary = (leased: LeasedRollout[]) =>
    Object.fromEntries(
      leased.map((r) => [
        r.exampleId,
        r.baseFixes.map(
          (f) => `${f.patternId}: ${f.fix.type === 'prompt_adjustment' ? f.fix.instructions : f.fix.type}`,
        ),
      ]),
    );

  it('names the fixes promoted for the other patterns of the job’s function, oldest first, as they are when leased', async () => {
    // Promoted in the other order than deployed: creation order decides.
    const p2 = await deploy('p-2', 'f', instructions('Two.'), 1_000);
    const p6 = await deploy('p-6', 'f', instructions('Six.'), 2_000);
    await conclude(p6, 'promoted', 2_100);
    const p2Promoted = await conclude(p2, 'promoted', 2_200);
    await conclude(await deploy('p-1', 'f', instructions('One.'), 3_000), 'promoted', 3_100);
    const p3 = await deploy('p-3', 'f', instructions('Three.'), 4_000);
    const p4 = await conclude(await deploy('p-4', 'f', instructions('Four.'), 5_000), 'promoted', 5_100);
    await conclude(p4, 'rolled_back', 5_200);
    await conclude(await deploy('p-5', 'g', instructions('Five.'), 6_000), 'promoted', 6_100);
    const p2Again = await deploy('p-2', 'f', instructions('Two, again.'), 7_000);

    const step = (await storage.getLearnerState(projectId))!.step + 1;
    await storage.enqueueRollouts(
      projectId,
      step,
      [
        job('f', 'p-1', 'f-p1', PROMPT_FIX),
        job('f', 'p-2', 'f-p2', null),
        job('g', 'p-1', 'g-p1', RETRY_FIX),
        job('h', 'p-1', 'h-p1', PROMPT_FIX),
      ],
      clock,
    );
    const queue = createRolloutQueue(storage, () => clock);
    const lease = () =>
      queue.lease(projectId, { workerId: 'w', functions: ['f', 'g', 'h'], max: 10, leaseMs: 1_000 });

    const first = await lease();
    // Not the job's own pattern, not canaries (p-3, the second fix of p-2), not rolled back (p-4),
    // not another function's (p-5).
    expect(summary(first)).toEqual({
      'f-p1': ['p-2: Two.', 'p-6: Six.'],
      'f-p2': ['p-6: Six.', 'p-1: One.'],
      'g-p1': ['p-5: Five.'],
      'h-p1': [],
    });
    // Each as agents get it from GET /v1/fixes.
    expect(first.find((r) => r.exampleId === 'f-p1')!.baseFixes[0]).toEqual({
      id: p2Promoted.fixId,
      version: p2Promoted.version,
      patternId: 'p-2',
      function: 'f',
      fix: instructions('Two.'),
      risk: 'medium',
      confidence: p2Promoted.confidence,
      canaryShare: 1,
    });
    expect(first.find((r) => r.exampleId === 'f-p1')).toMatchObject({ fix: PROMPT_FIX, attempt: 1 });

    // Deployments change after the jobs were planned; the next lease of the same jobs sees them.
    await conclude(p3, 'promoted', 10_100);
    await conclude(p2Again, 'promoted', 10_200);
    await conclude(p6, 'rolled_back', 10_300);
    clock = 20_000;
    const second = await lease();
    expect(second.map((r) => r.attempt)).toEqual([2, 2, 2, 2]);
    expect(summary(second)).toEqual({
      'f-p1': ['p-3: Three.', 'p-2: Two, again.'],
      'f-p2': ['p-1: One.', 'p-3: Three.'],
      'g-p1': ['p-5: Five.'],
      'h-p1': [],
    });
    expect(await lease()).toEqual([]);
  });
});
