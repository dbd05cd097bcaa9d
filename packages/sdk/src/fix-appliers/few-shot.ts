import type { FewShotExample, FewShotFix } from '@arc-agent/core';
import type { NormalizedCall, NormalizedMessage } from '../normalized-call.js';

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function exampleMessages(example: FewShotExample): NormalizedMessage[] {
  if ('messages' in example) return example.messages;
  return [
    { role: 'user', content: asText(example.input) },
    { role: 'assistant', content: asText(example.output) },
  ];
}

/**
 * Puts the example exchanges ahead of the conversation, as earlier turns; a call that has only a
 * single prompt gets them as text before it.
 */
export function applyFewShot(call: NormalizedCall, fix: FewShotFix): NormalizedCall {
  const examples = fix.examples.flatMap(exampleMessages);
  if (call.messages === undefined && call.prompt !== undefined) {
    const text = examples.map((m) => `${m.role === 'user' ? 'Input' : 'Output'}: ${asText(m.content)}`);
    return { ...call, prompt: `Examples:\n${text.join('\n')}\n\n${call.prompt}` };
  }
  return { ...call, messages: [...examples, ...(call.messages ?? [])] };
}
