import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestService } from '../ingest-service.js';
import { learningResult, seedApprovals } from '../routes/learning-seed.fixture.js';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { monitorDeployments } from './deployment-monitor.js';
import { ingestFailures } from './learning-agent.fixture.js';
import { DEFAULT_LEARNING_SETTINGS } from './learning-settings.js';

describe.each(openTestStorages())('monitorDeployments ($name)', (backend) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());

  /** Calls of `lookup` as the SDK reports them while a canary of `fixId` runs. */
  async function calls(
    projectId: string,
    fixId: string,
    arm: 'treatment' | 'control',
    failures: number,
    successes: number,
  ) {
    const ingest = createIngestService({
      storage,
      failureReservoirSize: 5,
      successReservoirSize: 5,
      random: Math.random,
      now: Date.now,
    });
    const tags = { canary: arm, canaryFixIds: fixId, canaryAttempt: 'final' };
    const fixIds = arm === 'treatment' ? [fixId] : [];
    await ingest.ingest(
      projectId,
      [
        ...Array.from({ length: failures }, () => ({
          kind: 'failure' as const,
          function: 'lookup',
          tags,
          fixIds,
          error: { type: 'TimeoutError', message: 'request timed out after 5000ms', code: 'ETIMEDOUT' },
        })),
        // One aggregate event stands for all the successes, as the SDK sends them.
        ...(successes > 0
          ? [
              {
                kind: 'success' as const,
                function: 'lookup',
                tags: { ...tags, 'arc.count': String(successes) },
                fixIds,
              },
            ]
          : []),
      ],
      'test-credential',
    );
  }

  it('promotes a canary that helps and rolls back one that harms, from outcomes counted at ingest', async () => {
    const { id } = await storage.ensureProject('monitored');
    await ingestFailures(storage, id, { lookup: 1 });
    const [pattern] = (await storage.listPatterns(id, { sort: 'occurrences', limit: 1 })).patterns;
    const seeded = await seedApprovals(storage, id, [
      {
        result: learningResult({ patternId: pattern!.id, function: 'lookup', candidateId: 'fix_good' }),
        autoApproveAt: 0.5,
      },
      {
        result: learningResult({
          patternId: pattern!.id,
          function: 'lookup',
          candidateId: 'fix_bad',
          fix: { type: 'prompt_adjustment', instructions: 'y' },
        }),
        autoApproveAt: 0.5,
      },
    ]);
    const [good, bad] = seeded.deployments;

    await calls(id, 'fix_good', 'treatment', 0, 30);
    await calls(id, 'fix_good', 'control', 3, 27);
    expect(await monitorDeployments(storage, id, DEFAULT_LEARNING_SETTINGS, Date.now)).toEqual([]);
    await calls(id, 'fix_good', 'control', 12, 0);
    await calls(id, 'fix_bad', 'treatment', 25, 5);
    await calls(id, 'fix_bad', 'control', 2, 28);

    const changed = await monitorDeployments(storage, id, DEFAULT_LEARNING_SETTINGS, Date.now);
    const byFix = new Map(changed.map((c) => [c.ok ? c.deployment.fixId : '', c]));
    expect(byFix.get('fix_good')).toMatchObject({
      ok: true,
      deployment: { status: 'promoted', reason: 'canary test: pattern and function: benefit' },
    });
    expect(byFix.get('fix_bad')).toMatchObject({
      ok: true,
      deployment: {
        status: 'rolled_back',
        reason: expect.stringMatching(/^canary test: (function|pattern): harm$/),
      },
    });

    const promoted = await storage.getDeployment(id, good!.id);
    expect(promoted?.treatment).toEqual({ trials: 30, failures: 0, patternFailures: 0 });
    expect(promoted?.control).toEqual({ trials: 42, failures: 15, patternFailures: 15 });
    const [audit] = await storage.listAuditLog(id, { subjectId: bad!.id, limit: 1 });
    expect(audit).toMatchObject({
      actor: 'arc',
      action: 'deployment.rolled_back',
      detail: { treatment: { failures: 25 }, function: { decision: 'rollback' } },
    });
    const types = (await storage.listStreamEventsAfter(id, 0, 1_000)).map((e) => e.type);
    expect(types).toContain('deployment.promoted');
    expect(types).toContain('deployment.rolled_back');
    // Decided deployments are not judged again.
    expect(await monitorDeployments(storage, id, DEFAULT_LEARNING_SETTINGS, Date.now)).toEqual([]);
  });
});
