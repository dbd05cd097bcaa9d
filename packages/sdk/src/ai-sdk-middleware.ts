// Arc for the Vercel AI SDK: a language model middleware for `wrapLanguageModel`. Fixes are
// applied in `transformParams` (prompt, examples, parameters, response format; for generate and
// stream calls alike), and `wrapGenerate` tracks the call: failures of the model call, JSON that
// does not parse when JSON output was asked for (what makes `generateObject` fail), output repair
// and validators, and the retries fixes call for.

import type { LanguageModelMiddleware } from 'ai';
import {
  type CallPlan,
  CallRunner,
  type OutputShape,
  type ParseOutcome,
  parseOutcome,
} from './call-runner.js';
import type { CallShape } from './call-shape.js';
import { type Arc, runtimeOf } from './create-arc.js';
import { declaredOutputSchema, type OutputSchemaOption } from './declared-output-schema.js';
import type { NormalizedCall, NormalizedMessage } from './normalized-call.js';
import { trackedName, type VerifyResult } from './track.js';
import { type OutputValidator, validatorList } from './validators.js';

type Middleware = LanguageModelMiddleware;
type TransformOptions = Parameters<NonNullable<Middleware['transformParams']>>[0];
type GenerateOptions = Parameters<NonNullable<Middleware['wrapGenerate']>>[0];
type StreamOptions = Parameters<NonNullable<Middleware['wrapStream']>>[0];
type CallOptions = TransformOptions['params'];
type Model = TransformOptions['model'];
type GenerateResult = Awaited<ReturnType<GenerateOptions['doGenerate']>>;
type StreamResult = Awaited<ReturnType<StreamOptions['doStream']>>;
type Message = CallOptions['prompt'][number];
type Args = [CallOptions, Model];

export interface ArcMiddlewareOptions {
  /** The tracked function's name, e.g. `invoice.extract`. */
  function: string;
  /** Check the text (or, when JSON output was asked for, the parsed value). */
  validators?: OutputValidator<unknown> | readonly OutputValidator<unknown>[];
  throwOnInvalid?: boolean;
  /** Identifies a call for canary assignment; a counter by default. */
  callKey?: (params: CallOptions) => string;
  tags?: Record<string, string>;
  /**
   * The JSON Schema the text of the answer (as JSON) must satisfy (a JSON Schema object or a zod 4 schema), so that Arc
   * can learn fixes that force structured output against it; see track's `outputSchema`.
   */
  outputSchema?: OutputSchemaOption;
  /** Names each call for `arc.feedback` (see track's `callId`); generated otherwise. */
  callId?: (params: CallOptions) => string;
  /** Scores each generated answer that passed the validators (see track's `verify`); not streams. */
  verify?: (output: unknown, params: CallOptions) => VerifyResult | PromiseLike<VerifyResult>;
  /** Told of each call that returned, with the id `arc.feedback` takes. */
  onCall?: (call: { callId: string; params: CallOptions; output: unknown }) => void;
}

function textPart(text: string) {
  return { type: 'text' as const, text };
}

/** Messages from fixes carry string content; the AI SDK wants parts for user and assistant turns. */
function toPromptMessage(message: NormalizedMessage): Message {
  if (typeof message.content !== 'string') return message as Message;
  if (message.role === 'user' || message.role === 'assistant') {
    return { role: message.role, content: [textPart(message.content)] } as Message;
  }
  return message as Message;
}

/** Where fixes find the system prompt, conversation and settings in the AI SDK's call options. */
export const aiSdkCallShape: CallShape<Args> = {
  get([params]) {
    const [first, ...rest] = params.prompt;
    const hasSystem = first?.role === 'system';
    const call: NormalizedCall = {
      messages: (hasSystem ? rest : params.prompt) as NormalizedMessage[],
      params: {},
    };
    if (hasSystem) call.system = first.content;
    const p = call.params;
    if (params.temperature !== undefined) p.temperature = params.temperature;
    if (params.topP !== undefined) p.topP = params.topP;
    if (params.topK !== undefined) p.topK = params.topK;
    if (params.maxOutputTokens !== undefined) p.maxTokens = params.maxOutputTokens;
    if (params.presencePenalty !== undefined) p.presencePenalty = params.presencePenalty;
    if (params.frequencyPenalty !== undefined) p.frequencyPenalty = params.frequencyPenalty;
    if (params.seed !== undefined) p.seed = params.seed;
    if (params.stopSequences !== undefined) p.stop = params.stopSequences;
    const format = params.responseFormat;
    if (format?.type === 'json' && format.schema !== undefined) {
      call.responseFormat = {
        name: format.name ?? 'response',
        schema: format.schema as Record<string, unknown>,
        strict: true,
      };
    }
    return call;
  },

  set([params, model], call) {
    const messages = (call.messages ?? []).map(toPromptMessage);
    const prompt =
      call.system === undefined ? messages : [{ role: 'system' as const, content: call.system }, ...messages];
    const p = call.params;
    const next: CallOptions = { ...params, prompt };
    if (p.temperature !== undefined) next.temperature = p.temperature;
    if (p.topP !== undefined) next.topP = p.topP;
    if (p.topK !== undefined) next.topK = p.topK;
    if (p.maxTokens !== undefined) next.maxOutputTokens = p.maxTokens;
    if (p.presencePenalty !== undefined) next.presencePenalty = p.presencePenalty;
    if (p.frequencyPenalty !== undefined) next.frequencyPenalty = p.frequencyPenalty;
    if (p.seed !== undefined) next.seed = p.seed;
    if (p.stop !== undefined) next.stopSequences = p.stop;
    if (p.timeoutMs !== undefined) {
      const timeout = AbortSignal.timeout(p.timeoutMs);
      next.abortSignal = params.abortSignal ? AbortSignal.any([params.abortSignal, timeout]) : timeout;
    }
    if (call.responseFormat !== undefined) {
      const { name, schema } = call.responseFormat;
      next.responseFormat = { type: 'json', name, schema: schema as never };
    }
    // The model is fixed by wrapLanguageModel; a model switch cannot be applied here.
    return [next, model];
  },
};

