import type { DeployedFix, Fix } from '@arc-agent/core';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Arc, createArc } from './create-arc.js';
import {
  json,
  receivedEvents,
  receivedFeedback,
  startArcTestServer,
  startTestServer,
  type TestServer,
  until,
} from './http-test-server.fixture.js';
import { wrapOpenAI } from './openai-wrapper.js';

let arcServer: TestServer | undefined;
let llm: TestServer | undefined;
let arc: Arc | undefined;
afterEach(async () => {
  await arc?.shutdown({ timeoutMs: 500 });
  await arcServer?.close();
  await llm?.close();
  arc = undefined;
  arcServer = undefined;
  llm = undefined;
});

function deployed(id: string, fix: Fix, overrides: Partial<DeployedFix> = {}): DeployedFix {
  return {
    id,
    version: 1,
    patternId: 'pat_x',
    function: 'support.reply',
    fix,
    risk: 'medium',
    confidence: 0.9,
    canaryShare: 1,
    ...overrides,
  };
}

function completion(content: string) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'local-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
  };
}

/** A local server speaking the chat-completions protocol; `answer` decides each reply. */
async function startLlm(
  answer: (
    body: Record<string, unknown>,
  ) => { status: number; body: unknown; headers?: Record<string, string> } | 'stream',
) {
  llm = await startTestServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return json(res, 404, { error: { message: 'no route' } });
    const body = JSON.parse(req.body) as Record<string, unknown>;
    const reply = answer(body);
    if (reply === 'stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (content: string, finish: string | null) => ({
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'local-model',
        choices: [{ index: 0, delta: { content }, finish_reason: finish }],
      });
      res.write(`data: ${JSON.stringify(chunk('hel', null))}\n\n`);
      res.write(`data: ${JSON.stringify(chunk('lo', 'stop'))}\n\n`);
      return res.end('data: [DONE]\n\n');
    }
    json(res, reply.status, reply.body, reply.headers);
  });
  return new OpenAI({ baseURL: `${llm.url}/v1`, apiKey: 'sk-local', maxRetries: 0 });
}

async function setup(fixes: DeployedFix[]): Promise<Arc> {
  arcServer = await startArcTestServer({ fixes });
  arc = createArc({
    endpoint: arcServer.url,
    apiKey: 'arc_test',
    successSampleRate: 1,
    flushIntervalMs: 60_000,
  });
  arc.track('support.reply', () => undefined);
  await arc.refreshFixes();
  return arc;
}

async function events() {
  await arc!.flush();
  return receivedEvents(arcServer!);
}

