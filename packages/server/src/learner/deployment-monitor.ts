// Canary deployments decided automatically (DESIGN.md section 6, the seed's ContinuousDeployment
// with its RollbackManager): each canary's treatment and control calls, counted at ingest from the
// SDK's canary tags (each call once, in its arm, with its final outcome), go through core's
// sequential test twice, on the failures of the fix's own pattern and on all failures of its
// function. Either showing harm rolls the fix back. Benefit promotes it to every call only when
// both show it: a fix that clears its pattern by breaking calls some other way is no benefit, and
// one test's false-promotion rate bounds the pair's. The horizon passing without harm promotes it
// too. A hard limit on the failures the treatment adds over what control's rate predicts backs the
// test up.

import { type CanaryDecision, type CanaryLimits, judgeCanary } from '@arc-agent/core';
import { ARC_ACTOR } from '../storage/learning-queries.js';
import type { ConcludeDeploymentOutcome, Storage } from '../storage/storage.js';

function evidence(d: CanaryDecision) {
  return {
    decision: d.decision,
    reason: d.reason,
    harmEvidence: d.harmEvidence,
    benefitEvidence: d.benefitEvidence,
    excessFailures: d.excessFailures,
    treatmentFailureRate: d.treatmentFailureRate,
    controlFailureRate: d.controlFailureRate,
  };
}

/**
 * Judges every live canary of the project and promotes or rolls back those the test decided.
 * Returns what changed. A deployment concluded meanwhile by someone else (a person rolling it back)
 * is left as they left it.
 */
export async function monitorDeployments(
  storage: Storage,
  projectId: string,
  settings: CanaryLimits,
  now: () => number,
): Promise<ConcludeDeploymentOutcome[]> {
  const canaries = await storage.listDeployments(projectId, { statuses: ['canary'], limit: 1_000 });
  const changed: ConcludeDeploymentOutcome[] = [];
  for (const deployment of canaries) {
    const verdict = judgeCanary(deployment, settings);
    if (verdict.decision === 'continue') continue;
    const outcome = await storage.concludeDeployment(
      projectId,
      deployment.id,
      {
        status: verdict.decision === 'promote' ? 'promoted' : 'rolled_back',
        reason: `canary test: ${verdict.reason}`,
        actor: ARC_ACTOR,
        from: ['canary'],
        detail: {
          treatment: deployment.treatment,
          control: deployment.control,
          pattern: evidence(verdict.pattern),
          function: evidence(verdict.function),
        },
      },
      now(),
    );
    if (outcome.ok) changed.push(outcome);
  }
  return changed;
}
