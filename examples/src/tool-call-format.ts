// The agent's answer format: a JSON list of function calls, `[{"name": ..., "arguments": {...}}]`,
// `[]` when no function fits (the shape of OpenAI-style tool calls, and of BFCL's answers). As
// BFCL's decoder does, the agent also reads a lone call or calls without the brackets.

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

/** Any list of calls, whatever the functions: what a response format fix asks for. */
export const CALL_LIST_SCHEMA: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      arguments: { type: 'object' },
    },
    required: ['name', 'arguments'],
    additionalProperties: false,
  },
};

/** A list of calls of `tools`, each with its tool's arguments: what the agent itself accepts. */
export function toolCallsSchema(tools: readonly AgentTool[]): JsonSchema {
  const variants = tools.map((tool) => ({
    type: 'object',
    properties: { name: { const: tool.name }, arguments: tool.parameters },
    required: ['name', 'arguments'],
    additionalProperties: false,
  }));
  return { type: 'array', items: variants.length === 1 ? variants[0]! : { oneOf: variants } };
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
