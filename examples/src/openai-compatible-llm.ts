// Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp's server, Ollama, …)
// behind the same interface as the local model, with plain fetch.

import type { LlmBackend, LlmCompletion, LlmRequest } from './llm-backend.js';

export interface OpenAiCompatibleOptions {
  /** e.g. `https://api.openai.com/v1` or `http://localhost:8080`; `/v1` is added when missing. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per request (default 120 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The endpoint answered with an error status. */
export class LlmHttpError extends Error {
  override readonly name = 'LlmHttpError';
  readonly status: number;
  constructor(status: number, detail: string) {
    super(`chat completion failed with status ${status}: ${detail}`);
    this.status = status;
  }
}

interface ChatCompletionResponse {
  choices?: { message?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

function chatCompletionsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`baseUrl must be http(s), got ${baseUrl}`);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = `${/\/v\d+$/.test(path) ? path : `${path}/v1`}/chat/completions`;
  return url.href;
}

async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: the start of the body says more than nothing.
  }
  return text.slice(0, 200) || response.statusText;
}

export class OpenAiCompatibleLlm implements LlmBackend {
  readonly model: string;
  readonly #url: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: OpenAiCompatibleOptions) {
    this.#url = chatCompletionsUrl(options.baseUrl);
    this.model = options.model;
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  async complete(request: LlmRequest): Promise<LlmCompletion> {
    const messages = [
      ...(request.system === undefined ? [] : [{ role: 'system', content: request.system }]),
      ...request.messages,
    ];
    const body: Record<string, unknown> = { model: this.model, messages };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.stop !== undefined) body.stop = request.stop;
    if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
    if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
    if (request.jsonSchema !== undefined) {
      const { name, schema, strict = false } = request.jsonSchema;
      body.response_format = { type: 'json_schema', json_schema: { name, schema, strict } };
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const started = performance.now();
    const response = await this.#fetch(this.#url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal,
    });
    if (!response.ok) throw new LlmHttpError(response.status, await errorDetail(response));
    const data = (await response.json()) as ChatCompletionResponse;
    const choice = data.choices?.[0];
    if (choice === undefined) throw new LlmHttpError(response.status, 'the response has no choices');
    const finish = choice.finish_reason;
    return {
      text: choice.message?.content ?? '',
      finishReason: finish === 'length' ? 'length' : finish === 'stop' ? 'stop' : 'other',
      durationMs: performance.now() - started,
      ...(data.usage?.prompt_tokens !== undefined && data.usage.completion_tokens !== undefined
        ? { usage: { inputTokens: data.usage.prompt_tokens, outputTokens: data.usage.completion_tokens } }
        : {}),
    };
  }

  async close(): Promise<void> {
    // Nothing is held between requests.
  }
}
