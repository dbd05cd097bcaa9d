import { describe, expect, it } from 'vitest';
import { MAX_TAGS } from '../schemas/event-schemas.js';
import type { OtlpSpan } from './otlp-spans.js';
import { spanToEvent } from './span-event.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

function otlpSpan(overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    path: '/resourceSpans/0/scopeSpans/0/spans/0',
    traceId: TRACE,
    spanId: SPAN,
    parentSpanId: null,
    name: 'span',
    kind: 1,
    startNanos: 1_764_000_000_000_000_000n,
    endNanos: 1_764_000_000_125_500_000n,
    attributes: {},
    events: [],
    status: { code: 0, message: '' },
    resource: { 'service.name': 'support-bot' },
    scope: { name: 'scope', version: '1' },
    ...overrides,
  };
}

const exception = (type: string, message: string, stacktrace?: string) => ({
  name: 'exception',
  timeNanos: null,
  attributes: {
    'exception.type': type,
    'exception.message': message,
    ...(stacktrace ? { 'exception.stacktrace': stacktrace } : {}),
  },
});

describe('spanToEvent', () => {
  it('keeps the ids, the times and the service, and labels the span in tags', () => {
    const event = spanToEvent(
      otlpSpan({
        name: 'chat gpt-4o',
        kind: 3,
        parentSpanId: 'aaaaaaaaaaaaaaaa',
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
        resource: { 'service.name': 'support-bot', 'service.version': '2.1.0' },
      }),
    );
    expect(event).toEqual({
      id: `${TRACE}-${SPAN}`,
      kind: 'success',
      function: 'chat support-bot',
      agentId: 'support-bot',
      timestamp: 1_764_000_000_125,
      durationMs: 125.5,
      input: { params: { model: 'gpt-4o' } },
      tags: {
        'otel.span_id': SPAN,
        'otel.span_name': 'chat gpt-4o',
        'otel.span_kind': 'client',
        'otel.parent_span_id': 'aaaaaaaaaaaaaaaa',
        'otel.scope.name': 'scope',
        'service.name': 'support-bot',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'service.version': '2.1.0',
      },
      traceId: TRACE,
    });
  });

  it('is null for spans that are no GenAI call', () => {
    expect(
      spanToEvent(
        otlpSpan({ attributes: { 'http.request.method': 'GET' }, status: { code: 2, message: 'x' } }),
      ),
    ).toBeNull();
  });

  describe('failure: status ERROR, an exception event, or error.type', () => {
    const tool = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' };
    it.each<[string, Partial<OtlpSpan>, object]>([
      [
        'status ERROR with its message only',
        { status: { code: 2, message: 'upstream said no' } },
        { message: 'upstream said no' },
      ],
      [
        'an exception event, status unset (the last one wins)',
        { events: [exception('KeyError', 'first'), exception('ValueError', 'bad id 42', 'Traceback ...')] },
        { type: 'ValueError', message: 'bad id 42', stack: 'Traceback ...' },
      ],
      ['error.type alone', { attributes: { ...tool, 'error.type': 'timeout' } }, { type: 'timeout' }],
      [
        'error.type and the status message, with the HTTP status',
        {
          attributes: { ...tool, 'error.type': 'RateLimitError', 'http.response.status_code': 429 },
          status: { code: 2, message: 'Rate limit reached' },
        },
        { type: 'RateLimitError', message: 'Rate limit reached', status: 429 },
      ],
    ])('%s', (_name, overrides, error) => {
      const event = spanToEvent(otlpSpan({ attributes: tool, ...overrides }));
      expect(event).toMatchObject({ kind: 'failure', function: 'lookup' });
      expect(event!.error).toEqual(error);
    });

    it('status OK without exception or error.type is a success', () => {
      expect(spanToEvent(otlpSpan({ attributes: tool, status: { code: 1, message: '' } }))!.kind).toBe(
        'success',
      );
    });
  });

  describe('the function', () => {
    it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
      [
        'execute_tool: the tool',
        { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'Flights' },
        {},
        'Flights',
      ],
      [
        'invoke_agent: the agent, with the operation',
        { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'Math Tutor' },
        {},
        'invoke_agent Math Tutor',
      ],
      [
        'a model call without an agent name: the service',
        { 'gen_ai.operation.name': 'chat' },
        {},
        'chat support-bot',
      ],
      [
        'AI SDK: the functionId',
        { 'ai.operationId': 'ai.generateText', 'ai.telemetry.functionId': 'planner' },
        {},
        'ai.generateText planner',
      ],
      [
        'AI SDK tool call: the tool',
        { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'search' },
        {},
        'search',
      ],
      [
        'OpenInference TOOL span',
        { 'openinference.span.kind': 'TOOL', 'tool.name': 'calculator' },
        {},
        'calculator',
      ],
      [
        'OpenInference LLM span',
        { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' },
        {},
        'chat support-bot',
      ],
      [
        'older conventions: the span name as operation',
        { 'gen_ai.system': 'openai' },
        {},
        'openai.chat support-bot',
      ],
      [
        'no service: the operation alone',
        { 'gen_ai.operation.name': 'embeddings' },
        { resource: {} },
        'embeddings',
      ],
    ])('%s', (_name, attributes, overrides, fn) => {
      expect(spanToEvent(otlpSpan({ name: 'openai.chat', attributes, ...overrides }))!.function).toBe(fn);
    });

    it('is cut to the function name limit', () => {
      const event = spanToEvent(
        otlpSpan({
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't'.repeat(300) },
        }),
      );
      expect(event!.function).toHaveLength(256);
      expect(event!.function.endsWith('…')).toBe(true);
    });
  });

  describe('input and output, by convention', () => {
    const messages = [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }];
    const answer = [
      { role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'stop' },
    ];
    const system = [{ type: 'text', content: 'Be brief.' }];
    it.each<[string, Partial<OtlpSpan>, unknown, unknown]>([
      [
        'current conventions, structured',
        {
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.input.messages': messages,
            'gen_ai.output.messages': answer,
            'gen_ai.system_instructions': system,
            'gen_ai.request.temperature': 0.5,
          },
        },
        { system, messages, params: { temperature: 0.5 } },
        { messages: answer },
      ],
      [
        'current conventions, as JSON text',
        {
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.input.messages': JSON.stringify(messages),
            'gen_ai.output.messages': JSON.stringify(answer),
          },
        },
        { messages },
        { messages: answer },
      ],
      [
        'on the gen_ai.client.inference.operation.details event',
        {
          attributes: { 'gen_ai.operation.name': 'chat' },
          events: [
            {
              name: 'gen_ai.client.inference.operation.details',
              timeNanos: null,
              attributes: { 'gen_ai.input.messages': messages, 'gen_ai.output.messages': answer },
            },
          ],
        },
        { messages },
        { messages: answer },
      ],
      [
        'execute_tool arguments and result',
        {
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'weather',
            'gen_ai.tool.call.arguments': '{"location":"San Francisco"}',
            'gen_ai.tool.call.result': { temperature: 60 },
          },
        },
        { location: 'San Francisco' },
        { temperature: 60 },
      ],
      [
        'older names: gen_ai.prompt and gen_ai.completion as JSON text',
        {
          attributes: {
            'gen_ai.system': 'openai',
            'gen_ai.prompt': '[{"role":"user","content":"Hi"}]',
            'gen_ai.completion': '[{"role":"assistant","content":"Hello"}]',
          },
        },
        { messages: [{ role: 'user', content: 'Hi' }] },
        { messages: [{ role: 'assistant', content: 'Hello' }] },
      ],
      [
        'older names on the gen_ai.content.prompt and gen_ai.content.completion events',
        {
          attributes: { 'gen_ai.system': 'openai' },
          events: [
            {
              name: 'gen_ai.content.prompt',
              timeNanos: null,
              attributes: { 'gen_ai.prompt': '[{"role":"user","content":"Hi"}]' },
            },
            {
              name: 'gen_ai.content.completion',
              timeNanos: null,
              attributes: { 'gen_ai.completion': 'Hello' },
            },
          ],
        },
        { messages: [{ role: 'user', content: 'Hi' }] },
        { messages: 'Hello' },
      ],
      [
        'older names flattened per message (OpenLLMetry)',
        {
          attributes: {
            'gen_ai.system': 'openai',
            'gen_ai.prompt.1.role': 'user',
            'gen_ai.prompt.1.content': 'Hi',
            'gen_ai.prompt.0.role': 'system',
            'gen_ai.prompt.0.content': 'Be brief.',
            'gen_ai.completion.0.content': 'Hello',
          },
        },
        {
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Hi' },
          ],
        },
        { messages: [{ content: 'Hello' }] },
      ],
      [
        'AI SDK model call: ai.prompt.messages and the response',
        {
          attributes: {
            'ai.operationId': 'ai.generateText.doGenerate',
            'ai.prompt.messages': '[{"role":"user","content":[{"type":"text","text":"Hi"}]}]',
            'ai.response.text': 'Hello',
            'ai.response.toolCalls': '[{"toolName":"search","input":"{}"}]',
            'gen_ai.request.model': 'mock-model',
          },
        },
        {
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
          params: { model: 'mock-model' },
        },
        { text: 'Hello', toolCalls: [{ toolName: 'search', input: '{}' }] },
      ],
      [
        'AI SDK tool call: ai.toolCall.args and ai.toolCall.result',
        {
          attributes: {
            'ai.operationId': 'ai.toolCall',
            'ai.toolCall.name': 'search',
            'ai.toolCall.args': '{"q":"otel"}',
            'ai.toolCall.result': '{"hits":3}',
          },
        },
        { q: 'otel' },
        { hits: 3 },
      ],
      [
        'OpenInference LLM span: flattened messages, kept as its spec lists them',
        {
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.input_messages.0.message.role': 'user',
            'llm.input_messages.0.message.content': 'Hi',
            'llm.output_messages.0.message.role': 'assistant',
            'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
          },
        },
        { messages: [{ 'message.role': 'user', 'message.content': 'Hi' }] },
        {
          messages: [
            { 'message.role': 'assistant', 'message.tool_calls.0.tool_call.function.name': 'search' },
          ],
        },
      ],
      [
        'OpenInference TOOL span: input.value and output.value',
        {
          attributes: {
            'openinference.span.kind': 'TOOL',
            'tool.name': 'calculator',
            'input.value': '{"expression":"2+2"}',
            'output.value': '4',
          },
        },
        { expression: '2+2' },
        '4',
      ],
      [
        'OpenInference tool call arguments',
        {
          attributes: {
            'openinference.span.kind': 'TOOL',
            'tool_call.function.name': 'get_weather',
            'tool_call.function.arguments': '{"city":"Oslo"}',
          },
        },
        { city: 'Oslo' },
        undefined,
      ],
    ])('%s', (_name, overrides, input, output) => {
      const event = spanToEvent(otlpSpan(overrides));
      expect(event!.input).toEqual(input);
      expect(event!.output).toEqual(output);
      // Content attributes are input and output, not labels.
      for (const key of Object.keys(event!.tags!)) {
        expect(key).not.toMatch(/messages|prompt|completion|arguments|result|\.value$|response\.text/);
      }
    });

    it('keeps text that only looks like JSON as text', () => {
      const event = spanToEvent(
        otlpSpan({
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.call.arguments': '{not json' },
        }),
      );
      expect(event!.input).toBe('{not json');
    });
  });

  describe('tags', () => {
    it(`keep at most ${MAX_TAGS}, each value cut at 200 characters, and say how many were left out`, () => {
      const attributes: Record<string, unknown> = {
        'gen_ai.operation.name': 'chat',
        'app.long': 'x'.repeat(500),
      };
      for (let i = 0; i < 100; i++) attributes[`app.attr_${i}`] = i;
      const event = spanToEvent(otlpSpan({ attributes }))!;
      const tags = event.tags!;
      expect(Object.keys(tags)).toHaveLength(MAX_TAGS);
      expect(tags['app.long']).toHaveLength(200);
      expect(tags['service.name']).toBe('support-bot');
      // 4 otel.* tags and service.name, then 102 attributes for the 58 places before the count: 44 left out.
      expect(tags['otel.dropped_attributes']).toBe('44');
    });

    it('skip the keys already tagged and count the rest left out, the resource after the span', () => {
      const resource: Record<string, unknown> = {
        'service.name': 'support-bot',
        shared: 'from the resource',
        'otel.span_id': 'not the span id',
        ['k'.repeat(201)]: 'key too long',
        empty: '',
      };
      for (let i = 0; i < 100; i++) resource[`r${i}`] = i;
      const event = spanToEvent(
        otlpSpan({ attributes: { 'gen_ai.operation.name': 'chat', shared: 'from the span' }, resource }),
      )!;
      const tags = event.tags!;
      expect(Object.keys(tags)).toHaveLength(MAX_TAGS);
      expect(tags.shared).toBe('from the span');
      expect(tags['otel.span_id']).toBe(SPAN);
      // 5 of the span and service.name, 2 attributes, then r0 to r55; left out: the long key and r56 to r99.
      expect(tags.r55).toBe('55');
      expect(tags.r56).toBeUndefined();
      expect(tags['otel.dropped_attributes']).toBe('45');
    });

    it('read a resource its spans share once, not once per span (a large one cost every span)', () => {
      let walks = 0;
      const attributes: Record<string, unknown> = { 'service.name': 'support-bot' };
      for (let i = 0; i < 1000; i++) attributes[`r${i}`] = i;
      const resource = new Proxy(attributes, {
        ownKeys(target) {
          walks += 1;
          return Reflect.ownKeys(target);
        },
      });
      const tags = Array.from(
        { length: 20 },
        () => spanToEvent(otlpSpan({ attributes: { 'gen_ai.operation.name': 'chat' }, resource }))!.tags!,
      );
      expect(walks).toBe(1);
      // 6 tags of the span, its service and attribute, then 57 of the 1,000 other resource attributes.
      for (const t of tags) expect(t['otel.dropped_attributes']).toBe('943');
    });

    it('are redacted before they are cut: a secret across the cut kept its head in clear', () => {
      const secret = ['sk-proj-', 'Hn3K9_xq2LmV8wRt-4YbZc1NdPe7FgQj5Sa0UoIi6ThGk2Jr_MvXwBcDe9Fq'].join('');
      const head = secret.slice(0, 14);
      // Cut at the limit, 18 of its characters are left: too few for the key's pattern.
      const across = (limit: number) => `${'x'.repeat(limit - 20)} ${secret}`;
      const events = [
        otlpSpan({
          name: across(200),
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': across(256),
            'app.note': across(200),
            'app.short': `${'x'.repeat(150)} ${secret}`,
          },
          resource: { 'service.name': across(200), 'app.owner': across(200) },
          scope: { name: across(200), version: '1' },
        }),
        otlpSpan({
          attributes: { 'gen_ai.operation.name': 'chat' },
          resource: { 'service.name': across(256 - 'chat '.length) },
        }),
      ].map((span) => spanToEvent(span)!);
      for (const event of events) {
        const { function: fn, agentId, tags } = event;
        for (const text of [fn, agentId, ...Object.values(tags!)]) {
          expect(text).not.toContain(head);
          expect(text!.length).toBeLessThanOrEqual(256);
        }
      }
      expect(events[0]!.tags!['app.short']).toMatch(/^x+ \[REDACTED:openai_key\]$/);
    });

    it('read the scope its spans share once: a long scope name is redacted once, not per span', () => {
      let reads = 0;
      const scope = new Proxy(
        { name: 'n'.repeat(1000), version: '1' },
        {
          get(target, key: 'name' | 'version') {
            if (key === 'name') reads += 1;
            return target[key];
          },
        },
      );
      const tags = Array.from(
        { length: 20 },
        () => spanToEvent(otlpSpan({ attributes: { 'gen_ai.operation.name': 'chat' }, scope }))!.tags!,
      );
      expect(reads).toBe(1);
      for (const t of tags) expect(t['otel.scope.name']).toBe(`${'n'.repeat(199)}…`);
    });

    it('keep a key named __proto__ as a tag, not a prototype', () => {
      const event = spanToEvent(
        otlpSpan({ attributes: { 'gen_ai.operation.name': 'chat', ['__proto__']: 'x' } }),
      )!;
      expect(Object.getPrototypeOf(event.tags)).toBe(Object.prototype);
      expect(Object.hasOwn(event.tags!, '__proto__')).toBe(true);
    });
  });
});
