// The demo agent: answers a BFCL task with function calls (none, one or several), through a model call that Arc's
// fixes can change. The call is a normalized call (system prompt, messages, parameters,
// response format); fixes are applied to it by the SDK's own appliers, either as deployed by
// Arc (through `arc.track`) or as given for one rollout. The model's text is then checked as a
// production agent checks a tool call, and every violation is a typed error.

import { createHash } from 'node:crypto';
import {
  type CallParams,
  canonicalJson,
  type Fix,
  fixParts,
  SeededRandom,
  type Verdict,
} from '@arc-agent/core';
import {
  type Arc,
  applyCallFixes,
  applyOutputFixes,
  type NormalizedCall,
  type NormalizedResponseFormat,
  pathCallShape,
} from '@arc-agent/sdk';
import { AgentOutputError, validateAgentOutput } from './agent-output-validation.js';
import { bfclBaseCall } from './bfcl-prompt.js';
import type { BfclTask } from './bfcl-tasks.js';
import { intersectSchemas } from './json-schema-intersection.js';
import type { LlmBackend, LlmCompletion, LlmMessage, LlmRequest } from './llm-backend.js';
import { type AgentCall, type AgentTool, CALLS_SCHEMA, toolCallsSchema } from './tool-call-format.js';

/** The name the agent's model call is tracked under. */
export const BFCL_AGENT_FUNCTION = 'bfcl_answer';

/**
 * The agent's own parameters before any fix: a typical production setting. Answers are short: one
 * call of a BFCL function takes about 30 to 55 tokens written compactly (95th percentile), and what
 * the model writes past 96 tokens is prose (which BFCL judges as no call, cut or not), at about
 * 20 ms a token on one core.
 */
export const BFCL_DEFAULT_PARAMS: CallParams = { temperature: 0.7, maxTokens: 96 };

/** The argument of the tracked model call: the normalized call's parts, plus what the task offers. */
export interface BfclModelRequest {
  taskId: string;
  system?: string;
  messages: { role: string; content: unknown }[];
  params: CallParams;
  responseFormat?: NormalizedResponseFormat;
  tools: AgentTool[];
}

export interface BfclAnswer {
  taskId: string;
  /** The calls, when the output passed the agent's checks (`[]`: the agent calls nothing). */
  calls?: AgentCall[];
  /** Why the output did not pass. */
  error?: AgentOutputError;
  /** The model's text, after output repair when a fix asked for it: what was checked. */
  output: string;
  /** The model call as made, after fixes; tracked calls report it as they were built, before deployed fixes. */
  request: NormalizedCall;
  /** Why the model stopped (`length`: cut at maxTokens), on answers made with explicit fixes. */
  finishReason?: LlmCompletion['finishReason'];
  durationMs: number;
}

export interface BfclAgentOptions {
  llm: LlmBackend;
  /** When given, answers without explicit fixes are tracked by Arc and get its deployed fixes. */
  arc?: Arc;
  params?: CallParams;
  /** Finds a task by id: how a recorded call (which holds the task id) is rebuilt for a rollout. */
  findTask?: (taskId: string) => BfclTask | undefined;
  /**
   * Seeds the model's sampling, so that a run repeats: a call whose parameters name no seed gets
   * one derived from this seed, the call's content (task, prompt, fixes) and how many times the
   * same call was made before, so each task and each rollout of it samples its own way.
   */
  seed?: number;
  /**
   * Judges a tracked call's answer (the model's text, once it passed the agent's checks) after it
   * returned, as production learns of wrong answers: Arc takes a verdict below 0.5 as a wrong
   * answer, and scores rollouts of the call with it. Needs `findTask`.
   */
  verify?: (task: BfclTask, text: string) => Verdict;
}

export interface BfclAgent {
  readonly llm: LlmBackend;
  /**
   * Answers a task. With `fixes` exactly these fixes apply (a composite counts as its parts; retry
   * policies are left to Arc's call runner) and nothing is tracked: how a held-out set is scored.
   */
  answer(task: BfclTask, options?: { fixes?: readonly Fix[] }): Promise<BfclAnswer>;
  /**
   * The agent's model call by the name Arc tracks it under, for `arc.worker`: a rollout replays a
   * recorded call through it with the job's fixes, as production runs it. Needs `findTask`.
   */
  readonly rolloutFunctions: Readonly<Record<string, (request: BfclModelRequest) => Promise<string>>>;
}

// Where fixes find the parts of a call in the tracked function's argument.
const requestShape = pathCallShape<[BfclModelRequest]>({
  system: '0.system',
  messages: '0.messages',
  responseFormat: '0.responseFormat',
  params: {
    temperature: '0.params.temperature',
    topP: '0.params.topP',
    topK: '0.params.topK',
    maxTokens: '0.params.maxTokens',
    seed: '0.params.seed',
    stop: '0.params.stop',
    presencePenalty: '0.params.presencePenalty',
    frequencyPenalty: '0.params.frequencyPenalty',
    timeoutMs: '0.params.timeoutMs',
  },
});

function text(content: unknown): string {
  return typeof content === 'string' ? content : JSON.stringify(content);
}

/** The backend request for a call: a response format becomes constrained decoding against it and the tools. */
function llmRequestFor(request: Omit<BfclModelRequest, 'taskId'>): LlmRequest {
  const system = [
    request.system,
    ...request.messages.filter((m) => m.role === 'system').map((m) => text(m.content)),
  ]
    .filter((s): s is string => s !== undefined && s !== '')
    .join('\n\n');
  const messages: LlmMessage[] = request.messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: text(m.content) }));
  const { params, responseFormat } = request;
  const out: LlmRequest = {
    system: system === '' ? undefined : system,
    messages,
    temperature: params.temperature,
    topP: params.topP,
    topK: params.topK,
    maxTokens: params.maxTokens,
    seed: params.seed,
    stop: params.stop,
    presencePenalty: params.presencePenalty,
    frequencyPenalty: params.frequencyPenalty,
    signal: params.timeoutMs === undefined ? undefined : AbortSignal.timeout(params.timeoutMs),
  };
  if (responseFormat !== undefined) {
    const schema =
      intersectSchemas(responseFormat.schema, toolCallsSchema(request.tools)) ?? responseFormat.schema;
    out.jsonSchema = { name: responseFormat.name, schema, strict: responseFormat.strict };
  }
  return out;
}

