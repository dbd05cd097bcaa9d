import type { ResponseFormatFix } from '@arc-agent/core';
import type { NormalizedCall } from '../normalized-call.js';

/** Asks for structured output against the fix's JSON Schema; the call shape maps it to the provider's field. */
export function applyResponseFormat(call: NormalizedCall, fix: ResponseFormatFix): NormalizedCall {
  return { ...call, responseFormat: { name: fix.name, schema: fix.schema, strict: fix.strict } };
}
