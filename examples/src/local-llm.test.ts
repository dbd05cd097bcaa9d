// The real local model (SmolLM2-135M-Instruct, fetched on first use) answering real BFCL tasks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentOutputError,
  AgentOutputParseError,
  AgentOutputShapeError,
  MissingParameterError,
  ParameterTypeError,
  parseAgentCalls,
  UnknownFunctionError,
  UnknownParameterError,
} from './agent-output-validation.js';
import { type BfclAnswer, createBfclAgent } from './bfcl-agent.js';
import { checkBfclAnswer } from './bfcl-checker.js';
import { bfclBaseCall } from './bfcl-prompt.js';
import { type BfclTask, loadBfclTasks, splitByCategory } from './bfcl-tasks.js';
import { fetchBfclData, fetchModel } from './fetch-assets.js';
import { InvalidModelFileError } from './gguf-model-file.js';
import { LocalLlm } from './local-llm.js';
import { CALLS_SCHEMA } from './tool-call-format.js';

const TYPED_ERRORS = [
  AgentOutputParseError,
  AgentOutputShapeError,
  UnknownFunctionError,
  MissingParameterError,
  UnknownParameterError,
  ParameterTypeError,
];

let llm: LocalLlm;
let tasks: BfclTask[];

beforeAll(async () => {
  const [modelPath, files] = await Promise.all([fetchModel(), fetchBfclData()]);
  // One task of each category, and a second simple one.
  tasks = splitByCategory(await loadBfclTasks(files), { seed: 1, heldOut: 5, learning: 0 }).heldOut;
  llm = await LocalLlm.load({ modelPath });
}, 300_000);

afterAll(async () => {
  await llm?.close();
});

async function answerAll(run: (task: BfclTask) => Promise<BfclAnswer>): Promise<BfclAnswer[]> {
  const answers: BfclAnswer[] = [];
  for (const task of tasks) answers.push(await run(task));
  return answers;
}

describe('LocalLlm', () => {
  it('refuses a model file that is not a GGUF before loading anything', async () => {
    await expect(LocalLlm.load({ modelPath: '/nonexistent/model.gguf' })).rejects.toBeInstanceOf(
      InvalidModelFileError,
    );
  });

  it('completes a chat, stops at maxTokens, and keeps to a JSON schema', async () => {
    const free = await llm.complete({
      messages: [{ role: 'user', content: 'Count from 1 to 20.' }],
      maxTokens: 4,
      temperature: 0,
    });
    expect(free.finishReason).toBe('length');
    expect(free.text.length).toBeGreaterThan(0);

    const constrained = await llm.complete({
      system: 'Answer in JSON.',
      messages: [{ role: 'user', content: 'What is 2 + 3?' }],
      maxTokens: 32,
      temperature: 0,
      jsonSchema: {
        name: 'sum',
        schema: { type: 'object', properties: { sum: { type: 'integer' } }, required: ['sum'] },
      },
    });
    expect(Object.keys(JSON.parse(constrained.text))).toEqual(['sum']);
    expect(Number.isInteger(JSON.parse(constrained.text).sum)).toBe(true);
    // On one line, as json.dumps lays it out (one-line-json-grammar.ts).
    expect(constrained.text).toMatch(/^\{"sum": -?\d+\}$/);

    const nested = await llm.complete({
      system: 'Answer in JSON.',
      messages: [{ role: 'user', content: 'Name two colours and the number of letters in each.' }],
      maxTokens: 48,
      temperature: 0,
      jsonSchema: {
        name: 'colours',
        schema: {
          type: 'object',
          properties: {
            colours: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
            letters: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
          },
          required: ['colours', 'letters'],
        },
      },
    });
    const { colours, letters } = JSON.parse(nested.text);
    expect(nested.text).toBe(
      `{"colours": [${colours.map((c: string) => JSON.stringify(c)).join(', ')}], "letters": [${letters.join(', ')}]}`,
    );
  }, 60_000);

  it('repeats a seeded call exactly, whatever it was asked before, and counts its tokens', async () => {
    const ask = (task: BfclTask) => {
      const call = bfclBaseCall(task, {});
      return llm.complete({
        system: call.system,
        messages: [{ role: 'user', content: String(call.messages![0]!.content) }],
        maxTokens: 60,
        temperature: 0.9,
        seed: 5,
      });
    };
    const first = await ask(tasks[0]!);
    // The same call right after itself (its prompt was all cached before each call started afresh) and after another.
    const again = await ask(tasks[0]!);
    await ask(tasks[1]!);
    const afterOther = await ask(tasks[0]!);
    expect(again.text).toBe(first.text);
    expect(afterOther.text).toBe(first.text);
    // The whole prompt is read every time.
    expect(again.usage).toEqual(first.usage);
    expect(first.usage!.inputTokens).toBeGreaterThan(100);
    expect(first.usage!.outputTokens).toBeGreaterThan(0);
    expect(first.usage!.outputTokens).toBeLessThanOrEqual(60);
  }, 120_000);
});

describe('the BFCL agent on the real model', () => {
  it('answers real tasks, and every failure is one of the typed errors', async () => {
    // Shorter answers than the agent's default: unconstrained, this model mostly writes prose.
    const agent = createBfclAgent({ llm, params: { temperature: 0.7, maxTokens: 64, seed: 7 } });
    const answers = await answerAll((task) => agent.answer(task));
    for (const [i, answer] of answers.entries()) {
      expect(answer.taskId).toBe(tasks[i]!.id);
      expect(answer.output.length).toBeGreaterThan(0);
      if (answer.error) {
        expect(answer.calls).toBeUndefined();
        expect(TYPED_ERRORS.some((kind) => answer.error instanceof kind)).toBe(true);
        expect(answer.error.message.length).toBeGreaterThan(0);
      } else {
        expect(answer.calls).toBeDefined();
      }
    }
  }, 600_000);

  it('with a response format, decodes only calls of the task functions: no shape failures, parse failures only when cut off', async () => {
    const agent = createBfclAgent({ llm, params: { temperature: 0.7, maxTokens: 128, seed: 7 } });
    const fixes = [
      { type: 'response_format', name: 'function_calls', schema: CALLS_SCHEMA, strict: true } as const,
    ];
    const answers = await answerAll((task) => agent.answer(task, { fixes }));
    for (const [i, answer] of answers.entries()) {
      const task = tasks[i]!;
      // Decoding against the grammar only stops short of valid JSON when the answer hits maxTokens.
      if (answer.error instanceof AgentOutputParseError) {
        expect(answer.finishReason).toBe('length');
        continue;
      }
      expect(answer.error).not.toBeInstanceOf(AgentOutputShapeError);
      expect(answer.error).not.toBeInstanceOf(UnknownFunctionError);
      const names = parseAgentCalls(answer.output).map((call) => call.name);
      for (const name of names) expect(task.tools.map((t) => t.name)).toContain(name);
      if (answer.error) expect(answer.error).toBeInstanceOf(AgentOutputError);
      else
        expect(checkBfclAnswer(task, answer.output).errorType ?? 'valid').not.toMatch(
          /type_error|^ast_decoder/,
        );
    }
  }, 600_000);
});