/** Validators and repair see the text of the answer ('' when a garbled answer has no content); a repaired text replaces the text parts. */
const textOutput: OutputShape<GenerateResult> = {
  get: (result) => {
    const content = (result as Partial<GenerateResult> | null)?.content;
    if (!Array.isArray(content)) return '';
    return content
      .filter((part) => part?.type === 'text')
      .map((part) => (part as { text: string }).text)
      .join('');
  },
  set: (result, value) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const others = result.content.filter((part) => part.type !== 'text');
    return { ...result, content: [textPart(text), ...others] };
  },
};

/** When JSON output was asked for, text that does not parse is a failure (generateObject would throw). */
function parseJsonWhenAsked(value: unknown, [params]: Args): ParseOutcome {
  if (params.responseFormat?.type !== 'json' || typeof value !== 'string') return { ok: true, value };
  return parseOutcome(() => JSON.parse(value));
}

/** What an event records as the input: the prompt and settings, not signals or transport details. */
function callInput([params]: Args): unknown {
  const { abortSignal: _signal, headers: _headers, includeRawChunks: _raw, ...rest } = params;
  return rest;
}

/**
 * A middleware that tracks the model's calls as `options.function` and applies its deployed
 * fixes. With a disabled Arc it changes nothing.
 */
export function arcMiddleware(arc: Arc, options: ArcMiddlewareOptions): LanguageModelMiddleware {
  const rt = runtimeOf(arc);
  if (rt === undefined) return { specificationVersion: 'v3' };
  const name = trackedName(options.function, rt.capture);
  const { callKey, callId, verify, onCall } = options;
  const validators = validatorList(options.validators);
  const shared = {
    callShape: aiSdkCallShape,
    callKey: callKey && (([params]: Args) => callKey(params)),
    input: callInput,
    tags: options.tags,
    outputSchema: declaredOutputSchema(options.outputSchema, 'arcMiddleware', rt.capture),
    callId: callId && (([params]: Args) => callId(params)),
    onCall:
      onCall &&
      ((call: { callId: string; args: Args; output: unknown }) =>
        onCall({ callId: call.callId, params: call.args[0], output: call.output })),
  };
  const generate = new CallRunner<Args, PromiseLike<GenerateResult>>(
    rt,
    name,
    (params, model) => model.doGenerate(params),
    {
      ...shared,
      validators: validators as OutputValidator<unknown, Args>[],
      throwOnInvalid: options.throwOnInvalid,
      output: textOutput,
      parse: parseJsonWhenAsked,
      verify: verify && ((value: unknown, [params]: Args) => verify(value, params)),
    },
  );
  const stream = new CallRunner<Args, PromiseLike<StreamResult>>(
    rt,
    name,
    (params, model) => model.doStream(params),
    { ...shared, outputStage: false },
  );
  // transformParams decides the call's fixes; the wrap step that follows finds that decision by
  // the params object it returned.
  const plans = new WeakMap<CallOptions, CallPlan<Args>>();

  return {
    specificationVersion: 'v3',
    transformParams: async ({ type, params, model }) => {
      const plan = (type === 'stream' ? stream : generate).plan([params, model]);
      plans.set(plan.args[0], plan);
      return plan.args[0];
    },
    wrapGenerate: async ({ params, model }) => {
      const plan = plans.get(params);
      plans.delete(params);
      return generate.run(undefined, [params, model], plan);
    },
    wrapStream: async ({ params, model }) => {
      const plan = plans.get(params);
      plans.delete(params);
      return stream.run(undefined, [params, model], plan);
    },
  };
}
