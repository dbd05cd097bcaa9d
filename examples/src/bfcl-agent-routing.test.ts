// The agent with a router in front of its call step, against a real HTTP chat-completions endpoint
// that answers the router (asked for JSON named `route`) and the call step each as scripted.

import { createArc } from '@arc-agent/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentOutputParseError } from './agent-output-validation.js';
import { BFCL_AGENT_FUNCTION, createBfclAgent, taskKey } from './bfcl-agent.js';
import { BFCL_ROUTE_FUNCTION, bfclRouteVerdict } from './bfcl-route.js';
import { bfclVerdict } from './bfcl-verdict.js';
import {
  type ChatCompletionsServer,
  type RecordedRequest,
  type ScriptedReply,
  startChatCompletionsServer,
} from './chat-completions-server.fixture.js';
import { weatherTask } from './city-tasks.fixture.js';
import { OpenAiCompatibleLlm } from './openai-compatible-llm.js';

const task = weatherTask;
const solved = '{"name": "get_weather", "arguments": {"city": "Oslo"}}';

const servers: ChatCompletionsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const isRoute = (request: RecordedRequest) =>
  (request.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name ===
  'route';
const systemOf = (request: RecordedRequest) => (request.body.messages as { content: string }[])[0]!.content;

/** A model that routes with `route` and calls with `call`. */
async function model(route: string, call = solved) {
  const server = await startChatCompletionsServer((_, request) => ({
    content: isRoute(request) ? route : call,
  }));
  servers.push(server);
  return server;
}

describe('createBfclAgent with routing', () => {
  it('asks the router first, constrained to the offered names or none, then offers the call step the chosen function only', async () => {
    const server = await model('{"function": "get_weather"}');
    const agent = createBfclAgent({
      llm: new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'smol' }),
      routing: {},
    });
    const answer = await agent.answer(task);
    const [route, call] = server.requests;
    expect(server.requests).toHaveLength(2);
    expect(route!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'route',
        strict: true,
        schema: {
          type: 'object',
          properties: { function: { enum: ['get_weather', 'get_time', 'none'] } },
          required: ['function'],
          additionalProperties: false,
        },
      },
    });
    expect(route!.body.max_tokens).toBe(32);
    expect(systemOf(call!)).toContain('"get_weather"');
    expect(systemOf(call!)).not.toContain('get_time');
    expect(answer).toMatchObject({
      route: { chosen: 'get_weather' },
      calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }],
      output: solved,
    });
  });

  it('answers no call without a second model call when the router chooses none', async () => {
    const server = await model('{"function": "none"}');
    const agent = createBfclAgent({
      llm: new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'smol' }),
      routing: {},
    });
    expect(await agent.answer(task)).toMatchObject({ route: { chosen: 'none' }, calls: [], output: '[]' });
    expect(server.requests).toHaveLength(1);
  });

  it("offers every function when the router's answer cannot be read, and gives each step its own explicit fixes", async () => {
    const server = await model('{"func');
    const agent = createBfclAgent({
      llm: new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'smol' }),
      routing: {},
    });
    const answer = await agent.answer(task, {
      routeFixes: [{ type: 'param_patch', params: { maxTokens: 4 } }],
      fixes: [{ type: 'prompt_adjustment', instructions: 'Call once.' }],
    });
    const [route, call] = server.requests;
    expect(answer.route).toEqual({ error: expect.any(AgentOutputParseError), output: '{"func' });
    expect(answer.calls).toEqual([{ name: 'get_weather', arguments: { city: 'Oslo' } }]);
    expect(route!.body.max_tokens).toBe(4);
    expect(systemOf(route!)).not.toContain('Call once.');
    expect(call!.body.max_tokens).toBe(96);
    expect(systemOf(call!)).toMatch(/get_time[\s\S]*\n\nCall once\.$/);
  });

  it('tracks both steps with Arc, reports each verdict, and replays a recorded call step with the functions it offered', async () => {
    const events: Record<string, unknown>[] = [];
    const verdicts: Record<string, unknown>[] = [];
    const results: Record<string, unknown>[] = [];
    let leased = false;
    const arcServer = await startChatCompletionsServer((body, request): ScriptedReply => {
      if (request.url.startsWith('/v1/fixes')) return { raw: JSON.stringify({ fixes: [] }) };
      if (request.url === '/v1/rollouts/lease') {
        const jobs = leased
          ? []
          : [
              {
                id: 'job-1',
                function: BFCL_AGENT_FUNCTION,
                patternId: 'pattern-1',
                exampleId: 'event-1',
                source: 'failure',
                input: { taskId: taskKey(task), question: 'as recorded', functions: ['get_weather'] },
                candidateId: 'cand-1',
                fix: { type: 'prompt_adjustment', instructions: 'Answer with the call only.' },
                leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
                attempt: 1,
                baseFixes: [],
              },
            ];
        leased = true;
        return { raw: JSON.stringify({ jobs }) };
      }
      if (request.url.startsWith('/v1/rollouts/')) results.push(body);
      if (request.url === '/v1/feedback') verdicts.push(...(body.feedback as Record<string, unknown>[]));
      if (request.url === '/v1/events') events.push(...(body.events as Record<string, unknown>[]));
      return { status: 202, raw: '{}' };
    });
    servers.push(arcServer);
    // The router picks the wrong function; the call step then calls it, right by its own checks.
    const llmServer = await model(
      '{"function": "get_time"}',
      '{"name": "get_time", "arguments": {"city": "Oslo"}}',
    );
    const arc = createArc({ endpoint: arcServer.url, apiKey: 'arc_test', successSampleRate: 1 });
    try {
      const agent = createBfclAgent({
        llm: new OpenAiCompatibleLlm({ baseUrl: llmServer.url, model: 'smol' }),
        arc,
        findTask: (key) => (key === taskKey(task) ? task : undefined),
        verify: bfclVerdict,
        routing: { verify: bfclRouteVerdict },
      });
      expect(Object.keys(agent.rolloutFunctions).sort()).toEqual([BFCL_AGENT_FUNCTION, BFCL_ROUTE_FUNCTION]);
      const answer = await agent.answer(task);
      expect(answer.route).toEqual({ chosen: 'get_time' });
      await new Promise((resolve) => setImmediate(resolve));
      await arc.flush();
      expect(events.map((e) => [e.function, e.kind])).toEqual([
        [BFCL_ROUTE_FUNCTION, 'success'],
        [BFCL_AGENT_FUNCTION, 'success'],
      ]);
      expect(verdicts).toEqual([
        expect.objectContaining({
          function: BFCL_ROUTE_FUNCTION,
          score: 0,
          label: 'route:wrong_function',
          message: 'function: expected the function that answers the question, got "get_time"',
        }),
        expect.objectContaining({
          function: BFCL_AGENT_FUNCTION,
          score: 0,
          label: 'simple_function_checker:wrong_func_name',
        }),
      ]);
      // The call step's input names what it offered: what a replay offers again.
      expect(verdicts[1]!.input).toEqual({
        taskId: taskKey(task),
        question: 'How warm is it in Oslo?',
        functions: ['get_time'],
      });

      const worker = arc.worker(agent.rolloutFunctions, { pollIntervalMs: 20 });
      const deadline = Date.now() + 10_000;
      while (results.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await worker.stop();
      // Replayed offering get_weather only, as recorded; the model's get_time call is then refused.
      const replay = llmServer.requests.at(-1)!;
      expect(systemOf(replay)).not.toContain('get_time"');
      expect(systemOf(replay)).toMatch(/\n\nAnswer with the call only\.$/);
      expect(results).toEqual([expect.objectContaining({ reward: 0 })]);
    } finally {
      await arc.shutdown();
    }
  });
});
