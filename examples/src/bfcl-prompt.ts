// The agent's prompt for a BFCL task. The instructions come first and never change, so every
// call starts with the same tokens (the local model re-evaluates only what follows them); the
// function, as an OpenAI-style tool in JSON, comes after.

import type { CallParams } from '@arc-agent/core';
import type { NormalizedCall } from '@arc-agent/sdk';
import type { BfclTask } from './bfcl-tasks.js';

export const BFCL_INSTRUCTIONS =
  'You are a function-calling assistant. Reply with exactly one JSON object and nothing else: ' +
  '{"name": "<function name>", "arguments": {<parameter>: <value>, ...}}.';

/** The model call that answers `task`, before any fix: system prompt, the question, parameters. */
export function bfclBaseCall(task: BfclTask, params: CallParams): NormalizedCall {
  const context = task.question.filter((m) => m.role === 'system').map((m) => m.content);
  const system = [BFCL_INSTRUCTIONS, `Function:\n${JSON.stringify(task.tool)}`, ...context].join('\n\n');
  const messages = task.question
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role, content: m.content }));
  return { system, messages, params: { ...params } };
}
