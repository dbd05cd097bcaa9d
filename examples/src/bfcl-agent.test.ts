// The agent against a real HTTP chat-completions endpoint (a local server that answers what each
// test scripts), so what the model receives after fixes is visible on the wire.

import { generateCandidates } from '@arc-agent/core';
import { createArc } from '@arc-agent/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AgentOutputParseError,
  MissingParameterError,
  UnknownFunctionError,
  UnknownParameterError,
} from './agent-output-validation.js';
import { BFCL_AGENT_FUNCTION, createBfclAgent, taskKey } from './bfcl-agent.js';
import { checkBfclAnswer } from './bfcl-checker.js';
import { BFCL_INSTRUCTIONS } from './bfcl-prompt.js';
import { parseBfclTask } from './bfcl-tasks.js';
import { bfclVerdict } from './bfcl-verdict.js';
import {
  type ChatCompletionsServer,
  type ScriptedReply,
  startChatCompletionsServer,
} from './chat-completions-server.fixture.js';
import { OpenAiCompatibleLlm } from './openai-compatible-llm.js';
import { CALLS_SCHEMA } from './tool-call-format.js';

const task = parseBfclTask(
  'simple',
  {
    id: 'simple_python_0',
    question: [
      [
        {
          role: 'user',
          content: 'Find the area of a triangle with a base of 10 units and height of 5 units.',
        },
      ],
    ],
    function: [
      {
        name: 'calculate_triangle_area',
        description: 'Calculate the area of a triangle given its base and height.',
        parameters: {
          type: 'dict',
          properties: {
            base: { type: 'integer', description: 'The base of the triangle.' },
            height: { type: 'integer', description: 'The height of the triangle.' },
            unit: { type: 'string', description: 'The unit of measure.' },
          },
          required: ['base', 'height'],
        },
      },
    ],
  },
  {
    id: 'simple_python_0',
    ground_truth: [{ calculate_triangle_area: { base: [10], height: [5], unit: ['units', ''] } }],
  },
);
const solved = '[{"name": "calculate_triangle_area", "arguments": {"base": 10, "height": 5}}]';
const solvedCalls = [{ name: 'calculate_triangle_area', arguments: { base: 10, height: 5 } }];

const servers: ChatCompletionsServer[] = [];

