// Arc for the official `openai` client (and any OpenAI-compatible server it points at):
// `wrapOpenAI(client, arc, { function })` returns the client with `chat.completions.create`
// tracked and fixed; everything else on the client is the client's own.

import type OpenAI from 'openai';
import { CallRunner, type OutputShape, type ParseOutcome, parseOutcome } from './call-runner.js';
import type { CallShape } from './call-shape.js';
import { type Arc, runtimeOf } from './create-arc.js';
import { declaredOutputSchema, type OutputSchemaOption } from './declared-output-schema.js';
import type { NormalizedCall, NormalizedMessage } from './normalized-call.js';
import { trackedName, type VerifyResult } from './track.js';
import { type OutputValidator, validatorList } from './validators.js';

type Body = OpenAI.Chat.ChatCompletionCreateParams;
type RequestOptions = NonNullable<Parameters<OpenAI['chat']['completions']['create']>[1]>;
type Completion = OpenAI.Chat.ChatCompletion;
type Args = [Body, RequestOptions?];

export interface WrapOpenAIOptions {
  /** The tracked function's name, e.g. `support.reply`. */
  function: string;
  /** Check the answer's content (parsed, when a JSON response format was asked for). */
  validators?: OutputValidator<unknown> | readonly OutputValidator<unknown>[];
  throwOnInvalid?: boolean;
  /** Identifies a call for canary assignment; a counter by default. */
  callKey?: (body: Body) => string;
  tags?: Record<string, string>;
  /**
   * The JSON Schema the answer's content (as JSON) must satisfy (a JSON Schema object or a zod 4 schema), so that Arc
   * can learn fixes that force structured output against it; see track's `outputSchema`.
   */
  outputSchema?: OutputSchemaOption;
  /** Names each call for `arc.feedback` (see track's `callId`); generated otherwise. */
  callId?: (body: Body) => string;
  /** Scores each answer's content that passed the validators (see track's `verify`); not streams. */
  verify?: (output: unknown, body: Body) => VerifyResult | PromiseLike<VerifyResult>;
  /** Told of each call that returned, with the id `arc.feedback` takes. */
  onCall?: (call: { callId: string; body: Body; output: unknown }) => void;
}

/** The structure wrapOpenAI needs: a client with `chat.completions.create`. */
export interface OpenAILike {
  chat: { completions: { create: (...args: never[]) => unknown } };
}

const SYSTEM_ROLES = new Set(['system', 'developer']);

/** Where fixes find the system prompt, conversation and settings in a chat-completions request. */
export const openAICallShape: CallShape<Args> = {
  get([body, requestOptions]) {
    const [first, ...rest] = body.messages;
    const hasSystem =
      first !== undefined && SYSTEM_ROLES.has(first.role) && typeof first.content === 'string';
    const call: NormalizedCall = {
      messages: (hasSystem ? rest : body.messages) as NormalizedMessage[],
      params: {},
    };
    if (hasSystem) call.system = first.content as string;
    const p = call.params;
    if (typeof body.temperature === 'number') p.temperature = body.temperature;
    if (typeof body.top_p === 'number') p.topP = body.top_p;
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    if (typeof maxTokens === 'number') p.maxTokens = maxTokens;
    if (typeof body.presence_penalty === 'number') p.presencePenalty = body.presence_penalty;
    if (typeof body.frequency_penalty === 'number') p.frequencyPenalty = body.frequency_penalty;
    if (typeof body.seed === 'number') p.seed = body.seed;
    if (body.stop != null) p.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
    if (typeof requestOptions?.timeout === 'number') p.timeoutMs = requestOptions.timeout;
    p.model = body.model;
    const format = body.response_format;
    if (format?.type === 'json_schema' && format.json_schema.schema !== undefined) {
      call.responseFormat = {
        name: format.json_schema.name,
        schema: format.json_schema.schema,
        strict: format.json_schema.strict ?? false,
      };
    }
    return call;
  },

  set([body, requestOptions], call) {
    const [first] = body.messages;
    // A system prompt goes back with the role it came with ('developer' for reasoning models).
    const role = first !== undefined && SYSTEM_ROLES.has(first.role) ? first.role : 'system';
    const messages = (call.messages ?? []) as Body['messages'];
    const next: Body = {
      ...body,
      messages:
        call.system === undefined
          ? messages
          : [{ role, content: call.system } as Body['messages'][number], ...messages],
    };
    const p = call.params;
    if (p.temperature !== undefined) next.temperature = p.temperature;
    if (p.topP !== undefined) next.top_p = p.topP;
    if (p.maxTokens !== undefined) {
      if (body.max_tokens != null && body.max_completion_tokens == null) next.max_tokens = p.maxTokens;
      else next.max_completion_tokens = p.maxTokens;
    }
    if (p.presencePenalty !== undefined) next.presence_penalty = p.presencePenalty;
    if (p.frequencyPenalty !== undefined) next.frequency_penalty = p.frequencyPenalty;
    if (p.seed !== undefined) next.seed = p.seed;
    if (p.stop !== undefined) next.stop = p.stop;
    if (p.model !== undefined) next.model = p.model;
    if (call.responseFormat !== undefined) {
      const { name, schema, strict } = call.responseFormat;
      next.response_format = { type: 'json_schema', json_schema: { name, schema, strict } };
    }
    const options = p.timeoutMs === undefined ? requestOptions : { ...requestOptions, timeout: p.timeoutMs };
    return options === undefined ? [next] : [next, options];
  },
};

