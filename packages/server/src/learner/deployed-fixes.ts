// Deployments as agents apply them (core's DeployedFix). `GET /v1/fixes` lists the live ones, and
// the rollout queue hands each leased job the promoted ones of its function's other patterns, so a
// replay runs with the fixes production runs with. One reading of deployments for both.

import type { DeployedFix } from '@arc-agent/core';
import type { DeploymentRecord, DeploymentStatus, Storage } from '../storage/storage.js';

/** Live deployments per project are few; this bounds the answer should that ever change. */
export const MAX_LIVE_FIXES = 1_000;

/** A deployment as agents apply it: a canary at its share, a promoted fix on every call. */
export function deployedFix(d: DeploymentRecord): DeployedFix {
  return {
    id: d.fixId,
    version: d.version,
    patternId: d.patternId,
    function: d.function,
    fix: d.fix,
    risk: d.risk,
    confidence: d.confidence,
    canaryShare: d.status === 'promoted' ? 1 : d.canaryShare,
  };
}

/**
 * The project's deployments in `statuses` (of one function, when given), oldest first: the order
 * agents apply fixes in stays put as new ones arrive.
 */
export async function deployedFixes(
  storage: Storage,
  projectId: string,
  query: { statuses: DeploymentStatus[]; function?: string },
): Promise<DeployedFix[]> {
  const newestFirst = await storage.listDeployments(projectId, { ...query, limit: MAX_LIVE_FIXES });
  return newestFirst.reverse().map(deployedFix);
}
