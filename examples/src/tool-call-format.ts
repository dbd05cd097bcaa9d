// The agent's answer format: one function call as a JSON object, `{"name": ..., "arguments": {...}}`,
// or a JSON list of them for several calls, `[]` when no function fits (the shapes of OpenAI-style
// tool calls and of BFCL's answers). The agent reads a lone call as a list of one, as BFCL's
// decoder does. Structured output offers both shapes: offered only the list, a small model takes
// the empty list as the easy way out.

import type { JsonSchema } from './bfcl-schema.js';

/** A function the agent may call, with its parameters as JSON Schema (an object schema). */
export interface AgentTool {
  name: string;
  description?: string;
  parameters: JsonSchema;
}

export interface AgentCall {
  name: string;
  arguments: Record<string, unknown>;
}

const ANY_CALL: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    arguments: { type: 'object' },
  },
  required: ['name', 'arguments'],
  additionalProperties: false,
};

/** One call, or a list of calls, whatever the functions: what a response format fix asks for. */
export const CALLS_SCHEMA: JsonSchema = { oneOf: [ANY_CALL, { type: 'array', items: ANY_CALL }] };

/** One call of `tools`, or a list of them, each with its tool's arguments: what the agent accepts. */
export function toolCallsSchema(tools: readonly AgentTool[]): JsonSchema {
  const variants = tools.map((tool) => ({
    type: 'object',
    properties: { name: { const: tool.name }, arguments: tool.parameters },
    required: ['name', 'arguments'],
    additionalProperties: false,
  }));
  const call = variants.length === 1 ? variants[0]! : { oneOf: variants };
  return { oneOf: [call, { type: 'array', items: call }] };
}

/**
 * The text of a call list as BFCL's decoder reads it (`default_decode_ast_prompting`): backticks,
 * newlines and spaces stripped from both ends, and the brackets added where they are missing.
 */
export function callListText(text: string): string {
  let body = text.replace(/^[`\n ]+|[`\n ]+$/g, '');
  if (!body.startsWith('[')) body = `[${body}`;
  if (!body.endsWith(']')) body = `${body}]`;
  return body;
}
