import type { PromptAdjustmentFix } from '@arc-agent/core';
import type { NormalizedCall } from '../normalized-call.js';

/** Appends the fix's instructions to the system prompt (creating one when there is none). */
export function applyPromptAdjustment(call: NormalizedCall, fix: PromptAdjustmentFix): NormalizedCall {
  const system = call.system ? `${call.system}\n\n${fix.instructions}` : fix.instructions;
  return { ...call, system };
}
