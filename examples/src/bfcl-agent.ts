// The demo agent: answers a BFCL task with function calls (none, one or several), through a model call that Arc's
// fixes can change. The call is a normalized call (system prompt, messages, parameters,
// response format); fixes are applied to it by the SDK's own appliers, either as deployed by
// Arc (through `arc.track`) or as given for one rollout. The model's text is then checked as a
// production agent checks a tool call, and every violation is a typed error. With `routing`, a
// router step (bfcl-route.ts) first chooses the function, tracked under its own name, so each step
// has its own patterns, fixes and canaries.

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
import {
  BFCL_ROUTE_FUNCTION,
  bfclRouteCall,
  NO_FUNCTION,
  parseRoute,
  ROUTE_DEFAULT_PARAMS,
  ROUTE_SCHEMA,
  routeChoiceSchema,
  routedTask,
} from './bfcl-route.js';
import type { JsonSchema } from './bfcl-schema.js';
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
  /** The task's key (`taskKey`). */
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
  /** With routing: the function the router chose (`none`: no call was asked for), or why its answer was refused. */
  route?: { chosen: string } | { error: AgentOutputError; output: string };
}

/** A router step before the call step (bfcl-route.ts). */
export interface BfclRoutingOptions {
  params?: CallParams;
  /** Judges the router's choice after it returned, as `verify` judges the calls. Needs `findTask`. */
  verify?: (task: BfclTask, chosen: string) => Verdict;
}

export interface BfclAgentOptions {
  llm: LlmBackend;
  /** When given, answers without explicit fixes are tracked by Arc and get its deployed fixes. */
  arc?: Arc;
  params?: CallParams;
  /** Finds a task by its key (`taskKey`): how a recorded call (which holds the key) is rebuilt for a rollout. */
  findTask?: (key: string) => BfclTask | undefined;
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
  /** When given, a router first chooses the function (or none), and the call step sees only that one. */
  routing?: BfclRoutingOptions;
}

export interface ExplicitFixes {
  fixes?: readonly Fix[];
  routeFixes?: readonly Fix[];
}

export interface BfclAgent {
  readonly llm: LlmBackend;
  /**
   * Answers a task. With `fixes` (the call step's) or `routeFixes` (the router's) exactly these
   * fixes apply (a composite counts as its parts; retry policies are left to Arc's call runner) and
   * nothing is tracked: how a held-out set is scored.
   */
  answer(task: BfclTask, options?: ExplicitFixes): Promise<BfclAnswer>;
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

/**
 * The backend request for a call: a response format becomes constrained decoding against it and
 * what the step accepts for the call's tools (`contract`).
 */
function llmRequestFor(
  request: Omit<BfclModelRequest, 'taskId'>,
  contract: (tools: readonly AgentTool[]) => JsonSchema,
): LlmRequest {
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
    const schema = intersectSchemas(responseFormat.schema, contract(request.tools)) ?? responseFormat.schema;
    out.jsonSchema = { name: responseFormat.name, schema, strict: responseFormat.strict };
  }
  return out;
}

/**
 * The key a task's calls carry (their input's `taskId`, and the call key that assigns canary arms):
 * opaque, as a production request id is, since BFCL's ids name the category (`irrelevance_26`) and
 * per-input example selection would match on that.
 */
export function taskKey(task: Pick<BfclTask, 'id'>): string {
  return `t${createHash('sha256').update(task.id).digest('hex').slice(0, 12)}`;
}

