import type { DeployedFix, Fix } from '@arc-agent/core';
import { generateObject, generateText, streamText, wrapLanguageModel } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV3 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { arcMiddleware } from './ai-sdk-middleware.js';
import { type Arc, createArc } from './create-arc.js';
import {
  receivedEvents,
  receivedFeedback,
  startArcTestServer,
  type TestServer,
  until,
} from './http-test-server.fixture.js';

let server: TestServer | undefined;
let arc: Arc | undefined;
/** What the test server answers on `GET /v1/fixes`; a test may change it. */
let fixState: { fixes: DeployedFix[]; version?: number } = { fixes: [] };
afterEach(async () => {
  await arc?.shutdown({ timeoutMs: 500 });
  await server?.close();
  arc = undefined;
  server = undefined;
});

function deployed(id: string, fix: Fix, overrides: Partial<DeployedFix> = {}): DeployedFix {
  return {
    id,
    version: 1,
    patternId: 'pat_x',
    function: 'invoice.extract',
    fix,
    risk: 'medium',
    confidence: 0.9,
    canaryShare: 1,
    ...overrides,
  };
}

async function setup(fixes: DeployedFix[]): Promise<Arc> {
  fixState = { fixes };
  server = await startArcTestServer(fixState);
  arc = createArc({
    endpoint: server.url,
    apiKey: 'arc_test',
    successSampleRate: 1,
    flushIntervalMs: 60_000,
  });
  return arc;
}

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

function answer(text: string) {
  return {
    content: [{ type: 'text' as const, text }],
    finishReason: { unified: 'stop' as const, raw: 'stop' },
    usage,
    warnings: [],
  };
}

/** Wraps a mock model with Arc's middleware, after the fixes of the function are cached. */
async function wrapped(
  a: Arc,
  model: MockLanguageModelV3,
  options: Partial<Parameters<typeof arcMiddleware>[1]> = {},
) {
  const middleware = arcMiddleware(a, { function: 'invoice.extract', ...options });
  a.track('invoice.extract', () => undefined);
  await a.refreshFixes();
  return wrapLanguageModel({ model, middleware });
}

async function events() {
  await arc!.flush();
  return receivedEvents(server!);
}

const Invoice = z.object({ total: z.number(), currency: z.string() });

