// What the agent needs from a model, whatever runs it: the local GGUF model through
// node-llama-cpp, or any OpenAI-compatible endpoint.

import type { JsonSchema } from './bfcl-schema.js';

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface LlmRequest {
  system?: string;
  messages: LlmMessage[];
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
  /** Penalties on tokens already generated (OpenAI's meaning, -2 to 2); they break repetition loops. */
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Structured output: the text must be JSON fitting this schema (constrained decoding where the runtime has it). */
  jsonSchema?: { name: string; schema: JsonSchema; strict?: boolean };
  signal?: AbortSignal;
}

export interface LlmCompletion {
  text: string;
  /** `length` when the text was cut at `maxTokens`. */
  finishReason: 'stop' | 'length' | 'other';
  durationMs: number;
  /** Tokens the model read (the prompt, as evaluated) and wrote, where the backend says. */
  usage?: { inputTokens: number; outputTokens: number };
}

export interface LlmBackend {
  /** The model's name as reports should show it. */
  readonly model: string;
  complete(request: LlmRequest): Promise<LlmCompletion>;
  /** Frees what the backend holds (native memory, sockets); it is unusable afterwards. */
  close(): Promise<void>;
}