/** Validators and repair see the first choice's message content ('' when a garbled answer has none). */
const contentOutput: OutputShape<Completion> = {
  get: (completion) => (completion as Partial<Completion> | null)?.choices?.[0]?.message?.content ?? '',
  set: (completion, value) => {
    const [first, ...rest] = completion.choices;
    if (first === undefined) return completion;
    const content = typeof value === 'string' ? value : JSON.stringify(value);
    return { ...completion, choices: [{ ...first, message: { ...first.message, content } }, ...rest] };
  },
};

function parseJsonWhenAsked(value: unknown, [body]: Args): ParseOutcome {
  const type = body.response_format?.type;
  if ((type !== 'json_object' && type !== 'json_schema') || typeof value !== 'string')
    return { ok: true, value };
  return parseOutcome(() => JSON.parse(value));
}

/** Whether the request asks for a stream; a body that cannot be read is left for the client to refuse. */
function streamRequested(body: Body | undefined): boolean {
  try {
    return Boolean(body?.stream);
  } catch {
    return false;
  }
}

function wrapObject<T extends object>(target: T, key: PropertyKey, replacement: unknown): T {
  return new Proxy(target, {
    get(object, property) {
      if (property === key) return replacement;
      const value = Reflect.get(object, property, object);
      // Bound to the real object: the client's methods use private fields a proxy does not have.
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/**
 * The client with `chat.completions.create` tracked as `options.function` and its deployed fixes
 * applied. A streamed call is tracked up to the start of its stream. When Arc may change the
 * outcome (validators, fixes), `create` returns a plain Promise of the completion rather than the
 * client's APIPromise (so `.withResponse()` is not available on it). A disabled Arc returns the
 * client itself.
 */
export function wrapOpenAI<C extends OpenAILike>(client: C, arc: Arc, options: WrapOpenAIOptions): C {
  const rt = runtimeOf(arc);
  if (rt === undefined) return client;
  const name = trackedName(options.function, rt.capture);
  const completions = client.chat.completions;
  const create = completions.create as unknown as (...args: Args) => PromiseLike<unknown>;
  const invoke = (...args: Args) => Reflect.apply(create, completions, args) as PromiseLike<unknown>;
  const { callKey, callId, verify, onCall } = options;
  const validators = validatorList(options.validators);
  const shared = {
    callShape: openAICallShape,
    callKey: callKey && (([body]: Args) => callKey(body)),
    input: ([body]: Args) => body,
    tags: options.tags,
    outputSchema: declaredOutputSchema(options.outputSchema, 'wrapOpenAI', rt.capture),
    callId: callId && (([body]: Args) => callId(body)),
    onCall:
      onCall &&
      ((call: { callId: string; args: Args; output: unknown }) =>
        onCall({ callId: call.callId, body: call.args[0], output: call.output })),
  };
  const complete = new CallRunner<Args, PromiseLike<unknown>>(rt, name, invoke, {
    ...shared,
    validators: validators as OutputValidator<unknown, Args>[],
    throwOnInvalid: options.throwOnInvalid,
    output: contentOutput as OutputShape<unknown, unknown>,
    parse: parseJsonWhenAsked,
    verify: verify && ((value: unknown, [body]: Args) => verify(value, body)),
  });
  const stream = new CallRunner<Args, PromiseLike<unknown>>(rt, name, invoke, {
    ...shared,
    outputStage: false,
  });
  const trackedCreate = (...args: Args) =>
    (streamRequested(args[0]) ? stream : complete).run(completions, args);
  const chat = wrapObject(client.chat, 'completions', wrapObject(completions, 'create', trackedCreate));
  return wrapObject(client, 'chat', chat);
}
