// Dispatches each part of a fix to its applier, by the stage it acts on: the call before it is
// made (prompt, examples, parameters, response format), or its output (repair). Retry policies
// act on the outcome and are read by the call runner directly.

import type { SimpleFix } from '@arc-agent/core';
import type { NormalizedCall } from '../normalized-call.js';
import { applyFewShot } from './few-shot.js';
import { repairOutput } from './output-repair.js';
import { applyParamPatch } from './param-patch.js';
import { applyPromptAdjustment } from './prompt-adjustment.js';
import { applyResponseFormat } from './response-format.js';

/** Whether the part changes the call before it is made. */
export function changesCall(fix: SimpleFix): boolean {
  return (
    fix.type === 'prompt_adjustment' ||
    fix.type === 'few_shot' ||
    fix.type === 'param_patch' ||
    fix.type === 'response_format'
  );
}

/** `input`: the call's input as Arc records it, by which pooled few-shot examples are chosen. */
export function applyCallFixes(
  call: NormalizedCall,
  fixes: readonly SimpleFix[],
  input?: unknown,
): NormalizedCall {
  let out = call;
  for (const fix of fixes) {
    switch (fix.type) {
      case 'prompt_adjustment':
        out = applyPromptAdjustment(out, fix);
        break;
      case 'few_shot':
        out = applyFewShot(out, fix, input);
        break;
      case 'param_patch':
        out = applyParamPatch(out, fix);
        break;
      case 'response_format':
        out = applyResponseFormat(out, fix);
        break;
    }
  }
  return out;
}

export function applyOutputFixes(output: unknown, fixes: readonly SimpleFix[]): unknown {
  let out = output;
  for (const fix of fixes) if (fix.type === 'output_repair') out = repairOutput(out, fix);
  return out;
}