async function agentAnswering(content: string | (() => string)) {
  const server = await startChatCompletionsServer(() => ({
    content: typeof content === 'string' ? content : content(),
  }));
  servers.push(server);
  const llm = new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'smol' });
  return { server, agent: createBfclAgent({ llm }), sent: () => server.requests.at(-1)!.body };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('createBfclAgent', () => {
  it('asks for calls with the instructions first, the tools in JSON, the question, and its parameters', async () => {
    const { agent, sent } = await agentAnswering(solved);
    const answer = await agent.answer(task);
    expect(sent()).toEqual({
      model: 'smol',
      messages: [
        { role: 'system', content: `${BFCL_INSTRUCTIONS}\n\nFunctions:\n${JSON.stringify(task.tools[0])}` },
        { role: 'user', content: task.question[0]!.content },
      ],
      temperature: 0.7,
      max_tokens: 96,
    });
    expect(answer.calls).toEqual(solvedCalls);
    expect(answer.error).toBeUndefined();
    expect(answer.output).toBe(solved);
    expect(checkBfclAnswer(task, answer.output).valid).toBe(true);
  });

  it.each([
    ['The area is 25 square units.', AgentOutputParseError],
    ['{"name": "triangle_area", "arguments": {"base": 10, "height": 5}}', UnknownFunctionError],
    ['{"name": "calculate_triangle_area", "arguments": {"base": 10}}', MissingParameterError],
    [
      '{"name": "calculate_triangle_area", "arguments": {"base": 10, "height": 5, "area": 25}}',
      UnknownParameterError,
    ],
  ])('returns the typed error for %s, with the output', async (output, kind) => {
    const { agent } = await agentAnswering(output);
    const answer = await agent.answer(task);
    expect(answer.calls).toBeUndefined();
    expect(answer.error).toBeInstanceOf(kind);
    expect(answer.output).toBe(output);
  });

  it('applies a rollout fixes to the call: instructions, examples, parameters', async () => {
    const { agent, sent } = await agentAnswering(solved);
    const answer = await agent.answer(task, {
      fixes: [
        { type: 'prompt_adjustment', instructions: 'Use the exact function name.' },
        {
          type: 'composite',
          fixes: [
            {
              type: 'few_shot',
              examples: [
                { input: 'Area of a 2 by 3 rectangle?', output: { name: 'rect', arguments: { w: 2, h: 3 } } },
              ],
            },
            { type: 'param_patch', params: { temperature: 0, seed: 11, frequencyPenalty: 0.5 } },
          ],
        },
      ],
    });
    const body = sent();
    expect((body.messages as { content: string }[])[0]!.content).toMatch(
      /\n\nUse the exact function name\.$/,
    );
    expect((body.messages as unknown[]).slice(1)).toEqual([
      { role: 'user', content: 'Area of a 2 by 3 rectangle?' },
      { role: 'assistant', content: '{"name":"rect","arguments":{"w":2,"h":3}}' },
      { role: 'user', content: task.question[0]!.content },
    ]);
    expect(body).toMatchObject({ temperature: 0, seed: 11, max_tokens: 96, frequency_penalty: 0.5 });
    expect(answer.request.params).toEqual({
      temperature: 0,
      seed: 11,
      maxTokens: 96,
      frequencyPenalty: 0.5,
    });
    expect(answer.calls).toBeDefined();
  });

  it('turns a response format into structured output against the format and the task tools', async () => {
    const { agent, sent } = await agentAnswering(solved);
    await agent.answer(task, {
      fixes: [{ type: 'response_format', name: 'function_calls', schema: CALLS_SCHEMA, strict: true }],
    });
    const call = {
      type: 'object',
      properties: { name: { const: 'calculate_triangle_area' }, arguments: task.tools[0]!.parameters },
      required: ['name', 'arguments'],
      additionalProperties: false,
    };
    expect(sent().response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'function_calls',
        strict: true,
        schema: { oneOf: [call, { type: 'array', items: call }] },
      },
    });
  });

  it('repairs the output before checking it when a fix says so', async () => {
    const fenced = `\`\`\`json\n[{"name": "calculate_triangle_area", "arguments": {"base": 10, "height": 5,}}]\n\`\`\``;
    const { agent } = await agentAnswering(fenced);
    expect((await agent.answer(task)).error).toBeInstanceOf(AgentOutputParseError);
    const repaired = await agent.answer(task, {
      fixes: [{ type: 'output_repair', json: true, coerce: false }],
    });
    expect(repaired.error).toBeUndefined();
    expect(repaired.calls).toEqual(solvedCalls);
    expect(repaired.output).toBe(solved);
  });
});

describe('taskKey', () => {
  it("is opaque and stable: a call's input does not name the task's category", () => {
    expect(taskKey({ id: 'irrelevance_26' })).toMatch(/^t[0-9a-f]{12}$/);
    expect(taskKey({ id: 'irrelevance_26' })).toBe(taskKey({ id: 'irrelevance_26' }));
    expect(taskKey({ id: 'irrelevance_26' })).not.toBe(taskKey({ id: 'irrelevance_27' }));
  });
});

describe('createBfclAgent with a seed', () => {
  it('seeds each call from the seed, the call and its repetition: the same run repeats, another seed differs', async () => {
    const server = await startChatCompletionsServer(() => ({ content: solved }));
    servers.push(server);
    const other = parseBfclTask('irrelevance', {
      id: 'irrelevance_0',
      question: [[{ role: 'user', content: 'What is the capital of France?' }]],
      function: [task.functions[0]],
    });
    const seedsOf = async (seed: number) => {
      const agent = createBfclAgent({
        llm: new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'smol' }),
        seed,
      });
      const before = server.requests.length;
      await agent.answer(task);
      await agent.answer(other);
      await agent.answer(task);
      await agent.answer(task, { fixes: [{ type: 'prompt_adjustment', instructions: 'Be exact.' }] });
      await agent.answer(task, { fixes: [{ type: 'param_patch', params: { seed: 5 } }] });
      return server.requests.slice(before).map((r) => r.body.seed as number);
    };
    const first = await seedsOf(1);
    expect(new Set(first.slice(0, 4)).size).toBe(4);
    for (const seed of first) expect(Number.isInteger(seed)).toBe(true);
    // A seed the call already has (a fix's) is kept.
    expect(first[4]).toBe(5);
    expect(await seedsOf(1)).toEqual(first);
    const second = await seedsOf(2);
    expect(second.slice(0, 4).some((seed, i) => seed === first[i])).toBe(false);
  });
});

