// The fixes a call gets as production would give them: every promoted fix of its function, and
// each canary's fix only when the call falls in that canary's treatment arm (in place of the fix
// promoted for the canary's pattern), decided by the SDK's own assignment (a hash of the fix id
// and the call key; the agent's call key is the task id).

import type { Fix } from '@arc-agent/core';
import { canaryArm } from '@arc-agent/sdk';
import { BFCL_AGENT_FUNCTION, type ExplicitFixes } from '../bfcl-agent.js';
import { BFCL_ROUTE_FUNCTION } from '../bfcl-route.js';

/** A live deployment as `GET /v1/deployments` lists it. */
export interface LiveDeployment {
  fixId: string;
  patternId: string;
  function: string;
  status: string;
  canaryShare: number;
  fix: Fix;
}

/**
 * The fixes of `deployments` a call of `fn` with this key gets: promoted ones, and canaries whose
 * treatment it is in, each in place of the fix promoted for its pattern (as the SDK applies them).
 */
export function productionFixes(deployments: readonly LiveDeployment[], fn: string, callKey: string): Fix[] {
  const own = deployments.filter((d) => d.function === fn);
  const treated = own.filter(
    (d) => d.status === 'canary' && canaryArm(d.fixId, callKey, d.canaryShare) === 'treatment',
  );
  const replaced = new Set(treated.map((d) => d.patternId));
  return own
    .filter((d) => (d.status === 'promoted' && !replaced.has(d.patternId)) || treated.includes(d))
    .map((d) => d.fix);
}

/** The promoted fixes of `fn` only: what every call gets once the canaries are left out. */
export function promotedFixes(deployments: readonly LiveDeployment[], fn: string): Fix[] {
  return deployments.filter((d) => d.function === fn && d.status === 'promoted').map((d) => d.fix);
}

/** The fixes each step of the demo agent's call for `callKey` gets in production. */
export function agentProductionFixes(deployments: readonly LiveDeployment[], callKey: string): ExplicitFixes {
  return {
    fixes: productionFixes(deployments, BFCL_AGENT_FUNCTION, callKey),
    routeFixes: productionFixes(deployments, BFCL_ROUTE_FUNCTION, callKey),
  };
}

/** The promoted fixes of each step of the demo agent. */
export function agentPromotedFixes(deployments: readonly LiveDeployment[]): ExplicitFixes {
  return {
    fixes: promotedFixes(deployments, BFCL_AGENT_FUNCTION),
    routeFixes: promotedFixes(deployments, BFCL_ROUTE_FUNCTION),
  };
}
