import { afterEach, describe, expect, it } from 'vitest';
import { type ChatCompletionsServer, startChatCompletionsServer } from './chat-completions-server.fixture.js';
import { LlmHttpError, OpenAiCompatibleLlm } from './openai-compatible-llm.js';

let server: ChatCompletionsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('OpenAiCompatibleLlm', () => {
  it('posts a chat completion with the system prompt, messages and parameters, and returns the text', async () => {
    server = await startChatCompletionsServer(() => ({ content: '{"name": "f", "arguments": {}}' }));
    const llm = new OpenAiCompatibleLlm({ baseUrl: `${server.url}/v1/`, model: 'smol', apiKey: 'sk-test' });
    const completion = await llm.complete({
      system: 'be brief',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'call f' },
      ],
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxTokens: 64,
      seed: 3,
      stop: ['\n\n'],
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
    });
    expect(completion.text).toBe('{"name": "f", "arguments": {}}');
    expect(completion.finishReason).toBe('stop');
    expect(completion.usage).toEqual({ inputTokens: 1, outputTokens: 1 });
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(request!.headers['content-type']).toBe('application/json');
    // top_k is not part of the format, so it is not sent.
    expect(request!.body).toEqual({
      model: 'smol',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'call f' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 64,
      seed: 3,
      stop: ['\n\n'],
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
    });
  });

  it('asks for structured output with a json_schema response format', async () => {
    server = await startChatCompletionsServer(() => ({ content: '{}', finishReason: 'length' }));
    const llm = new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'm' });
    const schema = { type: 'object', properties: { name: { const: 'f' } } };
    const completion = await llm.complete({
      messages: [{ role: 'user', content: 'x' }],
      jsonSchema: { name: 'call', schema, strict: true },
    });
    expect(completion.finishReason).toBe('length');
    const [request] = server.requests;
    expect(request!.url).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'call', schema, strict: true },
    });
  });

  it('keeps a versioned base path and sends a null content back as empty text', async () => {
    server = await startChatCompletionsServer(() => ({ content: null, finishReason: 'tool_calls' }));
    const llm = new OpenAiCompatibleLlm({ baseUrl: `${server.url}/openai/v2`, model: 'm' });
    expect(await llm.complete({ messages: [] })).toMatchObject({ text: '', finishReason: 'other' });
    expect(server.requests[0]!.url).toBe('/openai/v2/chat/completions');
  });

  it('turns an error status into LlmHttpError with the endpoint message', async () => {
    server = await startChatCompletionsServer(() => ({
      status: 400,
      raw: JSON.stringify({
        error: { message: "Invalid schema for response_format 'call'", type: 'invalid_request_error' },
      }),
    }));
    const llm = new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'm' });
    const error = await llm.complete({ messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmHttpError);
    expect((error as LlmHttpError).status).toBe(400);
    expect((error as Error).message).toBe(
      "chat completion failed with status 400: Invalid schema for response_format 'call'",
    );
  });

  it('reports a body that is not a completion', async () => {
    server = await startChatCompletionsServer(() => ({ status: 502, raw: '<html>bad gateway</html>' }));
    const llm = new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'm' });
    await expect(llm.complete({ messages: [] })).rejects.toThrow('status 502: <html>bad gateway</html>');
    await server.close();
    server = await startChatCompletionsServer(() => ({ raw: '{"choices": []}' }));
    const empty = new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'm' });
    await expect(empty.complete({ messages: [] })).rejects.toThrow('the response has no choices');
  });

  it('gives up after its timeout', async () => {
    server = await startChatCompletionsServer(() => ({ content: 'late', delayMs: 2_000 }));
    const llm = new OpenAiCompatibleLlm({ baseUrl: server.url, model: 'm', timeoutMs: 50 });
    await expect(llm.complete({ messages: [] })).rejects.toThrow(/aborted due to timeout/);
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new OpenAiCompatibleLlm({ baseUrl: 'file:///tmp', model: 'm' })).toThrow(
      'baseUrl must be http(s)',
    );
  });
});
