// The one code path of rollouts, whoever runs them: `POST /v1/rollouts/lease` and
// `POST /v1/rollouts/:id/result` for remote workers, and the embedded worker in the server's own
// process, both lease and report through here.

import type { DeployedFix, Fix } from '@arc-agent/core';
import { clientJson, clientText } from '../client-text.js';
import type { CompleteRolloutOutcome, RolloutJob, Storage } from '../storage/storage.js';
import { deployedFixes } from './deployed-fixes.js';

/**
 * What a worker gets for a job: replay `input` through `function` as production would run it with
 * the candidate, that is with `fixesToApply(rollout)`.
 */
export interface LeasedRollout {
  id: string;
  function: string;
  patternId: string;
  /** The replayed event: a failing example of the pattern, or a currently succeeding call. */
  exampleId: string;
  source: RolloutJob['source'];
  input: unknown;
  candidateId: string;
  /** null: run the call as it is (the incumbent "no fix"). */
  fix: Fix | null;
  /**
   * The fixes promoted for the function's other patterns when the job was leased, oldest first:
   * production applies them to every call, so the replay does too (an input that succeeds in
   * production thanks to them succeeds here, and the candidate is judged on its own effect).
   * Canaries are left out (production has not settled on them), and so is whatever is deployed
   * for the job's own pattern (the candidate takes its place).
   */
  baseFixes: DeployedFix[];
  /** Report before this time (epoch ms), or the job is leased to another worker. */
  leaseExpiresAt: number;
  attempt: number;
}

export interface LeaseOptions {
  workerId: string;
  functions: string[];
  max: number;
  leaseMs: number;
}

export interface RolloutReportInput {
  workerId: string;
  /** The verifier's reward, in [0, 1]. */
  reward: number;
  /** Stored bounded and redacted, as event outputs are. */
  output?: unknown;
  /** Stored cut to MAX_ROLLOUT_ERROR_LENGTH, redacted. */
  error?: string;
  durationMs?: number;
}

/** Longest rollout error kept. */
export const MAX_ROLLOUT_ERROR_LENGTH = 10_000;

export interface RolloutQueue {
  lease(projectId: string, options: LeaseOptions): Promise<LeasedRollout[]>;
  report(projectId: string, jobId: string, report: RolloutReportInput): Promise<CompleteRolloutOutcome>;
}

/** The fixes a replay applies, in order: the base fixes, then the candidate (if any). */
export function fixesToApply(rollout: Pick<LeasedRollout, 'baseFixes' | 'fix'>): Fix[] {
  const base = rollout.baseFixes.map((f) => f.fix);
  return rollout.fix === null ? base : [...base, rollout.fix];
}

export function leasedRollout(job: RolloutJob, baseFixes: DeployedFix[]): LeasedRollout {
  return {
    id: job.id,
    function: job.function,
    patternId: job.patternId,
    exampleId: job.exampleId,
    source: job.source,
    input: job.input,
    candidateId: job.candidateId,
    fix: job.fix,
    baseFixes,
    leaseExpiresAt: job.leaseExpiresAt ?? 0,
    attempt: job.attempts,
  };
}

export function createRolloutQueue(storage: Storage, now: () => number = Date.now): RolloutQueue {
  return {
    async lease(projectId, options) {
      const jobs = await storage.leaseRollouts(projectId, { ...options, now: now() });
      // Read after leasing, so a fix promoted since the job was planned counts.
      const promoted = new Map<string, DeployedFix[]>();
      await Promise.all(
        [...new Set(jobs.map((job) => job.function))].map(async (fn) => {
          promoted.set(fn, await deployedFixes(storage, projectId, { statuses: ['promoted'], function: fn }));
        }),
      );
      return jobs.map((job) =>
        leasedRollout(
          job,
          promoted.get(job.function)!.filter((f) => f.patternId !== job.patternId),
        ),
      );
    },
    report(projectId, jobId, report) {
      if (!(typeof report.reward === 'number' && report.reward >= 0 && report.reward <= 1)) {
        throw new RangeError(`reward must be a number in [0, 1], got ${String(report.reward)}`);
      }
      const { output, error } = report;
      return storage.completeRollout(projectId, jobId, {
        ...report,
        ...(output === undefined ? {} : { output: clientJson(output) }),
        ...(error === undefined ? {} : { error: clientText(error, MAX_ROLLOUT_ERROR_LENGTH) }),
        now: now(),
      });
    },
  };
}
