// The learning loop's storage, one suite for both backends (real SQLite file, real PostgreSQL
// database): learner state, rollout leases, learning results, approvals with their audit log,
// deployments with canary counters counted at ingest, configuration and curricula.

import type { Fix } from '@arc-agent/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STREAM_LOCK_CLASS } from './postgres-storage.js';
import {
  type LearningStepCommit,
  type NewApproval,
  type NewLearningResult,
  type NewRolloutJob,
  type PreparedEvent,
  StaleLearnerStateError,
  type Storage,
  type StreamEvent,
} from './storage.js';
import { openTestStorages, testPostgresAdminUrl } from './test-databases.js';

const RETRY: Fix = {
  type: 'retry_policy',
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  jitter: 'full',
  retryOn: { categories: ['timeout'], statuses: [] },
};
const PROMPT: Fix = { type: 'prompt_adjustment', instructions: 'Answer with JSON only.' };

function result(overrides: Partial<NewLearningResult> = {}): NewLearningResult {
  return {
    patternId: 'p-timeout',
    function: 'search',
    candidateId: 'fx-retry',
    fix: RETRY,
    risk: 'low',
    origin: 'rule',
    rationale: 'timeouts are transient',
    improvement: 0.625,
    // Not representable in few decimal digits: the round trip must be exact.
    confidence: 0.9812345678901234,
    successRate: 0.9,
    incumbentSuccessRate: 0.275,
    trials: 40,
    examples: 10,
    ...overrides,
  };
}

function commit(step: number, overrides: Partial<LearningStepCommit> = {}): LearningStepCommit {
  return {
    step,
    state: { version: 1, q: { 'p-timeout': 0.1 + step / 3 }, nested: [{ a: null }] },
    failuresSeen: step * 10,
    summary: { rollouts: 8 },
    results: [],
    approvals: [],
    pruneRolloutsBefore: 0,
    ...overrides,
  };
}

interface Reviewed {
  result: NewLearningResult;
  impact: Record<string, unknown>;
  autoApproval: NewApproval['autoApproval'];
}

/** Results of a step, each put up for approval in the same step. */
function approving(items: Reviewed[]): Partial<LearningStepCommit> {
  return {
    results: items.map((i) => i.result),
    approvals: items.map((i) => ({
      patternId: i.result.patternId,
      candidateId: i.result.candidateId,
      impact: i.impact,
      autoApproval: i.autoApproval,
    })),
  };
}

function job(fn: string, i: number, overrides: Partial<NewRolloutJob> = {}): NewRolloutJob {
  return {
    patternId: 'p-timeout',
    exampleId: `e-${i}`,
    source: 'failure',
    input: { query: `q${i}`, list: [1, 2.5] },
    candidateId: i % 2 === 0 ? 'none' : 'fx-retry',
    fix: i % 2 === 0 ? null : RETRY,
    function: fn,
    group: `g-${Math.floor(i / 2)}`,
    ...overrides,
  };
}

let eventSeq = 0;
function event(
  kind: 'failure' | 'success',
  tags: Record<string, string>,
  fixIds: string[],
  patternId = 'p-timeout',
): PreparedEvent {
  eventSeq += 1;
  return {
    id: `ev-${eventSeq}`,
    kind,
    function: 'search',
    agentId: null,
    timestamp: 1_000,
    durationMs: null,
    error: kind === 'failure' ? { type: 'TimeoutError', message: 'timed out' } : null,
    input: { n: eventSeq },
    output: null,
    fixIds,
    attempt: null,
    tags,
    traceId: null,
    fingerprint:
      kind === 'failure'
        ? {
            patternId,
            category: 'timeout',
            normalizedMessage: 'timed out',
            errorType: 'TimeoutError',
            signature: { function: 'search' },
          }
        : null,
  };
}

const ingestOptions = { failureReservoirSize: 5, successReservoirSize: 5, random: () => 0.5 };
const ADMIN = { name: 'ops key', keyId: 'key-1' };

