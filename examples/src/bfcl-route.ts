// The agent's first step: choosing which of the offered functions answers the question, or none,
// as a router in front of a tool-calling step does in production agents. The agent constrains the
// router's decoding to the names it offers (plus "none") itself, so its only mistakes are wrong
// choices, which a verifier sees, and answers it cannot read (cut off by a token cap). Then the
// call step sees only the chosen function; "none" answers `[]` without a second model call.
//
// A small model picks well on questions with one function and poorly on questions none of the
// functions fits (measured on design seed 1's pool: 29 of 48 right), so the router's traffic
// mostly succeeds: the step where a harmful fix shows against its control.

import type { CallParams, Verdict } from '@arc-agent/core';
import type { NormalizedCall } from '@arc-agent/sdk';
import {
  AgentOutputParseError,
  AgentOutputShapeError,
  UnknownFunctionError,
} from './agent-output-validation.js';
import type { JsonSchema } from './bfcl-schema.js';
import type { BfclTask } from './bfcl-tasks.js';
import type { AgentTool } from './tool-call-format.js';

/** The name the router's model call is tracked under. */
export const BFCL_ROUTE_FUNCTION = 'bfcl_route';

/** The router's answer when no offered function fits the question. */
export const NO_FUNCTION = 'none';

export const ROUTE_INSTRUCTIONS =
  "You pick the function that answers the user's question, or none when no function can answer it. " +
  'Reply with JSON: {"function": "<name>"}.';

/** The router's parameters before any fix: its answer is a dozen tokens. */
export const ROUTE_DEFAULT_PARAMS: CallParams = { temperature: 0.7, maxTokens: 32 };

/** The router's output contract, whatever the functions: what a response format fix asks for. */
export const ROUTE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { function: { type: 'string' } },
  required: ['function'],
  additionalProperties: false,
};

/** The router's output for these tools: one of their names, or none. */
export function routeChoiceSchema(tools: readonly AgentTool[]): JsonSchema {
  return {
    type: 'object',
    properties: { function: { enum: [...tools.map((t) => t.name), NO_FUNCTION] } },
    required: ['function'],
    additionalProperties: false,
  };
}

/** The router's model call for `task`: the functions by name and description, then the question. */
export function bfclRouteCall(task: BfclTask, params: CallParams = ROUTE_DEFAULT_PARAMS): NormalizedCall {
  const functions = [
    ...task.tools.map((tool) => `- ${tool.name}: ${tool.description ?? ''}`),
    `- ${NO_FUNCTION}: no function fits the question`,
  ].join('\n');
  const context = task.question.filter((m) => m.role === 'system').map((m) => m.content);
  const system = [ROUTE_INSTRUCTIONS, `Functions:\n${functions}`, ...context].join('\n\n');
  const messages = task.question
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role, content: m.content }));
  return {
    system,
    messages,
    params: { ...params },
    responseFormat: { name: 'route', schema: ROUTE_SCHEMA, strict: true },
  };
}

/** The function the router chose, checked against the offered tools; throws an AgentOutputError. */
export function parseRoute(text: string, tools: readonly AgentTool[]): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AgentOutputParseError((error as Error).message);
  }
  const chosen = (value as { function?: unknown } | null)?.function;
  if (typeof chosen !== 'string')
    throw new AgentOutputShapeError('the router should answer {"function": "<name>"}');
  const known = tools.map((t) => t.name);
  if (chosen !== NO_FUNCTION && !known.includes(chosen))
    throw new UnknownFunctionError(chosen, [...known, NO_FUNCTION]);
  return chosen;
}

/** The task as the call step sees it once the router chose: the named functions only. */
export function routedTask(task: BfclTask, names: readonly unknown[]): BfclTask {
  return {
    ...task,
    functions: task.functions.filter((f) => names.includes(f.name)),
    tools: task.tools.filter((t) => names.includes(t.name)),
  };
}

/**
 * The verdict on the router's choice for `task` (BFCL's expected calls name the function; none for
 * irrelevance): the demo's verifier, as a labelled set would judge a router. One kind of mistake is
 * one message, with the router's own choice after `got`.
 */
export function bfclRouteVerdict(task: BfclTask, chosen: string): Verdict {
  const expected = task.answer[0]?.function ?? NO_FUNCTION;
  if (chosen === expected) return { score: 1 };
  const got = `got ${JSON.stringify(chosen)}`;
  if (expected === NO_FUNCTION)
    return {
      score: 0,
      label: 'route:irrelevant',
      message: `function: expected none since none of the functions fits the question, ${got}`,
    };
  if (chosen === NO_FUNCTION)
    return {
      score: 0,
      label: 'route:missed',
      message: `function: expected the function that fits the question, ${got}`,
    };
  return {
    score: 0,
    label: 'route:wrong_function',
    message: `function: expected the function that answers the question, ${got}`,
  };
}
