// Canary deployments decided automatically (DESIGN.md section 6, the seed's ContinuousDeployment
// with its RollbackManager): each canary's treatment and control calls, counted at ingest from the
// SDK's canary tags (each call once, in its arm, with its final outcome), go through core's
// sequential test twice, on the failures of the fix's own pattern and on all failures of its
// function. Either showing harm rolls the fix back. Benefit promotes it to every call only when
// both show it: a fix that clears its pattern by breaking calls some other way is no benefit, and
// one test's false-promotion rate bounds the pair's. The horizon passing without harm promotes it
// too. A hard limit on the failures the treatment adds over what control's rate predicts backs the
// test up.

import { type CanaryDecision, canaryDecision } from '@arc-agent/core';
import { ARC_ACTOR } from '../storage/learning-queries.js';
import type { ConcludeDeploymentOutcome, DeploymentRecord, Storage } from '../storage/storage.js';
import type { LearningSettings } from './learning-settings.js';

export interface CanaryVerdict {
  decision: 'continue' | 'promote' | 'rollback';
  /** Which metric decided and why, e.g. `pattern: harm`, `function: failure_limit`, `pattern and function: benefit`. */
  reason: string;
  pattern: CanaryDecision;
  function: CanaryDecision;
}

type CanarySettings = Pick<LearningSettings, 'canaryAlpha' | 'canaryMaxFailures' | 'canaryMaxTrials'>;

/** The verdict on one canary deployment from its counters. */
export function judgeCanary(deployment: DeploymentRecord, settings: CanarySettings): CanaryVerdict {
  const common = {
    treatmentShare: deployment.canaryShare,
    alpha: settings.canaryAlpha,
    promoteAlpha: settings.canaryAlpha,
    maxTreatmentTrials: settings.canaryMaxTrials,
  };
  const { treatment, control } = deployment;
  const pattern = canaryDecision({
    ...common,
    treatment: { trials: treatment.trials, failures: treatment.patternFailures },
    control: { trials: control.trials, failures: control.patternFailures },
  });
  const fn = canaryDecision({
    ...common,
    treatment: { trials: treatment.trials, failures: treatment.failures },
    control: { trials: control.trials, failures: control.failures },
    maxExcessFailures: settings.canaryMaxFailures,
  });
  // Harm on either metric outweighs anything else; the function's is named first (the wider damage).
  const harmed = [
    ['function', fn],
    ['pattern', pattern],
  ] as const;
  const hit = harmed.find(([, d]) => d.decision === 'rollback');
  if (hit !== undefined)
    return { decision: 'rollback', reason: `${hit[0]}: ${hit[1].reason}`, pattern, function: fn };
  // Before the horizon a metric promotes only for benefit; both metrics count the same calls, so
  // they reach the horizon together, and there each promotes for benefit or for the horizon.
  if (pattern.decision === 'promote' && fn.decision === 'promote') {
    const why = pattern.reason === 'benefit' && fn.reason === 'benefit' ? 'benefit' : 'horizon';
    return { decision: 'promote', reason: `pattern and function: ${why}`, pattern, function: fn };
  }
  return { decision: 'continue', reason: 'undecided', pattern, function: fn };
}

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
  settings: CanarySettings,
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
