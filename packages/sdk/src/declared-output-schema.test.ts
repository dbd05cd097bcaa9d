import { MAX_DECLARED_SCHEMA_LENGTH } from '@arc-agent/core';
import { generateText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { arcMiddleware } from './ai-sdk-middleware.js';
import type { ArcEvent } from './arc-event.js';
import { OUTPUT_SCHEMA_RESEND_MS } from './call-runner.js';
import type { CaptureOptions } from './capture-context.js';
import { type Arc, createArc } from './create-arc.js';
import { declaredOutputSchema } from './declared-output-schema.js';
import { receivedEvents, startArcTestServer, type TestServer } from './http-test-server.fixture.js';
import { wrapOpenAI } from './openai-wrapper.js';

/** What tracking captures with: core's rules only. */
const CAPTURE: CaptureOptions = {
  agentId: undefined,
  bounds: {},
  redact: {},
  key: 'arc_test-key-0123456789abcdef',
};

const envelope = {
  type: 'object',
  properties: { name: { type: 'string' }, arguments: { type: 'object' } },
  required: ['name', 'arguments'],
  additionalProperties: false,
};

const Call = z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()) });

let server: TestServer | undefined;
let arc: Arc | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await arc?.shutdown({ timeoutMs: 500 });
  await server?.close();
  arc = undefined;
  server = undefined;
});

async function setup(): Promise<Arc> {
  server = await startArcTestServer({ fixes: [] });
  arc = createArc({
    endpoint: server.url,
    apiKey: 'arc_test',
    successSampleRate: 1,
    flushIntervalMs: 60_000,
    fixes: { enabled: false },
  });
  return arc;
}

async function sent(): Promise<ArcEvent[]> {
  await arc!.flush();
  return receivedEvents(server!) as unknown as ArcEvent[];
}

describe('declaredOutputSchema', () => {
  it('takes a JSON Schema object as a detached copy, and nothing when none is declared', () => {
    const declared = structuredClone(envelope);
    const schema = declaredOutputSchema(declared, 'arc.track', CAPTURE);
    expect(schema).toEqual(envelope);
    expect(schema).not.toBe(declared);
    expect(declaredOutputSchema(undefined, 'arc.track', CAPTURE)).toBeUndefined();
  });

  it('takes a zod 4 schema as the JSON Schema zod states for its output', () => {
    const schema = declaredOutputSchema(Call, 'arc.track', CAPTURE);
    expect(schema).toEqual(z.toJSONSchema(Call));
    expect(schema).toMatchObject({ type: 'object', required: ['name', 'arguments'] });
  });

  it.each([
    ['a string', '{"type":"object"}', 'arc.track: outputSchema must be a JSON Schema object'],
    ['an array', [envelope], 'arc.track: outputSchema must be a JSON Schema object'],
    ['null', null, 'arc.track: outputSchema must be a JSON Schema object'],
    [
      'a function inside',
      { type: 'object', properties: { a: { type: String } } },
      'arc.track: outputSchema must hold only JSON data, found a function at /properties/a/type',
    ],
    [
      'too long',
      { description: 'x'.repeat(MAX_DECLARED_SCHEMA_LENGTH) },
      `arc.track: outputSchema must be at most ${MAX_DECLARED_SCHEMA_LENGTH} characters as JSON`,
    ],
    [
      // A short email's placeholder is longer than the email: the schema is bounded as it is sent.
      'too long once redacted',
      { description: 'a@b.co '.repeat(3000) },
      `arc.track: outputSchema, redacted as it is sent, must be at most ${MAX_DECLARED_SCHEMA_LENGTH} characters as JSON`,
    ],
    [
      'a Standard Schema without JSON Schema',
      { '~standard': { version: 1, vendor: 'v', validate: () => ({ value: 1 }) } },
      'arc.track: outputSchema is a Standard Schema that cannot state its JSON Schema',
    ],
    [
      'a schema zod cannot state as JSON Schema',
      z.object({ at: z.date() }),
      'arc.track: outputSchema could not be converted to JSON Schema',
    ],
  ])('refuses %s with a TypeError', (_name, option, message) => {
    expect(() => declaredOutputSchema(option, 'arc.track', CAPTURE)).toThrow(TypeError);
    expect(() => declaredOutputSchema(option, 'arc.track', CAPTURE)).toThrow(message);
  });
});

describe('the outputSchema option', () => {
  it('is checked when a function is tracked, wrapped or given the middleware', async () => {
    const a = await setup();
    const bad = { outputSchema: 'json' as never };
    expect(() => a.track('f', () => 1, bad)).toThrow(
      new TypeError('arc.track: outputSchema must be a JSON Schema object'),
    );
    const client = { chat: { completions: { create: async () => ({}) } } };
    expect(() => wrapOpenAI(client, a, { function: 'g', ...bad })).toThrow(
      new TypeError('wrapOpenAI: outputSchema must be a JSON Schema object'),
    );
    expect(() => arcMiddleware(a, { function: 'h', ...bad })).toThrow(
      new TypeError('arcMiddleware: outputSchema must be a JSON Schema object'),
    );
  });

  it("reaches the server on a function's first failure event, then at most once a minute, never on successes", async () => {
    let now = 1_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const a = await setup();
    const answer = a.track(
      'bfcl_answer',
      (text: string) => {
        const call = JSON.parse(text) as unknown;
        return Call.parse(call);
      },
      { outputSchema: Call },
    );
    const plain = a.track('plain', (text: string) => JSON.parse(text) as unknown);
    const attempt = (fn: (text: string) => unknown, text: string) => {
      try {
        fn(text);
      } catch {
        // The failure is what is reported.
      }
    };
    attempt(answer, '{"name": "f", "arguments": {}}');
    attempt(answer, 'Sure! {"name": "f"');
    attempt(answer, '{"name": 1}');
    attempt(plain, 'not json');
    now += OUTPUT_SCHEMA_RESEND_MS - 1;
    attempt(answer, 'nope');
    now += 1;
    attempt(answer, 'nope again');

    const events = await sent();
    const summary = events.map((e) => [e.function, e.kind, e.outputSchema !== undefined]);
    expect(summary).toEqual([
      ['bfcl_answer', 'success', false],
      ['bfcl_answer', 'failure', true],
      ['bfcl_answer', 'failure', false],
      ['plain', 'failure', false],
      ['bfcl_answer', 'failure', false],
      ['bfcl_answer', 'failure', true],
    ]);
    expect(events[1]!.outputSchema).toEqual(z.toJSONSchema(Call));
  });

  it('travels with the failures of wrapped OpenAI clients and AI SDK models too', async () => {
    const a = await setup();
    const refused = Object.assign(new Error('upstream down'), { status: 503 });
    const client = {
      chat: {
        completions: {
          create: async (_body: unknown) => {
            throw refused;
          },
        },
      },
    };
    const wrapped = wrapOpenAI(client, a, { function: 'support.reply', outputSchema: envelope });
    await expect(wrapped.chat.completions.create({ model: 'm', messages: [] })).rejects.toBe(refused);

    const middleware = arcMiddleware(a, { function: 'invoice.extract', outputSchema: Call });
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        throw refused;
      },
    });
    await expect(
      generateText({ model: wrapLanguageModel({ model, middleware }), prompt: 'hi', maxRetries: 0 }),
    ).rejects.toThrow('upstream down');

    const events = await sent();
    expect(events.map((e) => [e.function, e.kind, e.outputSchema])).toEqual([
      ['support.reply', 'failure', envelope],
      ['invoice.extract', 'failure', z.toJSONSchema(Call)],
    ]);
  });
});
