// The fixes a call gets as production would give them: every promoted fix, and each canary's fix
// only when the call falls in that canary's treatment arm, decided by the SDK's own assignment
// (a hash of the fix id and the call key; the agent's call key is the task id).

import type { Fix } from '@arc-agent/core';
import { canaryArm } from '@arc-agent/sdk';

/** A live deployment as `GET /v1/deployments` lists it. */
export interface LiveDeployment {
  fixId: string;
  patternId: string;
  status: string;
  canaryShare: number;
  fix: Fix;
}

/** The fixes of `deployments` a call with this key gets: promoted ones, and canaries whose treatment it is in. */
export function productionFixes(deployments: readonly LiveDeployment[], callKey: string): Fix[] {
  return deployments
    .filter(
      (d) =>
        d.status === 'promoted' ||
        (d.status === 'canary' && canaryArm(d.fixId, callKey, d.canaryShare) === 'treatment'),
    )
    .map((d) => d.fix);
}

/** The promoted fixes only: what every call gets once the canaries are left out. */
export function promotedFixes(deployments: readonly LiveDeployment[]): Fix[] {
  return deployments.filter((d) => d.status === 'promoted').map((d) => d.fix);
}
