import type { CallParams } from '@arc-agent/core';

/** A message as the host's framework holds it; fixes add `{ role, content: string }` entries. */
export interface NormalizedMessage {
  role: string;
  content: unknown;
}

export interface NormalizedResponseFormat {
  name: string;
  schema: Record<string, unknown>;
  strict: boolean;
}

/**
 * The parts of a model call that fixes change, whatever the framework: a system prompt, the
 * conversation or a single prompt, parameters and a response format. Call shapes translate a
 * function's arguments to this and back; the fix appliers only ever see this.
 */
export interface NormalizedCall {
  system?: string;
  messages?: NormalizedMessage[];
  prompt?: string;
  params: CallParams;
  responseFormat?: NormalizedResponseFormat;
}