function modelRequest(task: BfclTask, call: NormalizedCall): BfclModelRequest {
  const { system, messages = [], params, responseFormat } = call;
  return { taskId: task.id, system, messages, params, responseFormat, tools: task.tools };
}

function withOutput(error: AgentOutputError, output: string): AgentOutputError {
  Object.defineProperty(error, 'output', { value: output, enumerable: false });
  return error;
}

/** The model text that failed the agent's checks, on errors thrown by tracked calls. */
function outputOf(error: AgentOutputError): string {
  return (error as AgentOutputError & { output?: string }).output ?? '';
}

/**
 * Sampling seeds per call: the n-th call with the same content gets the n-th seed of that content.
 * Calls are counted by a digest of their content, so memory grows by one small entry per distinct
 * call (tasks times fix sets), not by the text of the calls.
 */
class CallSeeds {
  readonly #seed: number;
  readonly #seen = new Map<string, number>();

  constructor(seed: number) {
    this.#seed = seed;
  }

  next(request: BfclModelRequest): number {
    const digest = createHash('sha256').update(canonicalJson(request)).digest('base64');
    const n = this.#seen.get(digest) ?? 0;
    this.#seen.set(digest, n + 1);
    return new SeededRandom(`${this.#seed}\u0000${n}\u0000${digest}`).nextUint32();
  }
}

export function createBfclAgent(options: BfclAgentOptions): BfclAgent {
  const { llm, arc } = options;
  const params = options.params ?? BFCL_DEFAULT_PARAMS;

  const seeds = options.seed === undefined ? undefined : new CallSeeds(options.seed);
  const complete = (request: BfclModelRequest): Promise<LlmCompletion> =>
    llm.complete(
      llmRequestFor(
        seeds === undefined || request.params.seed !== undefined
          ? request
          : { ...request, params: { ...request.params, seed: seeds.next(request) } },
      ),
    );

  // Tracked: the model call, returning the model's text. Arc parses it with the agent's checks, so
  // a deployed output repair reaches the text first and each typed error is the failure Arc sees.
  const modelText = async (request: BfclModelRequest): Promise<string> => (await complete(request)).text;
  const { findTask, verify } = options;
  const taskOf = (taskId: string): BfclTask => {
    const task = findTask?.(taskId);
    if (task === undefined) throw new Error(`no task ${taskId}`);
    return task;
  };
  const tracked = arc?.track(BFCL_AGENT_FUNCTION, modelText, {
    callShape: requestShape,
    input: (request) => ({ taskId: request.taskId, question: request.messages.at(-1)?.content }),
    replayArgs: (input): [BfclModelRequest] => {
      const task = taskOf(String((input as { taskId?: unknown } | null)?.taskId));
      return [modelRequest(task, bfclBaseCall(task, params))];
    },
    callKey: (request) => request.taskId,
    // The checks pass the text on: the verifier reads the numbers as written (10.0 stays a float).
    parse: (output, request) => {
      try {
        validateAgentOutput(output, request.tools);
        return output;
      } catch (error) {
        throw error instanceof AgentOutputError ? withOutput(error, output) : error;
      }
    },
    ...(verify === undefined
      ? {}
      : { verify: (text: string, request: BfclModelRequest) => verify(taskOf(request.taskId), text) }),
    throwOnInvalid: true,
    // The JSON the model must write: the contract a response format fix constrains decoding to
    // (the backend narrows it to the task's tools).
    outputSchema: CALLS_SCHEMA,
  });

  async function answerWith(
    task: BfclTask,
    call: NormalizedCall,
    fixes: readonly Fix[],
  ): Promise<BfclAnswer> {
    const parts = fixes.flatMap(fixParts);
    const request = applyCallFixes(call, parts);
    const started = performance.now();
    const completion = await complete(modelRequest(task, request));
    const output = text(applyOutputFixes(completion.text, parts));
    const durationMs = performance.now() - started;
    try {
      const calls = validateAgentOutput(output, task.tools);
      return { taskId: task.id, calls, output, request, durationMs, finishReason: completion.finishReason };
    } catch (error) {
      if (!(error instanceof AgentOutputError)) throw error;
      return { taskId: task.id, error, output, request, durationMs, finishReason: completion.finishReason };
    }
  }

  return {
    llm,
    rolloutFunctions: { [BFCL_AGENT_FUNCTION]: modelText },
    async answer(task, answerOptions = {}) {
      const call = bfclBaseCall(task, params);
      if (answerOptions.fixes !== undefined || tracked === undefined)
        return answerWith(task, call, answerOptions.fixes ?? []);
      const started = performance.now();
      try {
        // What came back passed the agent's checks (Arc parsed it); the call is read from it again.
        const output = await tracked(modelRequest(task, call));
        return {
          taskId: task.id,
          calls: validateAgentOutput(output, task.tools),
          output,
          request: call,
          durationMs: performance.now() - started,
        };
      } catch (error) {
        if (!(error instanceof AgentOutputError)) throw error;
        return {
          taskId: task.id,
          error,
          output: outputOf(error),
          request: call,
          durationMs: performance.now() - started,
        };
      }
    },
  };
}
