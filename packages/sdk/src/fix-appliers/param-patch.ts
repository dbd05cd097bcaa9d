import type { ParamPatchFix } from '@arc-agent/core';
import type { NormalizedCall } from '../normalized-call.js';

/** Sets the fix's parameters over the call's own. */
export function applyParamPatch(call: NormalizedCall, fix: ParamPatchFix): NormalizedCall {
  return { ...call, params: { ...call.params, ...fix.params } };
}
