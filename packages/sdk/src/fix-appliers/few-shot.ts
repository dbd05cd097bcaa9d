import {
  type ExampleIndex,
  type FewShotExample,
  type FewShotFix,
  indexExamples,
  nearestExamples,
} from '@arc-agent/core';
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

// A fix's pool is compared with every call it is applied to: it is indexed once per fix object
// (the fix cache keeps the objects until the fix changes).
const indexes = new WeakMap<FewShotFix, ExampleIndex>();

/** The examples a call gets: all of them, or with `nearest`, those nearest its input (the conversation when no input is known). */
function examplesFor(call: NormalizedCall, fix: FewShotFix, input: unknown): readonly FewShotExample[] {
  if (fix.nearest === undefined) return fix.examples;
  let index = indexes.get(fix);
  if (index === undefined) {
    index = indexExamples(fix.examples);
    indexes.set(fix, index);
  }
  const query = input !== undefined ? input : (call.messages ?? call.prompt ?? '');
  return nearestExamples(index, query, fix.nearest);
}

/**
 * Puts the example exchanges ahead of the conversation, as earlier turns; a call that has only a
 * single prompt gets them as text before it. `input` is the call's input as Arc records it, which
 * a pooled fix's examples are chosen by.
 */
export function applyFewShot(call: NormalizedCall, fix: FewShotFix, input?: unknown): NormalizedCall {
  const examples = examplesFor(call, fix, input).flatMap(exampleMessages);
  if (call.messages === undefined && call.prompt !== undefined) {
    const text = examples.map((m) => `${m.role === 'user' ? 'Input' : 'Output'}: ${asText(m.content)}`);
    return { ...call, prompt: `Examples:\n${text.join('\n')}\n\n${call.prompt}` };
  }
  return { ...call, messages: [...examples, ...(call.messages ?? [])] };
}
