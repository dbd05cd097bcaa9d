// The agent's prompt for a BFCL task. The instructions come first and never change, so every
// call starts with the same tokens (the local model re-evaluates only what follows them); the
// functions, as OpenAI-style tools in JSON (one a line), come after.

import type { CallParams } from '@arc-agent/core';
import type { NormalizedCall } from '@arc-agent/sdk';
import type { BfclTask } from './bfcl-tasks.js';

export const BFCL_INSTRUCTIONS =
  'You are a function-calling assistant. Reply with the function call as JSON and nothing else: ' +
  '{"name": "<function name>", "arguments": {<parameter>: <value>, ...}}; for several calls, a JSON list ' +
  'of them; [] when none of the functions fits the question.';

/** The model call that answers `task`, before any fix: system prompt, the question, parameters. */
export function bfclBaseCall(task: BfclTask, params: CallParams): NormalizedCall {
  const context = task.question.filter((m) => m.role === 'system').map((m) => m.content);
  const functions = task.tools.map((tool) => JSON.stringify(tool)).join('\n');
  const system = [BFCL_INSTRUCTIONS, `Functions:\n${functions}`, ...context].join('\n\n');
  const messages = task.question
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role, content: m.content }));
  return { system, messages, params: { ...params } };
}
