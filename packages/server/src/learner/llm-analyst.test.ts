import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CandidateGeneratorInput } from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYST_ENV, createLlmAnalyst, llmAnalystFromEnv } from './llm-analyst.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: { model: string; temperature: number; messages: { role: string; content: string }[] };
}

/** A local endpoint speaking OpenAI's chat-completions format: answers with `reply()`'s content. */
let server: Server;
let baseUrl: string;
const received: Received[] = [];
let reply: () => { status: number; body: unknown } = () => ({ status: 500, body: {} });

function completion(content: string) {
  return {
    id: 'chatcmpl-123',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'analyst-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 },
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: JSON.parse(text) });
      const { status, body } = reply();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const input: CandidateGeneratorInput = {
  pattern: {
    id: 'p-1',
    category: 'api_schema',
    function: 'bookFlight',
    normalizedMessage: 'missing required field <str>',
    errorType: 'ValidationError',
  },
  failures: [
    {
      input: { from: 'SFO', to: 'JFK', note: 'card 4111 1111 1111 1111' },
      output: { from: 'SFO' },
      error: "missing required field 'to'",
    },
    { input: { from: 'LHR', to: 'CDG' }, error: "missing required field 'to'" },
  ],
  successes: [],
  outputSchema: { type: 'object', required: ['from', 'to'] },
};

describe('LLM analyst', () => {
  it('sends a chat completion and turns the proposed instructions into prompt-adjustment candidates', async () => {
    reply = () => ({
      status: 200,
      body: completion(
        'Here you go:\n```json\n{"instructions": ["Always include the `to` field.", "Always include the `to` field.", "Copy both airports from the request."]}\n```',
      ),
    });
    const analyst = createLlmAnalyst({ baseUrl: `${baseUrl}/`, model: 'analyst-model', apiKey: 'sk-test' });
    const candidates = await analyst.propose(input);

    const request = received.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body.model).toBe('analyst-model');
    expect(request.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    const prompt = request.body.messages[1]!.content;
    expect(prompt).toContain('Function: bookFlight');
    expect(prompt).toContain('missing required field');
    expect(prompt).toContain('"required":["from","to"]');
    expect(prompt).not.toContain('4111 1111 1111 1111');

    expect(candidates.map((c) => [c.fix, c.origin])).toEqual([
      [{ type: 'prompt_adjustment', instructions: 'Always include the `to` field.' }, 'analyst'],
      [{ type: 'prompt_adjustment', instructions: 'Copy both airports from the request.' }, 'analyst'],
    ]);
    expect(candidates[0]!.id).toMatch(/^fix_/);
    expect(candidates[0]!.rationale).toMatch(/analyst-model .* 2 failing calls/);
  });

  it('shows wrong answers as answers a verifier judged wrong, with its messages, beside right ones', async () => {
    reply = () => ({ status: 200, body: completion('{"instructions": ["Give temperatures in celsius."]}') });
    const wrong: CandidateGeneratorInput = {
      pattern: {
        id: 'p-w',
        category: 'wrong_answer',
        function: 'weather.answer',
        normalizedMessage: "expected unit 'celsius', got <value>",
        errorType: 'WrongAnswer',
      },
      failures: [
        { input: [{ city: 'Oslo' }], output: '68 F', error: "expected unit 'celsius', got 'fahrenheit'" },
        { input: [{ city: 'Rome' }], output: '70 F' },
      ],
      successes: Array.from({ length: 5 }, (_, i) => ({ input: [{ city: `C${i}` }], output: `${i} C` })),
    };
    const candidates = await createLlmAnalyst({ baseUrl, model: 'judge-model' }).propose(wrong);
    const prompt = received.at(-1)!.body.messages[1]!.content;
    expect(prompt).toContain('Failure category: wrong_answer');
    expect(prompt).toContain('a verifier judged it wrong');
    expect(prompt).toContain('"verdict": "expected unit \'celsius\', got \'fahrenheit\'"');
    expect(prompt).toContain('"verdict": "(no message)"');
    expect(prompt).toContain('"output": "68 F"');
    expect(prompt).not.toContain('"error"');
    // A few right answers for contrast, not all of them.
    expect(prompt).toContain('Calls of the same function answered right');
    expect(prompt).toContain('"2 C"');
    expect(prompt).not.toContain('"3 C"');
    expect(candidates.map((c) => c.fix)).toEqual([
      { type: 'prompt_adjustment', instructions: 'Give temperatures in celsius.' },
    ]);
    expect(candidates[0]!.rationale).toBe('Proposed by judge-model after reading 2 wrong answers.');
  });

  it('sends no key when none is configured', async () => {
    reply = () => ({ status: 200, body: completion('{"instructions": []}') });
    expect(await createLlmAnalyst({ baseUrl, model: 'm' }).propose(input)).toEqual([]);
    expect(received.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('rejects on error statuses and on answers it cannot read', async () => {
    const analyst = createLlmAnalyst({ baseUrl, model: 'm' });
    reply = () => ({ status: 429, body: { error: { message: 'Rate limit reached' } } });
    await expect(analyst.propose(input)).rejects.toThrow(/HTTP 429: .*Rate limit reached/);
    reply = () => ({ status: 200, body: completion('I cannot help with that.') });
    await expect(analyst.propose(input)).rejects.toThrow(/without a JSON object/);
    reply = () => ({ status: 200, body: completion('{"advice": "be better"}') });
    await expect(analyst.propose(input)).rejects.toThrow(/no "instructions" array/);
    reply = () => ({ status: 200, body: { choices: [] } });
    await expect(analyst.propose(input)).rejects.toThrow(/no choices/);
  });

  it('is configured by the environment, and absent without it', () => {
    expect(llmAnalystFromEnv({})).toBeUndefined();
    expect(llmAnalystFromEnv({ [ANALYST_ENV.baseUrl]: baseUrl })).toBeUndefined();
    expect(llmAnalystFromEnv({ [ANALYST_ENV.baseUrl]: baseUrl, [ANALYST_ENV.model]: 'm' })).toBeDefined();
  });
});