function modelRequest(task: BfclTask, call: NormalizedCall): BfclModelRequest {
  const { system, messages = [], params, responseFormat } = call;
  return { taskId: taskKey(task), system, messages, params, responseFormat, tools: task.tools };
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

/** One model step of the agent: its tracked name, its call, and the checks its output must pass. */
interface AgentStep<T> {
  name: string;
  baseCall(task: BfclTask): NormalizedCall;
  /** What the step's output may be for the call's tools: constrained decoding's other half. */
  contract(tools: readonly AgentTool[]): JsonSchema;
  /** The step's result from its text; throws an AgentOutputError. */
  check(output: string, tools: readonly AgentTool[]): T;
  /** The output format a response format fix asks for. */
  outputSchema: JsonSchema;
  verify?: (task: BfclTask, output: string, tools: readonly AgentTool[]) => Verdict;
}

/** A step's outcome: its result, or why its output was refused. */
interface StepOutcome<T> {
  value?: T;
  error?: AgentOutputError;
  output: string;
  request: NormalizedCall;
  durationMs: number;
  finishReason?: LlmCompletion['finishReason'];
}

type StepRunner = <T>(step: AgentStep<T>, task: BfclTask) => Promise<StepOutcome<T>>;

export function createBfclAgent(options: BfclAgentOptions): BfclAgent {
  const { llm, arc, findTask, routing } = options;
  const params = options.params ?? BFCL_DEFAULT_PARAMS;

  const seeds = options.seed === undefined ? undefined : new CallSeeds(options.seed);
  const complete = (step: AgentStep<unknown>, request: BfclModelRequest): Promise<LlmCompletion> =>
    llm.complete(
      llmRequestFor(
        seeds === undefined || request.params.seed !== undefined
          ? request
          : { ...request, params: { ...request.params, seed: seeds.next(request) } },
        step.contract,
      ),
    );
  const taskOf = (taskId: string): BfclTask => {
    const task = findTask?.(taskId);
    if (task === undefined) throw new Error(`no task ${taskId}`);
    return task;
  };

  const callStep: AgentStep<AgentCall[]> = {
    name: BFCL_AGENT_FUNCTION,
    baseCall: (task) => bfclBaseCall(task, params),
    contract: toolCallsSchema,
    check: validateAgentOutput,
    outputSchema: CALLS_SCHEMA,
    ...(options.verify === undefined ? {} : { verify: options.verify }),
  };
  const routeStep: AgentStep<string> | undefined =
    routing === undefined
      ? undefined
      : {
          name: BFCL_ROUTE_FUNCTION,
          baseCall: (task) => bfclRouteCall(task, routing.params ?? ROUTE_DEFAULT_PARAMS),
          contract: routeChoiceSchema,
          check: parseRoute,
          outputSchema: ROUTE_SCHEMA,
          ...(routing.verify === undefined
            ? {}
            : {
                verify: (task: BfclTask, output: string, tools: readonly AgentTool[]) =>
                  routing.verify!(task, parseRoute(output, tools)),
              }),
        };
  const steps = routeStep === undefined ? [callStep] : [routeStep, callStep];

  // Tracked: each step's model call, returning the model's text. Arc parses it with the step's
  // checks, so a deployed output repair reaches the text first and each typed error is the failure
  // Arc sees.
  const modelTexts = Object.fromEntries(
    steps.map((step) => [
      step.name,
      async (request: BfclModelRequest): Promise<string> => (await complete(step, request)).text,
    ]),
  );
  const tracked = new Map(
    arc === undefined
      ? []
      : steps.map((step) => [
          step.name,
          arc.track(step.name, modelTexts[step.name]!, {
            callShape: requestShape,
            // Behind a router the call step offers only the chosen function: a replay offers the same.
            input: (request) => ({
              taskId: request.taskId,
              question: request.messages.at(-1)?.content,
              ...(routeStep !== undefined && step === callStep
                ? { functions: request.tools.map((t) => t.name) }
                : {}),
            }),
            replayArgs: (input): [BfclModelRequest] => {
              const recorded = input as { taskId?: unknown; functions?: unknown } | null;
              const task = taskOf(String(recorded?.taskId));
              const offered = Array.isArray(recorded?.functions)
                ? routedTask(task, recorded.functions)
                : task;
              return [modelRequest(offered, step.baseCall(offered))];
            },
            callKey: (request) => request.taskId,
            // The checks pass the text on: the verifier reads the numbers as written (10.0 stays a float).
            parse: (output, request) => {
              try {
                step.check(output, request.tools);
                return output;
              } catch (error) {
                throw error instanceof AgentOutputError ? withOutput(error, output) : error;
              }
            },
            ...(step.verify === undefined
              ? {}
              : {
                  verify: (output: string, request: BfclModelRequest) =>
                    step.verify!(taskOf(request.taskId), output, request.tools),
                }),
            throwOnInvalid: true,
            // The JSON the model must write: the contract a response format fix constrains decoding
            // to (the backend narrows it to the task's tools).
            outputSchema: step.outputSchema,
          }),
        ]),
  );

  /** Runs a step with exactly `fixes`, untracked. */
  const withFixes =
    (fixes: readonly Fix[]): StepRunner =>
    async (step, task) => {
      const parts = fixes.flatMap(fixParts);
      const request = applyCallFixes(step.baseCall(task), parts);
      const started = performance.now();
      const completion = await complete(step, modelRequest(task, request));
      const output = text(applyOutputFixes(completion.text, parts));
      const outcome = {
        output,
        request,
        durationMs: performance.now() - started,
        finishReason: completion.finishReason,
      };
      try {
        return { ...outcome, value: step.check(output, task.tools) };
      } catch (error) {
        if (!(error instanceof AgentOutputError)) throw error;
        return { ...outcome, error };
      }
    };

  /** Runs a step as a tracked production call with Arc's deployed fixes. */
  const asTracked: StepRunner = async (step, task) => {
    const request = step.baseCall(task);
    const started = performance.now();
    try {
      // What came back passed the step's checks (Arc parsed it); the result is read from it again.
      const output = await tracked.get(step.name)!(modelRequest(task, request));
      return {
        value: step.check(output, task.tools),
        output,
        request,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      if (!(error instanceof AgentOutputError)) throw error;
      return { error, output: outputOf(error), request, durationMs: performance.now() - started };
    }
  };

  return {
    llm,
    rolloutFunctions: modelTexts,
    async answer(task, answerOptions = {}) {
      const explicit =
        answerOptions.fixes !== undefined || answerOptions.routeFixes !== undefined || arc === undefined;
      const run = (fixes: readonly Fix[] | undefined) => (explicit ? withFixes(fixes ?? []) : asTracked);
      let offered = task;
      let routed: Pick<BfclAnswer, 'route'> = {};
      let routeMs = 0;
      if (routeStep !== undefined) {
        const route = await run(answerOptions.routeFixes)(routeStep, task);
        routeMs = route.durationMs;
        if (route.value === undefined) {
          // A router's answer the agent cannot read: the call step sees every function, as without one.
          routed = { route: { error: route.error!, output: route.output } };
        } else {
          routed = { route: { chosen: route.value } };
          if (route.value === NO_FUNCTION)
            return {
              taskId: task.id,
              calls: [],
              output: '[]',
              request: route.request,
              durationMs: routeMs,
              ...routed,
            };
          offered = routedTask(task, [route.value]);
        }
      }
      const { value, error, output, request, durationMs, finishReason } = await run(answerOptions.fixes)(
        callStep,
        offered,
      );
      return {
        taskId: task.id,
        ...(value === undefined ? {} : { calls: value }),
        ...(error === undefined ? {} : { error }),
        output,
        request,
        durationMs: routeMs + durationMs,
        ...(finishReason === undefined ? {} : { finishReason }),
        ...routed,
      };
    },
  };
}
