import { type Fix, fixId, learnerStateFromJSON, SecCurriculum } from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestService } from '../ingest-service.js';
import { ARC_ACTOR } from '../storage/learning-queries.js';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import type { EmbeddedWorker } from './embedded-worker.js';
import { type LearnerStepContext, type LearnerStepOutcome, runLearnerStep } from './learner-step.js';
import {
  ingestFailures,
  lookupSucceeds,
  OUTAGE_ATTEMPTS,
  startLookupWorker,
} from './learning-agent.fixture.js';
import { type LearningSettings, resolveLearningSettings } from './learning-settings.js';

const SETTINGS = resolveLearningSettings({
  batchSize: 8,
  groupSize: 4,
  syncInterval: 2,
  minTrials: 4,
  stepTimeoutMs: 10_000,
});

describe.each(openTestStorages())('learning step ($name)', (backend) => {
  let storage: Storage;
  let projectSeq = 0;
  const workers: EmbeddedWorker[] = [];

  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await backend.cleanup();
  });

  async function project(): Promise<string> {
    const { id } = await storage.ensureProject(`step-${++projectSeq}`);
    workers.push(startLookupWorker(storage, id));
    return id;
  }

  const errors: unknown[] = [];
  const step = (
    projectId: string,
    settings: LearningSettings = SETTINGS,
    on = storage,
    extra: Pick<LearnerStepContext, 'learnerSeed'> = {},
  ): Promise<LearnerStepOutcome> =>
    runLearnerStep({
      storage: on,
      projectId,
      settings,
      now: Date.now,
      pollMs: 5,
      sourcing: { onError: (e) => errors.push(e) },
      ...extra,
    });

  it('learns the fix that works, puts it up for approval at a sync step, and deploys it as a canary', async () => {
    const id = await project();
    await ingestFailures(storage, id, { lookup: 12, login: 3, successes: 6 });

    const first = await step(id);
    if (!first.ran) throw new Error(`step did not run: ${first.reason}`);
    expect(first.report).toMatchObject({
      step: 1,
      rollouts: 32,
      completed: 32,
      synced: false,
      approvals: [],
    });
    expect(first.report.escalated).toEqual([
      { patternId: expect.any(String), reason: expect.stringMatching(/Authentication failures of `login`/) },
    ]);

    const reports = [first.report];
    while (reports.at(-1)!.deployments.length === 0) {
      // Typically 2 to 8 steps; the bound only keeps a broken learner from looping forever.
      if (reports.length === 30) throw new Error('no deployment after 30 steps');
      const next = await step(id);
      if (!next.ran) throw new Error(`step did not run: ${next.reason}`);
      reports.push(next.report);
    }
    const last = reports.at(-1)!;
    // Approvals come only at sync steps (every 2nd).
    expect(last.synced).toBe(true);
    expect(last.step % 2).toBe(0);
    for (const r of reports) if (r.step % 2 === 1) expect(r.approvals).toEqual([]);

    const [deployment] = last.deployments;
    expect(lookupSucceeds(deployment!.fix)).toBe(true);
    expect(deployment).toMatchObject({
      function: 'lookup',
      status: 'canary',
      canaryShare: SETTINGS.canaryShare,
      risk: 'low',
    });
    expect(last.approvals.find((a) => a.result.candidateId === deployment!.fixId)).toMatchObject({
      status: 'approved',
      decidedBy: 'arc',
      impact: {
        riskLevel: 'low',
        agentsAffected: 3,
        severity: expect.any(String),
        reasons: expect.any(Array),
      },
    });

    const results = await storage.listLearningResults(id, { limit: 100 });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(lookupSucceeds(r.fix)).toBe(true);
      expect(r.confidence).toBeGreaterThanOrEqual(SETTINGS.confidence);
      expect(r.successRate).toBe(1);
      expect(r.incumbentSuccessRate).toBe(0);
    }
    const stream = await storage.listStreamEventsAfter(id, 0, 10_000);
    const steps = stream.filter((e) => e.type === 'learner.step');
    expect(steps.map((e) => (e.data as { step: number }).step)).toEqual(reports.map((r) => r.step));
    expect(stream.filter((e) => e.type === 'learning.result')).toHaveLength(results.length);
    expect(stream.filter((e) => e.type === 'deployment.created')).toHaveLength(1);

    // Every job of every step was answered, by the embedded worker through the rollout queue.
    const rollouts = await storage.listRollouts(id, last.step);
    expect(rollouts.every((j) => j.status === 'done' && j.leaseOwner?.startsWith('embedded-'))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('resumes from the stored state in a new process, step after step', async () => {
    const id = await project();
    await ingestFailures(storage, id, { lookup: 6 });
    await step(id);
    const stored = await storage.getLearnerState(id);
    const state = learnerStateFromJSON(stored!.state);
    expect(state.step).toBe(1);
    const trialsAfterOne = state.patterns[0]!.candidates.reduce(
      (n, c) => n + c.failing.trials + c.guard.trials,
      0,
    );
    expect(trialsAfterOne).toBe(32);

    const restarted = await backend.open();
    const second = await step(id, SETTINGS, restarted);
    expect(second).toMatchObject({ ran: true, report: { step: 2 } });
    const resumed = learnerStateFromJSON((await restarted.getLearnerState(id))!.state);
    expect(resumed.step).toBe(2);
    expect(resumed.sec.step).toBe(2);
    expect(resumed.patterns[0]!.candidates.reduce((n, c) => n + c.failing.trials + c.guard.trials, 0)).toBe(
      64,
    );
    // What step 1 learned is still there: the candidates kept their order and evidence grew.
    expect(resumed.patterns[0]!.candidates.map((c) => c.id)).toEqual(
      state.patterns[0]!.candidates.map((c) => c.id),
    );
  });

  // A person's retry policy, none of the learner's candidates.
  const theirs: Fix = {
    type: 'retry_policy',
    maxAttempts: OUTAGE_ATTEMPTS + 3,
    baseDelayMs: 123,
    maxDelayMs: 4_567,
    jitter: 'none',
    retryOn: { categories: ['timeout'], statuses: [] },
  };

  /** Proposes `theirs` for `lookup`'s pattern through the approvals' storage, approves it and promotes its canary. */
  async function promoteTheirs(projectId: string): Promise<string> {
    const { patterns } = await storage.listPatterns(projectId, { sort: 'occurrences', limit: 10 });
    const lookup = patterns.find((p) => p.function === 'lookup')!;
    const proposal = {
      patternId: lookup.id,
      function: 'lookup',
      candidateId: fixId(theirs),
      fix: theirs,
      risk: 'medium' as const,
      comment: 'retry longer',
      impact: {},
      proposer: ARC_ACTOR,
    };
    const proposed = await storage.proposeFix(projectId, proposal, Date.now());
    if (!proposed.ok) throw new Error(`not proposed: ${proposed.reason}`);
    const decision = { status: 'approved' as const, actor: ARC_ACTOR, comment: null, canaryShare: 0.1 };
    const decided = await storage.decideApproval(projectId, proposed.approval.id, decision, Date.now());
    if (!decided.ok || decided.deployment === null) throw new Error('not deployed');
    const promote = {
      status: 'promoted' as const,
      reason: 'canary',
      actor: ARC_ACTOR,
      from: ['canary' as const],
    };
    const promoted = await storage.concludeDeployment(projectId, decided.deployment.id, promote, Date.now());
    expect(promoted).toMatchObject({ ok: true });
    return lookup.id;
  }

  /** After a step: the pattern's incumbent is `theirs`, and its replays ran with it (as production does) and succeeded. */
  async function expectJudgedAgainstTheirs(
    projectId: string,
    patternId: string,
    outcome: LearnerStepOutcome,
  ) {
    if (!outcome.ran) throw new Error(`step did not run: ${outcome.reason}`);
    const state = learnerStateFromJSON((await storage.getLearnerState(projectId))!.state);
    const incumbent = state.patterns.find((p) => p.id === patternId)!.candidates[0]!;
    expect(incumbent).toMatchObject({ id: fixId(theirs), fix: theirs, origin: 'deployed' });
    const replays = (await storage.listRollouts(projectId, outcome.report.step)).filter(
      (j) => j.candidateId === fixId(theirs),
    );
    expect(replays.length).toBeGreaterThan(0);
    for (const j of replays) expect(j).toMatchObject({ fix: theirs, reward: 1 });
    expect(incumbent.failing.successes + incumbent.guard.successes).toBe(
      incumbent.failing.trials + incumbent.guard.trials,
    );
  }

  it("judges candidates against the fix production runs, a person's promoted fix too", async () => {
    const id = await project();
    await ingestFailures(storage, id, { lookup: 6, successes: 4 });
    await step(id);
    const known = learnerStateFromJSON((await storage.getLearnerState(id))!.state);
    expect(known.patterns[0]!.candidates.map((c) => c.id)).not.toContain(fixId(theirs));
    const patternId = await promoteTheirs(id);
    await expectJudgedAgainstTheirs(id, patternId, await step(id));

    // Promoted before the learner's first step met the pattern: that step judges against it already.
    const unseen = await project();
    await ingestFailures(storage, unseen, { lookup: 6, successes: 4 });
    const unseenPattern = await promoteTheirs(unseen);
    await expectJudgedAgainstTheirs(unseen, unseenPattern, await step(unseen));
    expect(errors).toEqual([]);
  });

  it("seeds a new learner as told, and draws patterns with the project's curriculum", async () => {
    const stateOf = async (id: string) => learnerStateFromJSON((await storage.getLearnerState(id))!.state);
    const pulls = async (id: string) => (await stateOf(id)).sec.arms.reduce((n, a) => n + a.pulls, 0);
    const fresh = (seed: number | string) => new SecCurriculum({ seed }).toJSON().rng;
    const told = await project();
    await ingestFailures(storage, told, { lookup: 6 });
    expect(
      await step(told, { ...SETTINGS, curriculum: 'random' }, storage, { learnerSeed: 7 }),
    ).toMatchObject({
      ran: true,
      report: { rollouts: 32 },
    });
    expect((await stateOf(told)).sec.options.seed).toBe(7);
    // Every draw counts as a pull, but only SEC's own draw takes from its stream: the random
    // baseline draws with the learner's.
    expect(await pulls(told)).toBe(SETTINGS.batchSize);
    expect((await stateOf(told)).sec.rng).toEqual(fresh(7));

    const plain = await project();
    await ingestFailures(storage, plain, { lookup: 6 });
    await step(plain, { ...SETTINGS, curriculum: 'sec' });
    expect((await stateOf(plain)).sec.options.seed).toBe(plain);
    expect(await pulls(plain)).toBe(SETTINGS.batchSize);
    expect((await stateOf(plain)).sec.rng).not.toEqual(fresh(plain));
  });

  it('does not run without patterns to learn or budget to spend', async () => {
    const id = await project();
    expect(await step(id)).toEqual({ ran: false, reason: 'idle' });
    await ingestFailures(storage, id, { login: 4 });
    expect(await step(id)).toEqual({ ran: false, reason: 'idle' });
    await ingestFailures(storage, id, { lookup: 2 });
    expect(await step(id, { ...SETTINGS, rolloutBudgetPerHour: 3 })).toEqual({
      ran: false,
      reason: 'budget',
    });
    // A budget for two problems: the step shrinks to fit it, then the hour's budget is spent.
    const small = { ...SETTINGS, rolloutBudgetPerHour: 8 };
    expect(await step(id, small)).toMatchObject({ ran: true, report: { rollouts: 8 } });
    expect(await step(id, small)).toEqual({ ran: false, reason: 'budget' });
  });

  it("does not learn on the failures of functions past the project's cap, which no worker serves", async () => {
    const id = await project();
    const ingest = createIngestService({
      storage,
      failureReservoirSize: 10,
      successReservoirSize: 10,
      maxFunctionsPerProject: 1,
      random: () => 0.5,
      now: Date.now,
    });
    const failure = (fn: string, user: number) => ({
      kind: 'failure' as const,
      function: fn,
      input: { user },
      error: { type: 'TimeoutError', message: 'request timed out after 5000ms', code: 'ETIMEDOUT' },
    });
    // `login` takes the project's one function; `lookup`'s failures go to the overflow function.
    await ingest.ingest(id, [{ kind: 'success', function: 'login', input: { user: 1 } }], 'cred');
    await ingest.ingest(
      id,
      [1, 2, 3, 4].map((user) => failure('lookup', user)),
      'cred',
    );
    const { patterns } = await storage.listPatterns(id, { sort: 'occurrences', limit: 10 });
    expect(patterns.map((p) => [p.function, p.occurrences])).toEqual([['arc:function-overflow', 4]]);
    expect(await step(id)).toEqual({ ran: false, reason: 'idle' });
  });

  it('leaves out rollouts that do not come back in time', async () => {
    const { id } = await storage.ensureProject(`step-${++projectSeq}`);
    await ingestFailures(storage, id, { lookup: 3 });
    // No worker for this project: nothing comes back.
    const outcome = await step(id, { ...SETTINGS, stepTimeoutMs: 100 });
    expect(outcome).toMatchObject({
      ran: true,
      report: { step: 1, rollouts: 32, completed: 0, results: [] },
    });
    const jobs = await storage.listRollouts(id, 1);
    expect(jobs.every((j) => j.status === 'expired')).toBe(true);
  });

  it("gives a new pattern's generators the output schema its function declared", async () => {
    const { id } = await storage.ensureProject(`step-${++projectSeq}`);
    const declared = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] };
    const ingest = createIngestService({
      storage,
      failureReservoirSize: 10,
      successReservoirSize: 10,
      random: () => 0.5,
      now: Date.now,
    });
    await ingest.ingest(
      id,
      [
        {
          kind: 'failure',
          function: 'extract',
          input: { text: 'total: 12' },
          output: 'Sure! {"total": 12',
          error: { type: 'SyntaxError', message: 'Unexpected token S in JSON at position 0' },
          outputSchema: declared,
        },
      ],
      'test-credential',
    );
    // No worker: only the candidates the step added matter here.
    await step(id, { ...SETTINGS, stepTimeoutMs: 50 });
    const state = learnerStateFromJSON((await storage.getLearnerState(id))!.state);
    const fixes = state.patterns[0]!.candidates.map((c) => c.fix);
    expect(fixes).toContainEqual({
      type: 'response_format',
      name: 'extract',
      schema: declared,
      strict: true,
    });
  });
});
