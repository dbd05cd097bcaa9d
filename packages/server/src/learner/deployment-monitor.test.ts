import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestService } from '../ingest-service.js';
import { learningResult, seedApprovals } from '../routes/learning-seed.fixture.js';
import type { CanaryCounters, DeploymentRecord, Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { judgeCanary, monitorDeployments } from './deployment-monitor.js';
import { ingestFailures } from './learning-agent.fixture.js';
import { DEFAULT_LEARNING_SETTINGS } from './learning-settings.js';

const settings = { canaryAlpha: 0.05, canaryMaxFailures: 50, canaryMaxTrials: 2_000 };

function canary(treatment: CanaryCounters, control: CanaryCounters, canaryShare = 0.5): DeploymentRecord {
  return {
    id: 'd-1',
    projectId: 'p',
    approvalId: 'a-1',
    resultId: 'r-1',
    fixId: 'fix_x',
    patternId: 'p-1',
    function: 'f',
    fix: { type: 'prompt_adjustment', instructions: 'x' },
    risk: 'medium',
    confidence: 0.97,
    source: 'learner',
    version: 1,
    canaryShare,
    status: 'canary',
    treatment,
    control,
    createdAt: 0,
    decidedAt: null,
    reason: null,
  };
}

describe('judgeCanary', () => {
  it('waits while the evidence is thin', () => {
    const verdict = judgeCanary(
      canary(
        { trials: 10, failures: 1, patternFailures: 1 },
        { trials: 10, failures: 2, patternFailures: 2 },
      ),
      settings,
    );
    expect(verdict).toMatchObject({ decision: 'continue', reason: 'undecided' });
  });

  it("promotes a fix that stops its pattern's failures", () => {
    const verdict = judgeCanary(
      canary(
        { trials: 60, failures: 0, patternFailures: 0 },
        { trials: 60, failures: 20, patternFailures: 20 },
      ),
      settings,
    );
    expect(verdict).toMatchObject({ decision: 'promote', reason: 'pattern and function: benefit' });
    expect(verdict.pattern.benefitEvidence).toBeGreaterThanOrEqual(20);
  });

  it("does not promote a fix that clears its pattern while the function's failures only move elsewhere", () => {
    const verdict = judgeCanary(
      canary(
        { trials: 60, failures: 20, patternFailures: 0 },
        { trials: 60, failures: 20, patternFailures: 20 },
      ),
      settings,
    );
    expect(verdict.pattern).toMatchObject({ decision: 'promote', reason: 'benefit' });
    expect(verdict).toMatchObject({ decision: 'continue', reason: 'undecided' });
  });

  it('rolls back a fix that fixes its pattern but breaks the function, harm outweighing benefit', () => {
    const verdict = judgeCanary(
      canary(
        { trials: 100, failures: 45, patternFailures: 0 },
        { trials: 100, failures: 20, patternFailures: 20 },
      ),
      settings,
    );
    expect(verdict.pattern.decision).toBe('promote');
    expect(verdict).toMatchObject({ decision: 'rollback', reason: 'function: harm' });
  });

  it('rolls back at the failure limit on failures beyond what control predicts, even without evidence of harm', () => {
    // 12 - 200 * 5 / 201 ≈ 7.0 excess failures: past a limit of 5, far from evidence of harm.
    const verdict = judgeCanary(
      canary(
        { trials: 200, failures: 12, patternFailures: 12 },
        { trials: 200, failures: 5, patternFailures: 5 },
      ),
      { ...settings, canaryMaxFailures: 5 },
    );
    expect(verdict).toMatchObject({ decision: 'rollback', reason: 'function: failure_limit' });
    expect(verdict.function.excessFailures).toBeCloseTo(12 - (200 * 5) / 201, 12);
    expect(verdict.pattern.decision).toBe('continue');
  });

  it('does not count the failures control has too against the limit, however often the function fails', () => {
    // A fix that changes nothing on a function failing 30 % of the time: 120 treatment failures,
    // far past the default limit, but control's rate predicts every one of them.
    const verdict = judgeCanary(
      canary(
        { trials: 400, failures: 120, patternFailures: 120 },
        { trials: 399, failures: 120, patternFailures: 120 },
      ),
      DEFAULT_LEARNING_SETTINGS,
    );
    expect(verdict).toMatchObject({ decision: 'continue', reason: 'undecided' });
    expect(verdict.function.excessFailures).toBe(0);
  });

  it('promotes at the horizon when harm never showed', () => {
    const verdict = judgeCanary(
      canary(
        { trials: 100, failures: 5, patternFailures: 5 },
        { trials: 100, failures: 5, patternFailures: 5 },
      ),
      { ...settings, canaryMaxTrials: 100 },
    );
    expect(verdict).toMatchObject({ decision: 'promote', reason: 'pattern and function: horizon' });
  });

  it('tests against the configured share, not the observed one', () => {
    // 10% of calls get the fix; it has 10% of the failures: no difference at all.
    const same = judgeCanary(
      canary(
        { trials: 100, failures: 10, patternFailures: 10 },
        { trials: 900, failures: 90, patternFailures: 90 },
        0.1,
      ),
      settings,
    );
    expect(same.decision).toBe('continue');
    expect(same.function.treatmentShare).toBe(0.1);
  });
});

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
    await ingest.ingest(projectId, [
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
    ]);
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
