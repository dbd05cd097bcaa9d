// The local model: a GGUF file run on the CPU by node-llama-cpp's prebuilt binary. One context
// holds one or more sequences; calls made concurrently are decoded in one batch.
//
// Every call starts from an empty sequence and evaluates its whole prompt. Reusing the tokens a
// sequence kept from its last call (node-llama-cpp's default) makes a seeded call's text depend on
// the calls before it: the same prompt twice in a row re-evaluates only its last token, alone, and
// llama.cpp's numbers for a batch of one differ from those of the same token in a longer batch, so
// the sampled text differs (measured). Decoding two sequences together mixes their batches the same
// way: a seeded call repeats exactly only when the context has one sequence.

import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import {
  type ChatHistoryItem,
  type GbnfJsonSchema,
  getLlama,
  type Llama,
  LlamaChat,
  type LlamaContext,
  type LlamaGrammar,
  LlamaLogLevel,
  type LlamaModel,
} from 'node-llama-cpp';
import { validateModelFile } from './gguf-model-file.js';
import { toGrammarSchema } from './json-schema-grammar.js';
import type { LlmBackend, LlmCompletion, LlmRequest } from './llm-backend.js';
import { oneLineJsonGrammar } from './one-line-json-grammar.js';

export interface LocalLlmOptions {
  modelPath: string;
  /** Tokens per sequence (default 2048: a BFCL prompt with a few examples fits). */
  contextSize?: number;
  /** Calls decoded together (default 1; more is faster, but a seeded call no longer repeats exactly). */
  sequences?: number;
  /**
   * CPU threads (default: all cores but one, at least 1). llama.cpp's threads spin while they
   * wait, so more threads than free cores makes it slower, not faster.
   */
  threads?: number;
}

// Compiled grammars by schema; a demo run sees as many schemas as it has tasks.
const MAX_CACHED_GRAMMARS = 512;

export class LocalLlm implements LlmBackend {
  readonly model: string;
  readonly #llama: Llama;
  readonly #loaded: LlamaModel;
  readonly #context: LlamaContext;
  readonly #idle: LlamaChat[];
  readonly #waiting: ((chat: LlamaChat) => void)[] = [];
  readonly #grammars = new Map<string, Promise<LlamaGrammar>>();

  private constructor(
    model: string,
    llama: Llama,
    loaded: LlamaModel,
    context: LlamaContext,
    chats: LlamaChat[],
  ) {
    this.model = model;
    this.#llama = llama;
    this.#loaded = loaded;
    this.#context = context;
    this.#idle = chats;
  }

  static async load(options: LocalLlmOptions): Promise<LocalLlm> {
    await validateModelFile(options.modelPath);
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    const sequences = options.sequences ?? 1;
    // `build: 'never'`: use the prebuilt binary or fail; never download or compile llama.cpp at run time.
    const llama = await getLlama({
      gpu: false,
      build: 'never',
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      logLevel: LlamaLogLevel.error,
      maxThreads: threads,
    });
    try {
      const loaded = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 });
      const context = await loaded.createContext({
        contextSize: options.contextSize ?? 2048,
        sequences,
        threads,
      });
      const chats = Array.from(
        { length: sequences },
        () => new LlamaChat({ contextSequence: context.getSequence() }),
      );
      return new LocalLlm(basename(options.modelPath, '.gguf'), llama, loaded, context, chats);
    } catch (error) {
      await llama.dispose();
      throw error;
    }
  }

  #acquire(): Promise<LlamaChat> {
    const chat = this.#idle.pop();
    return chat ? Promise.resolve(chat) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(chat: LlamaChat): void {
    const next = this.#waiting.shift();
    if (next) next(chat);
    else this.#idle.push(chat);
  }

  #grammar(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.#grammars.get(key);
    if (grammar === undefined) {
      grammar = this.#llama.createGrammarForJsonSchema<GbnfJsonSchema>(toGrammarSchema(schema)).then((json) =>
        this.#llama.createGrammar({
          grammar: oneLineJsonGrammar(json.grammar),
          stopGenerationTriggers: json.stopGenerationTriggers,
          trimWhitespaceSuffix: json.trimWhitespaceSuffix,
        }),
      );
      // A schema that does not compile must not stay cached as a rejected promise.
      grammar.catch(() => this.#grammars.delete(key));
      if (this.#grammars.size >= MAX_CACHED_GRAMMARS)
        this.#grammars.delete(this.#grammars.keys().next().value!);
      this.#grammars.set(key, grammar);
    }
    return grammar;
  }

  async complete(request: LlmRequest): Promise<LlmCompletion> {
    const grammar = request.jsonSchema ? await this.#grammar(request.jsonSchema.schema) : undefined;
    const history: ChatHistoryItem[] = [];
    if (request.system !== undefined) history.push({ type: 'system', text: request.system });
    for (const message of request.messages) {
      history.push(
        message.role === 'user'
          ? { type: 'user', text: message.content }
          : { type: 'model', response: [message.content] },
      );
    }
    history.push({ type: 'model', response: [] });
    const chat = await this.#acquire();
    const started = performance.now();
    const { sequence } = chat;
    try {
      await sequence.clearHistory();
      const read = sequence.tokenMeter.usedInputTokens;
      const written = sequence.tokenMeter.usedOutputTokens;
      const result = await chat.generateResponse(history, {
        temperature: request.temperature,
        topP: request.topP,
        topK: request.topK,
        maxTokens: request.maxTokens,
        seed: request.seed,
        customStopTriggers: request.stop,
        repeatPenalty:
          request.presencePenalty === undefined && request.frequencyPenalty === undefined
            ? undefined
            : { presencePenalty: request.presencePenalty, frequencyPenalty: request.frequencyPenalty },
        signal: request.signal,
        grammar,
      });
      const stop = result.metadata.stopReason;
      return {
        text: result.response,
        finishReason: stop === 'maxTokens' ? 'length' : stop === 'abort' ? 'other' : 'stop',
        durationMs: performance.now() - started,
        usage: {
          inputTokens: sequence.tokenMeter.usedInputTokens - read,
          outputTokens: sequence.tokenMeter.usedOutputTokens - written,
        },
      };
    } finally {
      this.#release(chat);
    }
  }

  async close(): Promise<void> {
    for (const chat of this.#idle) chat.dispose();
    await this.#context.dispose();
    await this.#loaded.dispose();
    await this.#llama.dispose();
  }
}
