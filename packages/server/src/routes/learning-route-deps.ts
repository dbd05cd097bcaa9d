// What the learning loop's route plugins get on top of RouteDeps, and how they show storage records
// (times as ISO 8601 strings, as every other route does).

import type { DeployedFix } from '@arc-agent/core';
import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { RolloutQueue } from '../learner/rollout-queue.js';
import type {
  Actor,
  ApprovalRecord,
  AuditEntry,
  DeploymentRecord,
  LearningResultRecord,
  Storage,
} from '../storage/storage.js';
import { isoTime, isoTimeOrNull, type RouteDeps } from './route-deps.js';

export interface LearningRouteDeps extends RouteDeps {
  now: () => number;
  rollouts: RolloutQueue;
}

/** For actions whose body is all optional: a request without a body is one with `{}`. */
export const bodyOptional: preValidationAsyncHookHandler = async (request) => {
  request.body ??= {};
};

/** The person behind an admin request: the name and id of their key. */
export async function actorOf(storage: Storage, request: FastifyRequest): Promise<Actor> {
  const { projectId, keyId } = request.auth!;
  const key = (await storage.listApiKeys(projectId)).find((k) => k.id === keyId);
  return { name: key?.name ?? keyId, keyId };
}

export function resultView(r: LearningResultRecord) {
  return {
    id: r.id,
    step: r.step,
    patternId: r.patternId,
    function: r.function,
    candidateId: r.candidateId,
    fix: r.fix as unknown as Record<string, unknown>,
    risk: r.risk,
    origin: r.origin,
    rationale: r.rationale,
    improvement: r.improvement,
    confidence: r.confidence,
    successRate: r.successRate,
    incumbentSuccessRate: r.incumbentSuccessRate,
    trials: r.trials,
    examples: r.examples,
    source: r.source,
    proposedBy: r.proposedBy,
    proposedByKeyId: r.proposedByKeyId,
    createdAt: isoTime(r.createdAt),
  };
}

export function approvalView(a: ApprovalRecord) {
  return {
    id: a.id,
    status: a.status,
    impact: a.impact,
    decidedBy: a.decidedBy,
    decidedByKeyId: a.decidedByKeyId,
    comment: a.comment,
    createdAt: isoTime(a.createdAt),
    decidedAt: isoTimeOrNull(a.decidedAt),
    result: resultView(a.result),
  };
}

export function deploymentView(d: DeploymentRecord) {
  return {
    id: d.id,
    status: d.status,
    fixId: d.fixId,
    version: d.version,
    patternId: d.patternId,
    function: d.function,
    fix: d.fix as unknown as Record<string, unknown>,
    risk: d.risk,
    confidence: d.confidence,
    source: d.source,
    canaryShare: d.canaryShare,
    approvalId: d.approvalId,
    resultId: d.resultId,
    treatment: d.treatment,
    control: d.control,
    createdAt: isoTime(d.createdAt),
    decidedAt: isoTimeOrNull(d.decidedAt),
    reason: d.reason,
  };
}

export function auditView(e: AuditEntry) {
  return {
    at: isoTime(e.at),
    actor: e.actor,
    actorKeyId: e.actorKeyId,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    detail: e.detail,
  };
}

/** A deployed fix as the routes answer it (the fix as plain JSON for the response schema). */
export function deployedFixView(f: DeployedFix) {
  return { ...f, fix: f.fix as unknown as Record<string, unknown> };
}