describe('arcMiddleware', () => {
  it('applies prompt, example and parameter fixes in transformParams, and reports the success', async () => {
    const a = await setup([
      deployed('fx_1', {
        type: 'composite',
        fixes: [
          { type: 'prompt_adjustment', instructions: 'Totals are numbers.' },
          { type: 'few_shot', examples: [{ input: 'Total: 5 EUR', output: '{"total":5,"currency":"EUR"}' }] },
          { type: 'param_patch', params: { temperature: 0, maxTokens: 200 } },
        ],
      }),
    ]);
    const model = new MockLanguageModelV3({ doGenerate: answer('done') });
    const result = await generateText({
      model: await wrapped(a, model),
      system: 'You read invoices.',
      prompt: 'Total: 9 USD',
      temperature: 1,
    });
    expect(result.text).toBe('done');
    const call = model.doGenerateCalls[0]!;
    expect(call.prompt).toEqual([
      { role: 'system', content: 'You read invoices.\n\nTotals are numbers.' },
      { role: 'user', content: [{ type: 'text', text: 'Total: 5 EUR' }] },
      { role: 'assistant', content: [{ type: 'text', text: '{"total":5,"currency":"EUR"}' }] },
      { role: 'user', content: [{ type: 'text', text: 'Total: 9 USD' }] },
    ]);
    expect(call.temperature).toBe(0);
    expect(call.maxOutputTokens).toBe(200);
    const [event] = await events();
    expect(event).toMatchObject({
      kind: 'success',
      function: 'invoice.extract',
      fixIds: ['fx_1'],
      attempt: 1,
    });
    expect((event!.input as { prompt: unknown[] }).prompt).toHaveLength(2);
  });

  it('applies a response-format fix', async () => {
    const schema = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] };
    const a = await setup([
      deployed('fx_rf', { type: 'response_format', name: 'invoice', schema, strict: true }),
    ]);
    const model = new MockLanguageModelV3({ doGenerate: answer('{"total":1}') });
    await generateText({ model: await wrapped(a, model), prompt: 'x' });
    expect(model.doGenerateCalls[0]!.responseFormat).toEqual({ type: 'json', name: 'invoice', schema });
  });

  it('reports a failed model call and lets the same error reach the caller', async () => {
    const a = await setup([]);
    const failure = Object.assign(new Error('Rate limit reached for requests'), { statusCode: 429 });
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        throw failure;
      },
    });
    await expect(generateText({ model: await wrapped(a, model), prompt: 'x', maxRetries: 0 })).rejects.toBe(
      failure,
    );
    const [event] = await events();
    expect(event).toMatchObject({
      kind: 'failure',
      error: { type: 'Error', message: 'Rate limit reached for requests', status: 429 },
    });
  });

  it('reports JSON that does not parse in generateObject, which still fails as it would without Arc', async () => {
    const a = await setup([]);
    const model = new MockLanguageModelV3({ doGenerate: answer('{"total": 12, "currency": "EUR",') });
    const bare = generateObject({ model, schema: Invoice, prompt: 'x' });
    await expect(bare).rejects.toThrow();
    const tracked = generateObject({ model: await wrapped(a, model), schema: Invoice, prompt: 'x' });
    await expect(tracked).rejects.toThrow(((await bare.catch((e: unknown) => e)) as Error).message);
    const [event] = await events();
    expect(event).toMatchObject({
      kind: 'failure',
      error: { type: 'SyntaxError' },
      output: '{"total": 12, "currency": "EUR",',
    });
  });

  it('repairs that JSON with an output-repair fix so generateObject succeeds', async () => {
    const a = await setup([
      deployed('fx_repair', { type: 'output_repair', json: true, coerce: false }, { risk: 'low' }),
    ]);
    const model = new MockLanguageModelV3({
      doGenerate: answer('```json\n{"total": 12, "currency": "EUR",\n```'),
    });
    const { object } = await generateObject({ model: await wrapped(a, model), schema: Invoice, prompt: 'x' });
    expect(object).toEqual({ total: 12, currency: 'EUR' });
    const [event] = await events();
    expect(event).toMatchObject({ kind: 'success', fixIds: ['fx_repair'] });
  });

  it('runs validators on the parsed object and names the failing paths', async () => {
    const a = await setup([]);
    const model = new MockLanguageModelV3({ doGenerate: answer('{"total": "12", "currency": "EUR"}') });
    const middlewareModel = await wrapped(a, model, { validators: Invoice });
    await generateText({ model: middlewareModel, prompt: 'x' });
    await generateObject({ model: middlewareModel, output: 'no-schema', prompt: 'x' });
    const evs = await events();
    expect(evs.map((e) => e.kind)).toEqual(['failure', 'failure']);
    // Plain text is checked as text; JSON output as the parsed value.
    expect((evs[0]!.error as { message: string }).message).toMatch(/^output failed validation: \(root\)/);
    expect((evs[1]!.error as { message: string }).message).toMatch(/^output failed validation: total: /);
  });

  it('retries once with a confident fix promoted after the call was planned, and generateObject gets the good answer', async () => {
    const fix = deployed(
      'fx_rescue',
      { type: 'prompt_adjustment', instructions: 'Reply with JSON only.' },
      { canaryShare: 0 },
    );
    const a = await setup([fix]);
    const model = new MockLanguageModelV3({
      doGenerate: async (params) => {
        if (params.prompt[0]?.role === 'system') return answer('{"total":3,"currency":"USD"}');
        // The canary is promoted while the call runs; until then this call was in its control arm.
        fixState.fixes = [{ ...fix, canaryShare: 1 }];
        fixState.version = 2;
        await a.refreshFixes();
        return answer('Sure! The total is 3 USD.');
      },
    });
    const { object } = await generateObject({ model: await wrapped(a, model), schema: Invoice, prompt: 'x' });
    expect(object).toEqual({ total: 3, currency: 'USD' });
    expect(model.doGenerateCalls).toHaveLength(2);
    const evs = await events();
    expect(evs.map((e) => [e.kind, e.attempt])).toEqual([
      ['failure', 1],
      ['success', 2],
    ]);
  });

  it("never retries a control call with the canary's fix", async () => {
    const a = await setup([
      deployed(
        'fx_canary',
        { type: 'prompt_adjustment', instructions: 'Reply with JSON only.' },
        { canaryShare: 0, confidence: 0.99 },
      ),
    ]);
    const model = new MockLanguageModelV3({ doGenerate: answer('Sure! The total is 3 USD.') });
    await expect(
      generateObject({ model: await wrapped(a, model), schema: Invoice, prompt: 'x' }),
    ).rejects.toThrow();
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(
      (await events()).map((e) => [e.kind, e.attempt, (e.tags as Record<string, string>).canaryAttempt]),
    ).toEqual([['failure', 1, 'final']]);
  });

  it('applies fixes to streamed calls too', async () => {
    const a = await setup([deployed('fx_1', { type: 'prompt_adjustment', instructions: 'Be brief.' })]);
    const model = new MockLanguageModelV3({
      doStream: {
        stream: convertArrayToReadableStream([
          { type: 'text-start', id: '1' },
          { type: 'text-delta', id: '1', delta: 'hi' },
          { type: 'text-end', id: '1' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
        ]),
      },
    });
    const result = streamText({ model: await wrapped(a, model), prompt: 'x' });
    expect(await result.text).toBe('hi');
    expect(model.doStreamCalls[0]!.prompt[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it('hands a garbled model answer back as it is, with no error of its own', async () => {
    const a = await setup([]);
    const middleware = arcMiddleware(a, { function: 'invoice.extract', validators: [() => true] });
    const garbled = { content: 'not a list of parts' } as never;
    const model = new MockLanguageModelV3({ doGenerate: async () => garbled });
    const params = { prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'x' }] }] };
    const result = await middleware.wrapGenerate!({
      doGenerate: () => model.doGenerate(params),
      doStream: async () => {
        throw new Error('not streamed');
      },
      params,
      model,
    });
    expect(result).toBe(garbled);
    expect(a.stats().internalErrors).toBe(0);
    expect((await events()).map((e) => e.kind)).toEqual(['success']);
  });

  it('verifies the parsed object and reports a wrong answer; callId and onCall name calls for arc.feedback', async () => {
    const a = await setup([]);
    const model = new MockLanguageModelV3({ doGenerate: answer('{"total": 12, "currency": "USD"}') });
    const named: string[] = [];
    const tracked = await wrapped(a, model, {
      verify: (value) =>
        (value as { currency: string }).currency === 'EUR' || {
          score: 0,
          message: `expected currency 'EUR', got '${(value as { currency: string }).currency}'`,
        },
      onCall: ({ callId, params, output }) => {
        expect(params.prompt).toHaveLength(1);
        expect(output).toMatchObject({ content: [{ type: 'text' }] });
        named.push(callId);
      },
    });
    const { object } = await generateObject({ model: tracked, schema: Invoice, prompt: 'invoice 7' });
    expect(object).toEqual({ total: 12, currency: 'USD' });
    await until(() => a.stats().functions['invoice.extract']?.wrongAnswers === 1);
    await a.flush();
    expect(receivedFeedback(server!)).toEqual([
      expect.objectContaining({
        callId: named[0],
        function: 'invoice.extract',
        score: 0,
        message: "expected currency 'EUR', got 'USD'",
        output: '{"total": 12, "currency": "USD"}',
      }),
    ]);
    // A call named by the host is judged after the fact.
    const byPrompt = await wrapped(a, model, {
      callId: (params) => `req-${JSON.stringify(params.prompt).length}`,
    });
    await generateText({ model: byPrompt, prompt: 'hello' });
    a.feedback(
      `req-${JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'hello' }] }]).length}`,
      0,
    );
    await a.flush();
    expect(receivedFeedback(server!)).toHaveLength(2);
  });

  it('is an empty middleware for a disabled Arc', () => {
    const disabled = createArc({ endpoint: 'http://x', apiKey: 'k', disabled: true });
    expect(arcMiddleware(disabled, { function: 'f' })).toEqual({ specificationVersion: 'v3' });
  });
});
