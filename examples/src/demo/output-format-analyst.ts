// The demo agent's answer format, proposed to the learner as a candidate fix through its analyst
// hook. Arc's rule generators propose structured output only when they know a schema (declared,
// the tool's parameters, or inferred from successful outputs); the SDK has no channel yet for a
// tracked function to declare its output schema, and a model that never succeeds leaves nothing to
// infer one from. The agent knows its format (one function call as JSON), so it says so here; the
// learner judges the proposal by rollouts like any other candidate.

import { candidateFix, type Fix } from '@arc-agent/core';
import type { LlmAnalyst } from '@arc-agent/server';
import { BFCL_AGENT_FUNCTION } from '../bfcl-agent.js';
import { CALL_ENVELOPE_SCHEMA } from '../tool-call-format.js';

/** Failure categories a malformed or mis-shaped call falls into. */
const FORMAT_CATEGORIES = new Set(['parsing_error', 'validation']);

export const CALL_FORMAT_FIX: Fix = {
  type: 'response_format',
  name: 'function_call',
  schema: CALL_ENVELOPE_SCHEMA,
  strict: true,
};

export function outputFormatAnalyst(): LlmAnalyst {
  return {
    async propose(input) {
      if (input.pattern.function !== BFCL_AGENT_FUNCTION || !FORMAT_CATEGORIES.has(input.pattern.category))
        return [];
      return [
        candidateFix(
          CALL_FORMAT_FIX,
          'analyst',
          'The agent answers with one function call as JSON: enforce that format by constrained decoding.',
        ),
      ];
    },
  };
}
