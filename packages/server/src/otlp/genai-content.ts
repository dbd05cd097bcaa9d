// What a GenAI span says went in and came out, whichever convention recorded it:
// - OpenTelemetry's current GenAI conventions (semantic-conventions-genai, docs/gen-ai/gen-ai-spans.md):
//   gen_ai.input.messages, gen_ai.output.messages and gen_ai.system_instructions, structured or,
//   where a language cannot record structured attributes, as JSON text; the execute_tool span's
//   gen_ai.tool.call.arguments and gen_ai.tool.call.result (objects, or JSON text); gen_ai.request.*
//   parameters; the same attributes on a gen_ai.client.inference.operation.details event
//   (gen-ai-events.md), where they are always structured.
// - The older conventions: gen_ai.prompt and gen_ai.completion as JSON text on the span or on the
//   gen_ai.content.prompt and gen_ai.content.completion events (semantic-conventions v1.26), or
//   flattened per message as OpenLLMetry writes them (gen_ai.prompt.0.role, gen_ai.prompt.0.content).
// - The Vercel AI SDK's own spans (ai/dist, recordSpan and the ai.* attributes): ai.toolCall with
//   ai.toolCall.args and ai.toolCall.result (JSON text), ai.generateText and friends with ai.prompt
//   and ai.prompt.messages (JSON text), ai.response.text, ai.response.toolCalls, ai.response.object.
// - OpenInference (Arize-ai/openinference spec/semantic_conventions.md): flattened message lists
//   (llm.input_messages.0.message.role, ...), kept as the spec shows them, one object of dotted
//   keys per message; input.value and output.value; tool_call.function.arguments.

import { setOwnProperty } from '@arc-agent/core';
import type { OtlpSpan } from './otlp-spans.js';

type Attributes = Record<string, unknown>;

/** Events whose attributes carry the call's content, as the span's own attributes would. */
const CONTENT_EVENTS = new Set([
  'gen_ai.client.inference.operation.details',
  'gen_ai.content.prompt',
  'gen_ai.content.completion',
]);

const CONTENT_KEYS = new Set([
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.definitions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'gen_ai.prompt',
  'gen_ai.completion',
  'ai.prompt',
  'ai.prompt.messages',
  'ai.prompt.tools',
  'ai.response.text',
  'ai.response.toolCalls',
  'ai.response.object',
  'ai.toolCall.args',
  'ai.toolCall.result',
  'input.value',
  'output.value',
  'tool_call.function.arguments',
]);
const CONTENT_PREFIXES = [
  'gen_ai.prompt.',
  'gen_ai.completion.',
  'llm.input_messages.',
  'llm.output_messages.',
];

/** Attributes that hold content: they become the event's input and output, not its tags. */
export function isContentAttribute(key: string): boolean {
  return CONTENT_KEYS.has(key) || CONTENT_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/** The span's attributes, with those of its content events where the span lacks them. */
export function contentAttributes(span: OtlpSpan): Attributes {
  const merged: Attributes = {};
  const sources = [...span.events.filter((event) => CONTENT_EVENTS.has(event.name)), span];
  for (const { attributes } of sources) {
    for (const [key, value] of Object.entries(attributes)) setOwnProperty(merged, key, value);
  }
  return merged;
}

/** Attributes may carry structure as JSON text: parsed when it is such text, else as is. */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const start = value.trimStart()[0];
  if (start !== '{' && start !== '[') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** `prefix.0.rest`, `prefix.1.rest`, … as a list of objects keyed by `rest`, in index order. */
function indexedList(attributes: Attributes, prefix: string): Attributes[] | undefined {
  const items = new Map<number, Attributes>();
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(`${prefix}.`)) continue;
    const match = /^(\d+)\.(.+)$/.exec(key.slice(prefix.length + 1));
    if (match === null) continue;
    const index = Number(match[1]);
    let item = items.get(index);
    if (item === undefined) {
      item = {};
      items.set(index, item);
    }
    setOwnProperty(item, match[2]!, value);
  }
  if (items.size === 0) return undefined;
  return [...items].sort(([a], [b]) => a - b).map(([, item]) => item);
}

function firstPresent(...values: unknown[]): unknown {
  return values.find((value) => value !== undefined && value !== null);
}

function parsed(attributes: Attributes, key: string): unknown {
  return parseJsonText(attributes[key]);
}

/** An object of the present entries, or undefined when none is. */
function presentEntries(entries: Record<string, unknown>): Record<string, unknown> | undefined {
  const present = Object.entries(entries).filter(([, value]) => value !== undefined && value !== null);
  return present.length === 0 ? undefined : Object.fromEntries(present);
}

/** gen_ai.request.* (model, temperature, max_tokens, …) without the prefix. */
function requestParameters(attributes: Attributes): Record<string, unknown> | undefined {
  const params: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith('gen_ai.request.')) setOwnProperty(params, key.slice('gen_ai.request.'.length), value);
  }
  return presentEntries(params);
}

/** A tool call's arguments and result. */
export function toolCallContent(attributes: Attributes): { input: unknown; output: unknown } {
  return {
    input: parseJsonText(
      firstPresent(
        attributes['gen_ai.tool.call.arguments'],
        attributes['ai.toolCall.args'],
        attributes['tool_call.function.arguments'],
        attributes['input.value'],
      ),
    ),
    output: parseJsonText(
      firstPresent(
        attributes['gen_ai.tool.call.result'],
        attributes['ai.toolCall.result'],
        attributes['output.value'],
      ),
    ),
  };
}

/** A model or agent call's instructions, messages and parameters, and what it answered. */
export function modelCallContent(attributes: Attributes): { input: unknown; output: unknown } {
  const input = presentEntries({
    system: parsed(attributes, 'gen_ai.system_instructions'),
    messages: firstPresent(
      parsed(attributes, 'gen_ai.input.messages'),
      parsed(attributes, 'ai.prompt.messages'),
      indexedList(attributes, 'llm.input_messages'),
      parsed(attributes, 'gen_ai.prompt'),
      indexedList(attributes, 'gen_ai.prompt'),
    ),
    prompt: parsed(attributes, 'ai.prompt'),
    value: parsed(attributes, 'input.value'),
    params: requestParameters(attributes),
  });
  const output = presentEntries({
    messages: firstPresent(
      parsed(attributes, 'gen_ai.output.messages'),
      indexedList(attributes, 'llm.output_messages'),
      parsed(attributes, 'gen_ai.completion'),
      indexedList(attributes, 'gen_ai.completion'),
    ),
    text: attributes['ai.response.text'],
    toolCalls: parsed(attributes, 'ai.response.toolCalls'),
    object: parsed(attributes, 'ai.response.object'),
    value: parsed(attributes, 'output.value'),
  });
  return { input, output };
}
