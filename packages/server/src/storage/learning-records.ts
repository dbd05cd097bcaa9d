// What storage keeps for the learning loop (DESIGN.md sections 3, 6, 7): the learner's state,
// rollout jobs, learning results, approvals and their audit log, deployments with their canary
// counters, the per-project learning configuration and the curricula external trainers use.
// Times are epoch milliseconds.

import type { Fix, FixRisk } from '@arc-agent/core';

export type RolloutStatus = 'queued' | 'leased' | 'done' | 'expired';
/** Whether the replayed input failed in production (the pattern's pool) or succeeded (a guard against breaking working calls). */
export type RolloutSource = 'failure' | 'success';

export interface NewRolloutJob {
  patternId: string;
  /** The event whose input is replayed. */
  exampleId: string;
  source: RolloutSource;
  input: unknown;
  candidateId: string;
  /** The candidate fix to apply; null when the candidate is "no fix" (nothing deployed yet). */
  fix: Fix | null;
  function: string;
  /** GRPO group: the rollouts of one problem. */
  group: string;
}

export interface RolloutJob extends NewRolloutJob {
  id: string;
  projectId: string;
  step: number;
  status: RolloutStatus;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  /** Times the job was leased. */
  attempts: number;
  reward: number | null;
  output: unknown;
  error: string | null;
  durationMs: number | null;
  createdAt: number;
  completedAt: number | null;
}

export interface LeaseRequest {
  /** Functions the worker can run; jobs of other functions are left for other workers. */
  functions: string[];
  workerId: string;
  max: number;
  leaseMs: number;
  now: number;
}

export interface RolloutReport {
  workerId: string;
  reward: number;
  output?: unknown;
  error?: string;
  durationMs?: number;
  now: number;
}

export type CompleteRolloutOutcome =
  | { ok: true; job: RolloutJob }
  /** not_found: no such job in the project; not_holder: leased to another worker (or never leased); closed: the step ended without it. */
  | { ok: false; reason: 'not_found' | 'not_holder' | 'closed' };

export interface LearnerStateRecord {
  projectId: string;
  step: number;
  state: unknown;
  /** Failures the project had ingested when the last step began. */
  failuresSeen: number;
  updatedAt: number;
}

export interface NewLearningResult {
  patternId: string;
  function: string;
  candidateId: string;
  fix: Fix;
  risk: FixRisk;
  /** The generator the candidate came from (rule, mined, transfer, analyst, combination), or deployed (promoted without being a candidate). */
  origin: string;
  rationale: string;
  /** Posterior mean success rate of the candidate minus the incumbent's. */
  improvement: number;
  /** P(candidate beats incumbent). */
  confidence: number;
  successRate: number;
  incumbentSuccessRate: number;
  trials: number;
  /** Distinct problems the candidate was judged on. */
  examples: number;
}

/** Where a learning result came from: judged by the learner's rollouts, or proposed by a person. */
export type ResultSource = 'learner' | 'person';

