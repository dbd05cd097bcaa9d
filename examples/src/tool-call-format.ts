// The agent's answer format: one function call as a JSON object, `{"name": ..., "arguments": {...}}`
// (the shape OpenAI-style tool calls and most small models' function-calling data use).

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

/** Any call in the answer format, whatever the function: what a response format fix asks for. */
export const CALL_ENVELOPE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    arguments: { type: 'object' },
  },
  required: ['name', 'arguments'],
  additionalProperties: false,
};

/** A call of one of `tools`, with that tool's arguments: what the agent itself accepts. */
export function toolCallSchema(tools: readonly AgentTool[]): JsonSchema {
  const variants = tools.map((tool) => ({
    type: 'object',
    properties: { name: { const: tool.name }, arguments: tool.parameters },
    required: ['name', 'arguments'],
    additionalProperties: false,
  }));
  return variants.length === 1 ? variants[0]! : { oneOf: variants };
}