describe.each(openTestStorages())('$name learning storage', (backend) => {
  let storage: Storage;
  let projectSeq = 0;
  const newProject = async () => (await storage.ensureProject(`learning-${++projectSeq}`)).id;

  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());

  describe('learner state', () => {
    it('saves each step exactly and refuses a commit that is not the next step', async () => {
      const project = await newProject();
      expect(await storage.getLearnerState(project)).toBeUndefined();
      await storage.commitLearningStep(project, commit(1), 100);
      const first = await storage.getLearnerState(project);
      expect(first).toEqual({
        projectId: project,
        step: 1,
        state: commit(1).state,
        failuresSeen: 10,
        updatedAt: 100,
      });

      await expect(storage.commitLearningStep(project, commit(1), 101)).rejects.toBeInstanceOf(
        StaleLearnerStateError,
      );
      await expect(storage.commitLearningStep(project, commit(3), 101)).rejects.toThrow(
        /at step 1, expected 2/,
      );
      await storage.commitLearningStep(project, commit(2), 102);
      expect((await storage.getLearnerState(project))?.state).toEqual(commit(2).state);
      expect((await storage.getLearnerState(project))?.step).toBe(2);
    });

    it('lets only one of two learners racing for the first step commit it', async () => {
      const project = await newProject();
      const other = await backend.open();
      const outcomes = await Promise.allSettled([
        storage.commitLearningStep(
          project,
          commit(1, approving([{ result: result(), impact: {}, autoApproval: null }])),
          1,
        ),
        other.commitLearningStep(
          project,
          commit(1, approving([{ result: result(), impact: {}, autoApproval: null }])),
          2,
        ),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(StaleLearnerStateError);
      // The loser wrote nothing: one result, one approval.
      expect(await storage.listLearningResults(project, { limit: 10 })).toHaveLength(1);
      expect(await storage.listApprovals(project, { limit: 10 })).toHaveLength(1);
    });

    it('commits results, approvals, auto-deployments and their stream events in one step', async () => {
      const project = await newProject();
      const outcome = await storage.commitLearningStep(
        project,
        commit(
          1,
          approving([
            {
              result: result(),
              impact: { severity: 'high' },
              autoApproval: { canaryShare: 0.1, reason: 'low risk' },
            },
            {
              result: result({ candidateId: 'fx-prompt', fix: PROMPT, risk: 'medium' }),
              impact: { severity: 'medium', failuresPerDay: 48 },
              autoApproval: null,
            },
          ]),
        ),
        500,
      );
      expect(outcome.results.map((r) => [r.candidateId, r.step, r.confidence])).toEqual([
        ['fx-retry', 1, 0.9812345678901234],
        ['fx-prompt', 1, 0.9812345678901234],
      ]);
      expect(outcome.approvals.map((a) => [a.status, a.decidedBy, a.result.id])).toEqual([
        ['approved', 'arc', outcome.results[0]!.id],
        ['pending', null, outcome.results[1]!.id],
      ]);
      expect(outcome.approvals[1]!.impact).toEqual({ severity: 'medium', failuresPerDay: 48 });
      expect(outcome.deployments).toHaveLength(1);
      expect(outcome.deployments[0]).toMatchObject({
        fixId: 'fx-retry',
        patternId: 'p-timeout',
        function: 'search',
        fix: RETRY,
        risk: 'low',
        version: 1,
        canaryShare: 0.1,
        status: 'canary',
        resultId: outcome.results[0]!.id,
        approvalId: outcome.approvals[0]!.id,
        treatment: { trials: 0, failures: 0, patternFailures: 0 },
        createdAt: 500,
      });

      const stream = await storage.listStreamEventsAfter(project, 0, 100);
      expect(stream.map((e) => e.type)).toEqual([
        'learner.step',
        'learning.result',
        'learning.result',
        'approval.created',
        'approval.approved',
        'deployment.created',
        'approval.created',
      ]);
      expect(stream[0]!.data).toEqual({ rollouts: 8, step: 1, results: outcome.results.map((r) => r.id) });
      const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
      expect((await storage.listLearningResults(project, { limit: 10 })).sort(byId)).toEqual(
        [...outcome.results].sort(byId),
      );
      expect(await storage.listApprovals(project, { limit: 10, status: 'pending' })).toEqual([
        outcome.approvals[1],
      ]);
      expect((await storage.listAuditLog(project, { limit: 10 })).map((e) => [e.actor, e.action])).toEqual([
        ['arc', 'approval.created'],
        ['arc', 'deployment.created'],
        ['arc', 'approval.approved'],
        ['arc', 'approval.created'],
      ]);
      expect(
        (await storage.listApprovalCandidates(project)).sort((a, b) =>
          a.candidateId < b.candidateId ? -1 : 1,
        ),
      ).toEqual([
        { patternId: 'p-timeout', candidateId: 'fx-prompt' },
        { patternId: 'p-timeout', candidateId: 'fx-retry' },
      ]);
    });

    it("lists one step's results alike in every run: newest first, then the plan's order reversed", async () => {
      // They share one creation time; the learner's transfer ties follow this order, and a seeded
      // demo must see the same order run after run.
      const project = await newProject();
      const planned = Array.from({ length: 60 }, (_, i) => result({ candidateId: `fx-${i}` }));
      await storage.commitLearningStep(project, commit(1, { results: planned }), 1_000);
      const listed = await storage.listLearningResults(project, { limit: 100 });
      expect(listed.map((r) => r.candidateId)).toEqual(planned.map((r) => r.candidateId).reverse());
    });

    it('approves the newest result of an earlier step, and commits nothing when a requested result does not exist', async () => {
      const project = await newProject();
      await storage.commitLearningStep(project, commit(1, { results: [result({ confidence: 0.5 })] }), 1);
      await storage.commitLearningStep(project, commit(2, { results: [result({ confidence: 0.75 })] }), 2);
      const request = { patternId: 'p-timeout', candidateId: 'fx-retry', impact: {}, autoApproval: null };
      await expect(
        storage.commitLearningStep(
          project,
          commit(3, {
            results: [result({ candidateId: 'fx-new' })],
            approvals: [request, { ...request, candidateId: 'fx-none' }],
          }),
          3,
        ),
      ).rejects.toThrow(/no learning result for p-timeout \/ fx-none/);
      expect((await storage.getLearnerState(project))?.step).toBe(2);
      expect(await storage.listLearningResults(project, { limit: 10 })).toHaveLength(2);
      expect(await storage.listApprovals(project, { limit: 10 })).toEqual([]);

      const outcome = await storage.commitLearningStep(project, commit(3, { approvals: [request] }), 4);
      expect(outcome.approvals.map((a) => [a.result.step, a.result.confidence])).toEqual([[2, 0.75]]);
    });
  });

  describe('rollouts', () => {
    it('leases queued jobs of the asked functions once, re-issues expired leases, takes results from the holder only', async () => {
      const project = await newProject();
      const jobs = await storage.enqueueRollouts(
        project,
        1,
        [job('search', 0), job('search', 1), job('rank', 2)],
        1_000,
      );
      expect(jobs.map((j) => [j.status, j.attempts, j.step])).toEqual([
        ['queued', 0, 1],
        ['queued', 0, 1],
        ['queued', 0, 1],
      ]);
      expect(jobs[1]).toMatchObject({ fix: RETRY, input: { query: 'q1', list: [1, 2.5] }, group: 'g-0' });

      const a = await storage.leaseRollouts(project, {
        functions: ['search'],
        workerId: 'w-a',
        max: 1,
        leaseMs: 500,
        now: 2_000,
      });
      expect(a).toHaveLength(1);
      expect(a[0]).toMatchObject({ status: 'leased', leaseOwner: 'w-a', leaseExpiresAt: 2_500, attempts: 1 });
      const b = await storage.leaseRollouts(project, {
        functions: ['search'],
        workerId: 'w-b',
        max: 5,
        leaseMs: 500,
        now: 2_100,
      });
      expect(b.map((j) => j.id)).toEqual(
        jobs.filter((j) => j.function === 'search' && j.id !== a[0]!.id).map((j) => j.id),
      );
      expect(
        await storage.leaseRollouts(project, {
          functions: ['search'],
          workerId: 'w-c',
          max: 5,
          leaseMs: 500,
          now: 2_200,
        }),
      ).toEqual([]);
      const elsewhere = await newProject();
      expect(
        await storage.leaseRollouts(elsewhere, {
          functions: ['rank'],
          workerId: 'w-c',
          max: 5,
          leaseMs: 500,
          now: 2_200,
        }),
      ).toEqual([]);

      // w-a's lease runs out (w-b's not yet); w-c gets the job again.
      const again = await storage.leaseRollouts(project, {
        functions: ['search', 'rank'],
        workerId: 'w-c',
        max: 5,
        leaseMs: 500,
        now: 2_550,
      });
      // Oldest first, ties by id.
      expect(again.map((j) => [j.id, j.attempts])).toEqual(
        [
          [a[0]!.id, 2],
          [jobs[2]!.id, 1],
        ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
      );

      const report = { workerId: 'w-a', reward: 1, output: { ok: true }, durationMs: 12.5, now: 2_700 };
      expect(await storage.completeRollout(project, a[0]!.id, report)).toEqual({
        ok: false,
        reason: 'not_holder',
      });
      const done = await storage.completeRollout(project, a[0]!.id, {
        ...report,
        workerId: 'w-c',
        reward: 0.25,
      });
      expect(done).toMatchObject({
        ok: true,
        job: { status: 'done', reward: 0.25, output: { ok: true }, durationMs: 12.5, completedAt: 2_700 },
      });
      // The holder retrying is told what was recorded; anyone else is refused.
      expect(
        await storage.completeRollout(project, a[0]!.id, { ...report, workerId: 'w-c', reward: 0.9 }),
      ).toEqual(done);
      expect(await storage.completeRollout(project, a[0]!.id, { ...report, workerId: 'w-b' })).toEqual({
        ok: false,
        reason: 'not_holder',
      });
      expect(await storage.completeRollout(project, 'no-such-job', report)).toEqual({
        ok: false,
        reason: 'not_found',
      });
      expect(await storage.completeRollout(elsewhere, b[0]!.id, { ...report, workerId: 'w-b' })).toEqual({
        ok: false,
        reason: 'not_found',
      });
      // A queued job was never leased: nobody holds it.
      const [queued] = await storage.enqueueRollouts(elsewhere, 1, [job('search', 9)], 3_000);
      expect(await storage.completeRollout(elsewhere, queued!.id, report)).toEqual({
        ok: false,
        reason: 'not_holder',
      });

      // Ending the step closes what is unfinished: late reports are refused.
      await storage.commitLearningStep(project, commit(1), 4_000);
      const listed = await storage.listRollouts(project, 1);
      expect(listed.map((j) => j.status).sort()).toEqual(['done', 'expired', 'expired']);
      expect(await storage.completeRollout(project, b[0]!.id, { ...report, workerId: 'w-b' })).toEqual({
        ok: false,
        reason: 'closed',
      });
      expect(
        await storage.leaseRollouts(project, {
          functions: ['search', 'rank'],
          workerId: 'w-d',
          max: 5,
          leaseMs: 1,
          now: 9_000,
        }),
      ).toEqual([]);

      expect(await storage.countRolloutsSince(project, 1_000)).toBe(3);
      expect(await storage.countDoneRollouts(project, 1)).toBe(1);
      // A step redone by a new learner (the last one died before committing step 2) closes what the
      // abandoned attempt left, finished jobs included: the step's finished jobs are its own.
      await storage.enqueueRollouts(project, 2, [job('search', 10), job('search', 12)], 4_100);
      const lease = (workerId: string) =>
        storage.leaseRollouts(project, {
          functions: ['search'],
          workerId,
          max: 1,
          leaseMs: 9_000,
          now: 4_150,
        });
      const [left] = await lease('w-e');
      const [finished] = await lease('w-f');
      await storage.completeRollout(project, finished!.id, { workerId: 'w-f', reward: 1, now: 4_160 });
      expect(await storage.countDoneRollouts(project, 2)).toBe(1);
      const [redone] = await storage.enqueueRollouts(project, 2, [job('search', 11)], 4_200);
      expect(new Map((await storage.listRollouts(project, 2)).map((j) => [j.id, j.status]))).toEqual(
        new Map([
          [left!.id, 'expired'],
          [finished!.id, 'expired'],
          [redone!.id, 'queued'],
        ]),
      );
      expect(await storage.countDoneRollouts(project, 2)).toBe(0);
      expect(await storage.countDoneRollouts(project, 1)).toBe(1);
      expect(await storage.countRolloutsSince(project, 2_000)).toBe(3);
      // Finished jobs older than the prune bound go with the next commit.
      await storage.commitLearningStep(project, commit(2, { pruneRolloutsBefore: 2_000 }), 5_000);
      expect(await storage.listRollouts(project, 1)).toHaveLength(0);
      expect(await storage.listRollouts(project, 2)).toHaveLength(3);
    });

    it("leases and lists a step's jobs in the order they were planned", async () => {
      // All of a step's jobs share one creation time; a seeded agent's answers depend on the order
      // it meets identical calls, so the order must be the plan's, run after run.
      const project = await newProject();
      const planned = Array.from({ length: 120 }, (_, i) => job('search', i));
      const jobs = await storage.enqueueRollouts(project, 1, planned, 1_000);
      const leased = [];
      for (let batch = 0; batch < 12; batch++) {
        leased.push(
          ...(await storage.leaseRollouts(project, {
            functions: ['search'],
            workerId: 'w',
            max: 10,
            leaseMs: 60_000,
            now: 2_000,
          })),
        );
      }
      const inPlanOrder = planned.map((p) => p.exampleId);
      expect(leased.map((j) => j.exampleId)).toEqual(inPlanOrder);
      expect(jobs.map((j) => j.exampleId)).toEqual(inPlanOrder);
      expect((await storage.listRollouts(project, 1)).map((j) => j.exampleId)).toEqual(inPlanOrder);
    });

    it('hands disjoint jobs to workers leasing at the same time through separate instances', async () => {
      const project = await newProject();
      const total = 60;
      await storage.enqueueRollouts(
        project,
        1,
        Array.from({ length: total }, (_, i) => job('search', i)),
        1,
      );
      const replicas = [storage, await backend.open(), await backend.open()];
      const leased = await Promise.all(
        Array.from({ length: 12 }, (_, w) =>
          replicas[w % replicas.length]!.leaseRollouts(project, {
            functions: ['search'],
            workerId: `w-${w}`,
            max: 7,
            leaseMs: 60_000,
            now: 10,
          }),
        ),
      );
      const ids = leased.flat().map((j) => j.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(total);
    });
  });

  describe('approvals and deployments', () => {
    let project: string;
    let pendingIds: string[];

    beforeAll(async () => {
      project = await newProject();
      const outcome = await storage.commitLearningStep(
        project,
        commit(
          1,
          approving([
            {
              result: result({ candidateId: 'fx-prompt', fix: PROMPT, risk: 'medium' }),
              impact: { risk: 'medium' },
              autoApproval: null,
            },
            {
              result: result({ candidateId: 'fx-prompt-2', fix: { ...PROMPT, instructions: 'x' } }),
              impact: {},
              autoApproval: null,
            },
            { result: result(), impact: {}, autoApproval: null },
          ]),
        ),
        1_000,
      );
      pendingIds = outcome.approvals.map((a) => a.id);
    });

    it('approves once: a canary deploys, a second decision is refused, every decision is audited', async () => {
      const before = (await storage.listStreamEventsAfter(project, 0, 1_000)).at(-1)!.id;
      const approved = await storage.decideApproval(
        project,
        pendingIds[0]!,
        { status: 'approved', actor: ADMIN, comment: 'looks right', canaryShare: 0.2 },
        2_000,
      );
      if (!approved.ok) throw new Error('expected approval');
      expect(approved.approval).toMatchObject({
        status: 'approved',
        decidedBy: 'ops key',
        decidedByKeyId: 'key-1',
        comment: 'looks right',
        decidedAt: 2_000,
      });
      expect(approved.deployment).toMatchObject({
        fixId: 'fx-prompt',
        status: 'canary',
        canaryShare: 0.2,
        version: 1,
        fix: PROMPT,
      });

      const again = await storage.decideApproval(
        project,
        pendingIds[0]!,
        { status: 'denied', actor: ADMIN, comment: null, canaryShare: 0.2 },
        2_100,
      );
      expect(again).toMatchObject({ ok: false, reason: 'already_decided', approval: { status: 'approved' } });
      expect(
        await storage.decideApproval(
          project,
          'nope',
          { status: 'denied', actor: ADMIN, comment: null, canaryShare: 0.2 },
          1,
        ),
      ).toEqual({ ok: false, reason: 'not_found' });
      const elsewhere = await newProject();
      expect(
        await storage.decideApproval(
          elsewhere,
          pendingIds[1]!,
          { status: 'denied', actor: ADMIN, comment: null, canaryShare: 0.2 },
          1,
        ),
      ).toEqual({ ok: false, reason: 'not_found' });

      const denied = await storage.decideApproval(
        project,
        pendingIds[1]!,
        { status: 'denied', actor: ADMIN, comment: 'too broad', canaryShare: 0.2 },
        2_200,
      );
      expect(denied).toMatchObject({
        ok: true,
        deployment: null,
        approval: { status: 'denied', comment: 'too broad' },
      });

      const stream = await storage.listStreamEventsAfter(project, before, 100);
      expect(stream.map((e) => e.type)).toEqual([
        'approval.approved',
        'deployment.created',
        'approval.denied',
      ]);
      const audit = await storage.listAuditLog(project, { limit: 3 });
      expect(audit.map((e) => [e.action, e.actor, e.actorKeyId, e.subjectId])).toEqual([
        ['approval.denied', 'ops key', 'key-1', pendingIds[1]],
        ['deployment.created', 'ops key', 'key-1', approved.deployment!.id],
        ['approval.approved', 'ops key', 'key-1', pendingIds[0]],
      ]);
      expect(audit[0]!.detail).toEqual({ comment: 'too broad' });
      expect((await storage.getApproval(project, pendingIds[1]!))?.status).toBe('denied');
      expect(await storage.getApproval(elsewhere, pendingIds[1]!)).toBeUndefined();
    });

    it('lets exactly one of two concurrent decisions through', async () => {
      const other = await backend.open();
      const decisions = await Promise.all([
        storage.decideApproval(
          project,
          pendingIds[2]!,
          { status: 'approved', actor: ADMIN, comment: null, canaryShare: 0.5 },
          3_000,
        ),
        other.decideApproval(
          project,
          pendingIds[2]!,
          { status: 'approved', actor: { name: 'b', keyId: 'key-2' }, comment: null, canaryShare: 0.5 },
          3_000,
        ),
      ]);
      expect(decisions.filter((d) => d.ok)).toHaveLength(1);
      expect(decisions.filter((d) => !d.ok && d.reason === 'already_decided')).toHaveLength(1);
      expect(await storage.listDeployments(project, { limit: 10, statuses: ['canary'] })).toHaveLength(2);
    });

    it('counts canary outcomes at ingest per arm, from the SDK tags', async () => {
      const [canary] = await storage.listDeployments(project, {
        limit: 10,
        statuses: ['canary'],
        function: 'search',
      });
      const fixId = canary!.fixId;
      const tags = { canaryFixIds: `${fixId},fx-other`, canary: 'treatment' };
      await storage.ingest(
        project,
        [
          event('success', { ...tags, 'arc.count': '7' }, [fixId]),
          event('failure', tags, [fixId]),
          event('failure', tags, [fixId], 'p-other'),
          event('success', { ...tags, canary: 'control' }, []),
          event('failure', { ...tags, canary: 'control' }, []),
          // Rescued after failing in the control arm: still control.
          event('success', { ...tags, canary: 'control', rescueFixId: fixId }, [fixId]),
          // A failed attempt that was retried is not the call's outcome: not counted.
          event('failure', { ...tags, canary: 'control', canaryAttempt: 'retried' }, []),
          // Not a canary call: not counted.
          event('failure', {}, [fixId]),
        ],
        ingestOptions,
      );
      const after = await storage.getDeployment(project, canary!.id);
      expect(after?.treatment).toEqual({ trials: 9, failures: 2, patternFailures: 1 });
      expect(after?.control).toEqual({ trials: 3, failures: 1, patternFailures: 1 });
    });

    it.runIf(backend.name === 'postgres')(
      'takes the stream lock only after the canary tally, as the monitor does: one waits, neither deadlocks',
      async () => {
        const [canary] = await storage.listDeployments(project, {
          limit: 10,
          statuses: ['canary'],
          function: 'search',
        });
        const monitor = new pg.Client({ connectionString: backend.location() });
        await monitor.connect();
        try {
          // The monitor's order (concludeDeployment): the deployment's row, then the stream lock.
          await monitor.query('BEGIN');
          await monitor.query('UPDATE deployments SET treatment_trials = treatment_trials WHERE id = $1', [
            canary!.id,
          ]);
          // A batch that creates a pattern (it needs stream ids) and counts an outcome of the canary.
          const tags = { canaryFixIds: canary!.fixId, canary: 'treatment' };
          const ingest = storage.ingest(
            project,
            [event('failure', tags, [canary!.fixId], 'p-lock-order')],
            ingestOptions,
          );
          const waiting = async () =>
            (
              await monitor.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              )
            ).rows[0]!.n;
          while ((await waiting()) === 0) await new Promise((r) => setTimeout(r, 10));
          // Had the ingest taken the stream lock before the tally, this would deadlock.
          await monitor.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STREAM_LOCK_CLASS, project]);
          await monitor.query('COMMIT');
          await expect(ingest).resolves.toMatchObject({ accepted: 1 });
        } finally {
          await monitor.end();
        }
      },
    );

    it('promotes (superseding the fix promoted before for the pattern), rolls back, and redeploys with a new version', async () => {
      const canaries = await storage.listDeployments(project, { limit: 10, statuses: ['canary'] });
      expect(canaries.map((d) => d.fixId).sort()).toEqual(['fx-prompt', 'fx-retry'].sort());
      const [prompt, retry] = ['fx-prompt', 'fx-retry'].map((id) => canaries.find((d) => d.fixId === id)!);
      const promote = {
        status: 'promoted' as const,
        reason: 'benefit',
        actor: { name: 'arc', keyId: null },
        from: ['canary' as const],
      };

      const first = await storage.concludeDeployment(project, prompt!.id, promote, 4_000);
      expect(first).toMatchObject({
        ok: true,
        superseded: [],
        deployment: { status: 'promoted', decidedAt: 4_000, reason: 'benefit' },
      });
      const second = await storage.concludeDeployment(
        project,
        retry!.id,
        { ...promote, detail: { harmEvidence: 0.5 } },
        4_100,
      );
      if (!second.ok) throw new Error('expected promotion');
      expect(second.superseded.map((d) => [d.id, d.status])).toEqual([[prompt!.id, 'superseded']]);
      expect(await storage.concludeDeployment(project, retry!.id, promote, 4_200)).toMatchObject({
        ok: false,
        reason: 'conflict',
        deployment: { status: 'promoted' },
      });
      expect(await storage.concludeDeployment(project, 'nope', promote, 4_200)).toEqual({
        ok: false,
        reason: 'not_found',
      });

      const rollback = {
        status: 'rolled_back' as const,
        reason: 'manual',
        actor: ADMIN,
        from: ['canary' as const, 'promoted' as const],
      };
      expect(await storage.concludeDeployment(project, retry!.id, rollback, 4_300)).toMatchObject({
        ok: true,
        deployment: { status: 'rolled_back' },
      });
      expect(await storage.listDeployments(project, { limit: 10, statuses: ['canary', 'promoted'] })).toEqual(
        [],
      );

      const stream = await storage.listStreamEventsAfter(project, 0, 1_000);
      const promoted = stream.filter((e: StreamEvent) => e.type === 'deployment.promoted');
      expect(promoted.map((e) => (e.data as { superseded: string[] }).superseded)).toEqual([
        [],
        [prompt!.id],
      ]);
      expect(stream.filter((e) => e.type === 'deployment.rolled_back')).toHaveLength(1);
      const audit = await storage.listAuditLog(project, { limit: 100, subjectId: retry!.id });
      expect(audit.map((e) => [e.action, e.actor])).toEqual([
        ['deployment.rolled_back', 'ops key'],
        ['deployment.promoted', 'arc'],
        // Whichever of the two concurrent approvals won.
        ['deployment.created', expect.stringMatching(/^(ops key|b)$/)],
      ]);
      expect(audit[1]!.detail).toEqual({ reason: 'benefit', superseded: [prompt!.id], harmEvidence: 0.5 });

      // The same fix learned again deploys as version 2.
      const outcome = await storage.commitLearningStep(
        project,
        commit(
          2,
          approving([{ result: result(), impact: {}, autoApproval: { canaryShare: 0.3, reason: 'auto' } }]),
        ),
        5_000,
      );
      expect(outcome.deployments.map((d) => [d.fixId, d.version, d.status])).toEqual([
        ['fx-retry', 2, 'canary'],
      ]);
      // While it is live, approving the same fix again deploys nothing new.
      const again = await storage.commitLearningStep(
        project,
        commit(
          3,
          approving([{ result: result(), impact: {}, autoApproval: { canaryShare: 0.3, reason: 'auto' } }]),
        ),
        5_100,
      );
      expect(again.deployments).toEqual([]);
      expect(again.approvals[0]!.status).toBe('approved');
    });
  });

  describe('leader locks', () => {
    it('grants a name to one instance at a time, and to another once released or closed', async () => {
      const a = await backend.open();
      const b = await backend.open();
      const name = `learner:${await newProject()}`;
      const held = await a.tryLock(name);
      expect(held).not.toBeNull();
      expect(await a.tryLock(name)).toBeNull();
      expect(await b.tryLock(name)).toBeNull();
      const other = await b.tryLock(`${name}-other`);
      expect(other).not.toBeNull();
      await held!.release();
      await held!.release();
      const taken = await b.tryLock(name);
      expect(taken).not.toBeNull();
      expect(await a.tryLock(name)).toBeNull();
      await b.close();
      expect(taken!.signal.aborted).toBe(true);
      expect(await a.tryLock(name)).not.toBeNull();
      expect(await a.tryLock(`${name}-other`)).not.toBeNull();
      await a.close();
    });

    if (backend.name === 'postgres') {
      it('passes leadership on when the holding connection dies', async () => {
        const reported: unknown[] = [];
        const a = await backend.open({ onError: (error) => reported.push(error) });
        const b = await backend.open();
        const name = `learner:${await newProject()}`;
        const held = (await a.tryLock(name))!;
        const database = new URL(backend.location()).pathname.slice(1);
        const admin = new pg.Client({ connectionString: testPostgresAdminUrl() });
        await admin.connect();
        try {
          await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = $1 AND query LIKE 'SELECT pg_try_advisory_lock%'`,
            [database],
          );
        } finally {
          await admin.end();
        }
        await vi.waitFor(() => expect(held.signal.aborted).toBe(true));
        expect(await b.tryLock(name)).not.toBeNull();
        expect(await a.tryLock(name)).toBeNull();
        expect(reported.length).toBeGreaterThan(0);
        expect(reported.map(String).filter((m) => !/terminat/.test(m))).toEqual([]);
      });
    }
  });

  describe('configuration and curricula', () => {
    it('stores the learning configuration per project', async () => {
      const project = await newProject();
      expect(await storage.getLearningConfig(project)).toBeUndefined();
      await storage.saveLearningConfig(project, { batchSize: 8, alpha: 0.25 }, 1);
      await storage.saveLearningConfig(project, { batchSize: 16 }, 2);
      expect(await storage.getLearningConfig(project)).toEqual({ batchSize: 16 });
    });

    it('saves a curriculum only over the version it was read at', async () => {
      const project = await newProject();
      expect(await storage.getCurriculum(project, 'trainer')).toBeUndefined();
      expect(await storage.saveCurriculum(project, 'trainer', { q: 1 }, 0, 10)).toBe(true);
      expect(await storage.saveCurriculum(project, 'trainer', { q: 2 }, 0, 11)).toBe(false);
      expect(await storage.getCurriculum(project, 'trainer')).toEqual({
        state: { q: 1 },
        version: 1,
        updatedAt: 10,
      });
      expect(await storage.saveCurriculum(project, 'trainer', { q: 3 }, 1, 12)).toBe(true);
      expect(await storage.saveCurriculum(project, 'trainer', { q: 4 }, 1, 13)).toBe(false);
      expect(await storage.getCurriculum(project, 'trainer')).toEqual({
        state: { q: 3 },
        version: 2,
        updatedAt: 12,
      });
    });

    it('lists projects', async () => {
      const project = await newProject();
      expect((await storage.listProjects()).map((p) => p.id)).toContain(project);
    });
  });
});
