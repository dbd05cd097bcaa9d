// The one code path of rollouts, whoever runs them: `POST /v1/rollouts/lease` and
// `POST /v1/rollouts/:id/result` for remote workers, and the embedded worker in the server's own
// process, both lease and report through here.

import type { Fix } from '@arc-agent/core';
import type { CompleteRolloutOutcome, RolloutJob, Storage } from '../storage/storage.js';

/** What a worker gets for a job: replay `input` through `function` with `fix` applied. */
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
  output?: unknown;
  error?: string;
  durationMs?: number;
}

export interface RolloutQueue {
  lease(projectId: string, options: LeaseOptions): Promise<LeasedRollout[]>;
  report(projectId: string, jobId: string, report: RolloutReportInput): Promise<CompleteRolloutOutcome>;
}

export function leasedRollout(job: RolloutJob): LeasedRollout {
  return {
    id: job.id,
    function: job.function,
    patternId: job.patternId,
    exampleId: job.exampleId,
    source: job.source,
    input: job.input,
    candidateId: job.candidateId,
    fix: job.fix,
    leaseExpiresAt: job.leaseExpiresAt ?? 0,
    attempt: job.attempts,
  };
}

export function createRolloutQueue(storage: Storage, now: () => number = Date.now): RolloutQueue {
  return {
    async lease(projectId, options) {
      const jobs = await storage.leaseRollouts(projectId, { ...options, now: now() });
      return jobs.map(leasedRollout);
    },
    report(projectId, jobId, report) {
      if (!(typeof report.reward === 'number' && report.reward >= 0 && report.reward <= 1)) {
        throw new RangeError(`reward must be a number in [0, 1], got ${String(report.reward)}`);
      }
      return storage.completeRollout(projectId, jobId, { ...report, now: now() });
    },
  };
}