describe('wrapOpenAI', () => {
  it('applies fixes to the request the server receives and reports the success', async () => {
    const a = await setup([
      deployed('fx_1', {
        type: 'composite',
        fixes: [
          { type: 'prompt_adjustment', instructions: 'Cite the order id.' },
          { type: 'param_patch', params: { temperature: 0, maxTokens: 64, timeoutMs: 5000 } },
        ],
      }),
    ]);
    const client = wrapOpenAI(
      await startLlm(() => ({ status: 200, body: completion('Order 42 ships today.') })),
      a,
      {
        function: 'support.reply',
      },
    );
    const result = await client.chat.completions.create({
      model: 'local-model',
      messages: [
        { role: 'system', content: 'You are support.' },
        { role: 'user', content: 'Where is my order?' },
      ],
      temperature: 0.9,
    });
    expect(result.choices[0]!.message.content).toBe('Order 42 ships today.');
    const sent = JSON.parse(llm!.requests[0]!.body) as Record<string, unknown>;
    expect(sent).toMatchObject({
      model: 'local-model',
      messages: [
        { role: 'system', content: 'You are support.\n\nCite the order id.' },
        { role: 'user', content: 'Where is my order?' },
      ],
      temperature: 0,
      max_completion_tokens: 64,
    });
    const [event] = await events();
    expect(event).toMatchObject({ kind: 'success', function: 'support.reply', fixIds: ['fx_1'] });
    expect((event!.input as { messages: unknown[] }).messages).toHaveLength(2);
  });

  it('reports an API error and throws the error the client raised, as without Arc', async () => {
    const a = await setup([]);
    const raw = await startLlm(() => ({
      status: 429,
      body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
    }));
    const client = wrapOpenAI(raw, a, { function: 'support.reply' });
    const request = { model: 'local-model', messages: [{ role: 'user' as const, content: 'hi' }] };
    const bare = await raw.chat.completions.create(request).catch((e: unknown) => e);
    const tracked = await client.chat.completions.create(request).catch((e: unknown) => e);
    expect(tracked).toBeInstanceOf(OpenAI.RateLimitError);
    expect((tracked as Error).message).toBe((bare as Error).message);
    const [event] = await events();
    expect(event).toMatchObject({
      kind: 'failure',
      error: { type: 'RateLimitError', status: 429, code: 'rate_limit_exceeded' },
    });
  });

  it('repairs JSON content when a JSON response format was asked for, and validates the parsed value', async () => {
    const a = await setup([
      deployed('fx_repair', { type: 'output_repair', json: true, coerce: false }, { risk: 'low' }),
    ]);
    const client = wrapOpenAI(
      await startLlm(() => ({ status: 200, body: completion("{'total': '12',}") })),
      a,
      {
        function: 'support.reply',
        validators: z.object({ total: z.number() }),
      },
    );
    const result = await client.chat.completions.create({
      model: 'local-model',
      messages: [{ role: 'user', content: 'total?' }],
      response_format: { type: 'json_object' },
    });
    expect(result.choices[0]!.message.content).toBe('{"total": "12"}');
    const [event] = await events();
    expect(event).toMatchObject({
      kind: 'failure',
      fixIds: ['fx_repair'],
      error: { type: 'ValidationError' },
    });
    expect((event!.error as { message: string }).message).toMatch(/^output failed validation: total: /);
  });

  it('sends a response-format fix as json_schema', async () => {
    const schema = { type: 'object', properties: { total: { type: 'number' } } };
    const a = await setup([
      deployed('fx_rf', { type: 'response_format', name: 'invoice', schema, strict: true }),
    ]);
    const client = wrapOpenAI(await startLlm(() => ({ status: 200, body: completion('{"total":1}') })), a, {
      function: 'support.reply',
    });
    await client.chat.completions.create({
      model: 'local-model',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(JSON.parse(llm!.requests[0]!.body).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'invoice', schema, strict: true },
    });
  });

  it('applies fixes to streamed calls and hands the stream through', async () => {
    const a = await setup([deployed('fx_1', { type: 'prompt_adjustment', instructions: 'Be brief.' })]);
    const client = wrapOpenAI(await startLlm(() => 'stream'), a, { function: 'support.reply' });
    const stream = await client.chat.completions.create({
      model: 'local-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('hello');
    expect(JSON.parse(llm!.requests[0]!.body).messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it('hands back a garbled answer and a hostile request’s own error as the client does, with no error of its own', async () => {
    const a = await setup([]);
    const raw = await startLlm(() => ({ status: 200, body: { not: 'a completion' } }));
    const client = wrapOpenAI(raw, a, { function: 'support.reply', validators: [() => true] });
    const request = { model: 'local-model', messages: [{ role: 'user' as const, content: 'hi' }] };
    expect(await client.chat.completions.create(request)).toEqual(await raw.chat.completions.create(request));

    // A request whose every read throws: the client's own error, as without Arc.
    const trap = new Error('trap');
    const hostile = new Proxy(
      {},
      new Proxy(
        {},
        {
          get: () => () => {
            throw trap;
          },
        },
      ) as ProxyHandler<object>,
    ) as typeof request;
    const outcome = (call: () => unknown) => {
      try {
        return { returned: call() };
      } catch (error) {
        return { threw: error };
      }
    };
    expect(outcome(() => client.chat.completions.create(hostile))).toEqual({ threw: trap });
    expect(outcome(() => raw.chat.completions.create(hostile))).toEqual({ threw: trap });
    expect(a.stats().internalErrors).toBe(0);
    expect((await events()).map((e) => e.kind)).toEqual(['success', 'failure']);
  });

  it('verifies the parsed content, and names calls by the request for arc.feedback', async () => {
    const a = await setup([]);
    const client = wrapOpenAI(
      await startLlm(() => ({ status: 200, body: completion('{"eta": "tomorrow"}') })),
      a,
      {
        function: 'support.reply',
        callId: (body) => String(body.metadata?.ticket),
        verify: (value, body) => (value as { eta: string }).eta === 'today' || body.messages.length > 5,
      },
    );
    const request = {
      model: 'local-model',
      messages: [{ role: 'user' as const, content: 'When does it ship?' }],
      response_format: { type: 'json_object' as const },
      metadata: { ticket: 'T-9' },
    };
    const result = await client.chat.completions.create(request);
    expect(result.choices[0]!.message.content).toBe('{"eta": "tomorrow"}');
    await until(() => a.stats().functions['support.reply']?.wrongAnswers === 1);
    await a.flush();
    expect(receivedFeedback(arcServer!)).toEqual([
      expect.objectContaining({
        callId: 'T-9',
        score: 0,
        input: expect.objectContaining({ metadata: { ticket: 'T-9' } }),
      }),
    ]);
    // Judged in-line, the call is not judged again after the fact.
    a.feedback('T-9', 0);
    expect(a.stats().feedback.unmatched).toBe(1);
  });

  it('leaves the rest of the client alone, and a disabled Arc wraps nothing', async () => {
    const a = await setup([]);
    const raw = await startLlm(() => ({ status: 200, body: completion('x') }));
    const client = wrapOpenAI(raw, a, { function: 'support.reply' });
    expect(client.baseURL).toBe(raw.baseURL);
    expect(client.models).toBe(raw.models);
    const disabled = createArc({ endpoint: 'http://x', apiKey: 'k', disabled: true });
    expect(wrapOpenAI(raw, disabled, { function: 'f' })).toBe(raw);
  });
});