describe('createBfclAgent with Arc', () => {
  it('tracks its model call: deployed fixes reach the model and each typed error reaches Arc', async () => {
    const events: Record<string, unknown>[] = [];
    const deployed = {
      id: 'fix-1',
      version: 1,
      patternId: 'pattern-1',
      function: BFCL_AGENT_FUNCTION,
      fix: { type: 'prompt_adjustment', instructions: 'Call calculate_triangle_area.' },
      risk: 'medium',
      confidence: 0.9,
      canaryShare: 1,
    };
    const arcServer = await startChatCompletionsServer((body, request): ScriptedReply => {
      if (request.url.startsWith('/v1/fixes')) return { raw: JSON.stringify({ fixes: [deployed] }) };
      events.push(...(body.events as Record<string, unknown>[]));
      return { status: 202, raw: '{}' };
    });
    servers.push(arcServer);
    const model = await startChatCompletionsServer(() => ({ content: '{"name": "area", "arguments": {}}' }));
    servers.push(model);
    const arc = createArc({
      endpoint: arcServer.url,
      apiKey: 'arc_test',
      successSampleRate: 1,
      retry: { withFix: false },
    });
    try {
      const agent = createBfclAgent({
        llm: new OpenAiCompatibleLlm({ baseUrl: model.url, model: 'smol' }),
        arc,
      });
      await arc.refreshFixes();
      const answer = await agent.answer(task);
      expect(answer.error).toBeInstanceOf(UnknownFunctionError);
      expect(answer.output).toBe('{"name": "area", "arguments": {}}');
      const system = (model.requests.at(-1)!.body.messages as { content: string }[])[0]!.content;
      expect(system).toMatch(/\n\nCall calculate_triangle_area\.$/);

      await arc.flush();
      const failure = events.find((e) => e.kind === 'failure');
      expect(failure).toMatchObject({
        function: BFCL_AGENT_FUNCTION,
        fixIds: ['fix-1'],
        error: {
          type: 'UnknownFunctionError',
          message: 'function not found: expected one of "calculate_triangle_area", got "area"',
        },
        input: { taskId: taskKey(task), question: task.question[0]!.content },
        // The format the model must write, declared so that the learner can enforce it.
        outputSchema: CALLS_SCHEMA,
      });
    } finally {
      await arc.shutdown();
    }
  });

  it('repairs the model text with a deployed output repair before its checks, reports its verdict, and replays recorded calls for arc.worker scored by the same verify', async () => {
    const deployed = {
      id: 'fix-repair',
      version: 1,
      patternId: 'pattern-1',
      function: BFCL_AGENT_FUNCTION,
      fix: { type: 'output_repair', json: true, coerce: false },
      risk: 'low',
      confidence: 0.9,
      canaryShare: 1,
    };
    const job = {
      id: 'job-1',
      function: BFCL_AGENT_FUNCTION,
      patternId: 'pattern-2',
      exampleId: 'event-1',
      source: 'failure',
      input: { taskId: taskKey(task), question: 'as recorded' },
      candidateId: 'cand-1',
      fix: { type: 'prompt_adjustment', instructions: 'Answer with the call only.' },
      leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
      attempt: 1,
      baseFixes: [deployed],
    };
    const results: Record<string, unknown>[] = [];
    const verdicts: Record<string, unknown>[] = [];
    let leased = false;
    const arcServer = await startChatCompletionsServer((body, request): ScriptedReply => {
      if (request.url.startsWith('/v1/fixes')) return { raw: JSON.stringify({ fixes: [deployed] }) };
      if (request.url === '/v1/rollouts/lease') {
        const jobs = leased ? [] : [job];
        leased = true;
        return { raw: JSON.stringify({ jobs }) };
      }
      if (request.url.startsWith('/v1/rollouts/')) results.push(body);
      if (request.url === '/v1/feedback') verdicts.push(...(body.feedback as Record<string, unknown>[]));
      return { status: 202, raw: '{}' };
    });
    servers.push(arcServer);
    // Single quotes and a trailing comma: not JSON until repaired.
    const model = await startChatCompletionsServer(() => ({
      content: "{'name': 'calculate_triangle_area', 'arguments': {'base': 10, 'height': 5},}",
    }));
    servers.push(model);
    const arc = createArc({ endpoint: arcServer.url, apiKey: 'arc_test', successSampleRate: 1 });
    try {
      const agent = createBfclAgent({
        llm: new OpenAiCompatibleLlm({ baseUrl: model.url, model: 'smol' }),
        arc,
        findTask: (key) => (key === taskKey(task) ? task : undefined),
        verify: bfclVerdict,
      });
      await arc.refreshFixes();
      const answer = await agent.answer(task);
      expect(answer.error).toBeUndefined();
      expect(answer.calls).toEqual(solvedCalls);
      // The verdict on the repaired text, reported after the call returned (a sync verify settles
      // in microtasks, all run before setImmediate's callback).
      await new Promise((resolve) => setImmediate(resolve));
      await arc.flush();
      expect(verdicts).toEqual([
        expect.objectContaining({ function: BFCL_AGENT_FUNCTION, score: 1, input: expect.anything() }),
      ]);

      // No verifier given: the worker scores the replay with the agent's verify.
      const worker = arc.worker(agent.rolloutFunctions, { pollIntervalMs: 20 });
      const deadline = Date.now() + 10_000;
      while (results.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await worker.stop();
      // Rebuilt from the task key, with the job's candidate and the base fix (the repair) applied.
      expect(results).toEqual([expect.objectContaining({ reward: 1 })]);
      const system = (model.requests.at(-1)!.body.messages as { content: string }[])[0]!.content;
      expect(system).toMatch(/\n\nAnswer with the call only\.$/);
    } finally {
      await arc.shutdown();
    }
  });

  it("gets a strict response format against its declared call format from core's generators, for malformed and mis-shaped calls", async () => {
    for (const category of ['parsing_error', 'validation'] as const) {
      const generated = generateCandidates({
        pattern: {
          id: `p-${category}`,
          category,
          function: BFCL_AGENT_FUNCTION,
          normalizedMessage: 'output is not a function call: <str>',
          errorType: 'AgentOutputShapeError',
        },
        failures: [{ input: { taskId: task.id }, error: 'output is not a function call: no "name"' }],
        // SmolLM2 may never get a call right: nothing to infer a format from.
        successes: [],
        outputSchema: CALLS_SCHEMA,
      });
      if (generated.kind !== 'candidates') throw new Error('expected candidates');
      const format = generated.candidates.find((c) => c.fix.type === 'response_format');
      expect(format?.fix, category).toEqual({
        type: 'response_format',
        name: BFCL_AGENT_FUNCTION,
        schema: CALLS_SCHEMA,
        strict: true,
      });

      // As a rollout applies it: decoding constrained to the call format of the task's tool.
      const { agent, sent } = await agentAnswering(solved);
      expect((await agent.answer(task, { fixes: [format!.fix] })).calls).toBeDefined();
      expect(sent().response_format).toMatchObject({
        type: 'json_schema',
        json_schema: {
          name: BFCL_AGENT_FUNCTION,
          strict: true,
          schema: {
            oneOf: [
              { properties: { name: { const: task.tools[0]!.name } } },
              { items: { properties: { name: { const: task.tools[0]!.name } } } },
            ],
          },
        },
      });
    }
  });
});