export interface LearningResultRecord extends NewLearningResult {
  id: string;
  projectId: string;
  /** The learning step that produced it; for a person's proposal, the learner's step when it was made. */
  step: number;
  /**
   * person: proposed through the API and never measured, so improvement, confidence, the success
   * rates, trials and examples are 0 (what an agent reads as "no evidence": it never uses such a
   * fix to rescue a failed call) and are shown as not measured.
   */
  source: ResultSource;
  /** The key (name and id) of the person who proposed it; null for learned results. */
  proposedBy: string | null;
  proposedByKeyId: string | null;
  createdAt: number;
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied';

/** Who did something: a person through a key, or Arc itself (keyId null). */
export interface Actor {
  name: string;
  keyId: string | null;
}

export interface ApprovalRecord {
  id: string;
  projectId: string;
  status: ApprovalStatus;
  /** The impact assessment shown to approvers (severity, agents affected, failures per day prevented, risk). */
  impact: Record<string, unknown>;
  decidedBy: string | null;
  decidedByKeyId: string | null;
  comment: string | null;
  createdAt: number;
  decidedAt: number | null;
  result: LearningResultRecord;
}

export type DeploymentStatus = 'canary' | 'promoted' | 'rolled_back' | 'superseded';
export const DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = [
  'canary',
  'promoted',
  'rolled_back',
  'superseded',
];

export interface CanaryCounters {
  /** Call outcomes (a failed attempt counts one, an aggregate success its count). */
  trials: number;
  failures: number;
  /** Failures of the deployment's own pattern. */
  patternFailures: number;
}

export interface DeploymentRecord {
  id: string;
  projectId: string;
  approvalId: string;
  resultId: string;
  /** The id agents know the fix by (DeployedFix.id, the fix's content id). */
  fixId: string;
  patternId: string;
  function: string;
  fix: Fix;
  risk: FixRisk;
  /** Of the result it deploys (0 with source person: not measured). */
  confidence: number;
  source: ResultSource;
  /** 1 + earlier deployments of the same fix id in the project. */
  version: number;
  canaryShare: number;
  status: DeploymentStatus;
  treatment: CanaryCounters;
  control: CanaryCounters;
  createdAt: number;
  decidedAt: number | null;
  reason: string | null;
}

export interface AuditEntry {
  id: number;
  projectId: string;
  at: number;
  actor: string;
  actorKeyId: string | null;
  /** e.g. approval.approved, deployment.rolled_back */
  action: string;
  subjectType: 'approval' | 'deployment';
  subjectId: string;
  detail: Record<string, unknown>;
}

/**
 * A fix of the learner's policy put up for approval (at sync steps): the newest learning result of
 * its pattern and candidate is what gets approved.
 */
export interface NewApproval {
  patternId: string;
  candidateId: string;
  impact: Record<string, unknown>;
  /** Set when auto-approved: it deploys at once as a canary at this share. Otherwise it waits for a person. */
  autoApproval: { canaryShare: number; reason: string } | null;
}

export interface LearningStepCommit {
  /** The step this commit completes: the stored step + 1 (or 1 for the first). */
  step: number;
  state: unknown;
  failuresSeen: number;
  /** Data of the `learner.step` stream event. */
  summary: Record<string, unknown>;
  /** Candidates that beat their incumbent in this step. */
  results: NewLearningResult[];
  /** Approval requests, for results of this or an earlier step. */
  approvals: NewApproval[];
  /** Finished rollout jobs created before this are deleted with the commit. */
  pruneRolloutsBefore: number;
}

export interface LearningStepOutcome {
  results: LearningResultRecord[];
  approvals: ApprovalRecord[];
  deployments: DeploymentRecord[];
}

/** Thrown by commitLearningStep when another learner committed since this one loaded its state. */
export class StaleLearnerStateError extends Error {
  constructor(projectId: string, expected: number, found: number | null) {
    super(`learner state of project ${projectId} is at step ${found ?? 'none'}, expected ${expected}`);
    this.name = 'StaleLearnerStateError';
  }
}

/** A fix a person puts up for approval for a pattern (POST /v1/patterns/:id/fixes). */
export interface FixProposal {
  patternId: string;
  function: string;
  /** fixId(fix). */
  candidateId: string;
  fix: Fix;
  risk: FixRisk;
  /** Why, in the proposer's words (the result's rationale); kept in the audit log too. */
  comment: string | null;
  impact: Record<string, unknown>;
  proposer: Actor;
}

export type ProposeFixOutcome =
  | { ok: true; approval: ApprovalRecord }
  /** pending: the same fix already waits for approval for the pattern; live: it is deployed in the project. */
  | { ok: false; reason: 'pending' | 'live' };

export type DecideApprovalOutcome =
  | { ok: true; approval: ApprovalRecord; deployment: DeploymentRecord | null }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'already_decided'; approval: ApprovalRecord };

export interface ConcludeDeployment {
  status: 'promoted' | 'rolled_back';
  reason: string;
  actor: Actor;
  /** Statuses the deployment may be in for the change to apply. */
  from: DeploymentStatus[];
  /** Canary statistics behind an automatic decision, for the audit log. */
  detail?: Record<string, unknown>;
}

export type ConcludeDeploymentOutcome =
  | { ok: true; deployment: DeploymentRecord; superseded: DeploymentRecord[] }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'conflict'; deployment: DeploymentRecord };

export interface CurriculumRecord {
  state: unknown;
  /** Increases with every save; saves name the version they replace (optimistic concurrency). */
  version: number;
  updatedAt: number;
}
