// Fixes are data, never code (DESIGN.md section 5): the server learns and deploys them as JSON and
// the SDK applies them. Anything arriving over the wire goes through `parseFix`/`parseDeployedFix`,
// which accept only the shapes below and name the first offending field otherwise, so a malformed
// or newer-than-understood fix is skipped instead of changing an agent's calls in unforeseen ways.

import { CATEGORIES, type Category, isCategory } from './failure-category.js';
import { FIX_LIMITS } from './fix-limits.js';

export const FIX_TYPES = [
  'prompt_adjustment',
  'few_shot',
  'param_patch',
  'response_format',
  'output_repair',
  'retry_policy',
  'composite',
] as const;
export type FixType = (typeof FIX_TYPES)[number];

export type FixRisk = 'low' | 'medium' | 'high';
export const FIX_RISKS: readonly FixRisk[] = ['low', 'medium', 'high'];

/** Appends instructions to the system prompt. */
export interface PromptAdjustmentFix {
  type: 'prompt_adjustment';
  instructions: string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One example exchange: an input/output pair, or literal messages. */
export type FewShotExample = { input: unknown; output: unknown } | { messages: ChatMessage[] };

/**
 * Adds example exchanges (mined from successful calls) ahead of the conversation. With `nearest`,
 * `examples` is a pool and each call gets the `nearest` examples whose inputs are most similar to
 * its own (few-shot-selection.ts), not the same ones every time.
 */
export interface FewShotFix {
  type: 'few_shot';
  examples: FewShotExample[];
  nearest?: number;
}

/** The call parameters a fix may set; provider-neutral names, mapped by each integration. */
export interface CallParams {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTokens?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  stop?: string[];
  timeoutMs?: number;
  model?: string;
}

export interface ParamPatchFix {
  type: 'param_patch';
  params: CallParams;
}

/** Forces structured output against a JSON Schema (constrained decoding where supported). */
export interface ResponseFormatFix {
  type: 'response_format';
  name: string;
  schema: Record<string, unknown>;
  strict: boolean;
}

/** Repairs output before validation: JSON repair of text, type coercion against a schema. */
export interface OutputRepairFix {
  type: 'output_repair';
  json: boolean;
  coerce: boolean;
  schema?: Record<string, unknown>;
}

export type Jitter = 'full' | 'equal' | 'none';

/** Retries failing calls whose category or HTTP status matches, with exponential backoff. */
export interface RetryPolicyFix {
  type: 'retry_policy';
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: Jitter;
  retryOn: { categories: Category[]; statuses: number[] };
}

/** Several fixes applied together, in order. Composites do not nest. */
export interface CompositeFix {
  type: 'composite';
  fixes: SimpleFix[];
}

export type SimpleFix =
  | PromptAdjustmentFix
  | FewShotFix
  | ParamPatchFix
  | ResponseFormatFix
  | OutputRepairFix
  | RetryPolicyFix;
export type Fix = SimpleFix | CompositeFix;

/** A fix as the server deploys it to agents (`GET /v1/fixes`). */
export interface DeployedFix {
  id: string;
  /** Revision of this fix; bumps whenever its content changes. */
  version: number;
  patternId: string;
  function: string;
  fix: Fix;
  risk: FixRisk;
  /** Confidence from the rollouts that judged it, in [0, 1]. */
  confidence: number;
  /** Share of calls that get the fix while it is a canary, in [0, 1]; 1 once promoted. */
  canaryShare: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; field: string; error: string };

const RISK_ORDER: Record<FixRisk, number> = { low: 0, medium: 1, high: 2 };

/**
 * The risk of applying a fix: retries and repairs only act on the call's outcome (low); prompts,
 * examples, parameters and response formats change what the model sees (medium); switching the
 * model, or any fix for an authentication failure, can change who or what answers (high). A
 * composite is as risky as its riskiest part.
 */
export function riskOf(fix: Fix, category?: Category): FixRisk {
  if (category === 'auth_failure') return 'high';
  switch (fix.type) {
    case 'retry_policy':
    case 'output_repair':
      return 'low';
    case 'param_patch':
      return fix.params.model === undefined ? 'medium' : 'high';
    case 'prompt_adjustment':
    case 'few_shot':
    case 'response_format':
      return 'medium';
    case 'composite':
      return fix.fixes.reduce<FixRisk>((worst, part) => {
        const risk = riskOf(part);
        return RISK_ORDER[risk] > RISK_ORDER[worst] ? risk : worst;
      }, 'low');
  }
}

/** The simple fixes a fix consists of, in application order. */
export function fixParts(fix: Fix): SimpleFix[] {
  return fix.type === 'composite' ? fix.fixes : [fix];
}

// Bounds keep a fix from turning into a denial of service on the agent it is applied to; those on
// its size are FIX_LIMITS (fix-limits.ts), the rest are about what its values may mean.
const MAX_DELAY_MS = 300_000;
const MAX_ATTEMPTS = 10;
const SCHEMA_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Thrown inside the parser only; turned into a ParseResult at its boundary. */
class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, field: string): Obj {
  if (!isObject(value)) throw new FieldError(field, 'must be an object');
  return value;
}

function onlyKeys(value: Obj, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new FieldError(`${field}.${key}`, 'is not a known field');
  }
}

function text(value: unknown, field: string, max: number = FIX_LIMITS.maxTextChars): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new FieldError(field, 'must be a non-empty string');
  if (value.length > max) throw new FieldError(field, `must be at most ${max} characters`);
  return value;
}

function number(value: unknown, field: string, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FieldError(field, 'must be a number');
  if (integer && !Number.isInteger(value)) throw new FieldError(field, 'must be an integer');
  if (value < min || value > max) throw new FieldError(field, `must be between ${min} and ${max}`);
  return value;
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new FieldError(field, 'must be a boolean');
  return value;
}

function array(value: unknown, field: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) throw new FieldError(field, 'must be an array');
  if (value.length < min || value.length > max) {
    throw new FieldError(field, `must have between ${min} and ${max} items`);
  }
  return value;
}

function present(value: Obj, key: string, field: string): unknown {
  if (!(key in value) || value[key] === undefined) throw new FieldError(`${field}.${key}`, 'is required');
  return value[key];
}

function messages(value: unknown, field: string): ChatMessage[] {
  return array(value, field, 1, FIX_LIMITS.maxExampleMessages).map((item, i) => {
    const f = `${field}[${i}]`;
    const message = object(item, f);
    onlyKeys(message, ['role', 'content'], f);
    const role = message.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw new FieldError(`${f}.role`, "must be 'system', 'user' or 'assistant'");
    }
    return { role, content: text(message.content, `${f}.content`) };
  });
}

function example(value: unknown, field: string): FewShotExample {
  const item = object(value, field);
  if ('messages' in item) {
    onlyKeys(item, ['messages'], field);
    return { messages: messages(item.messages, `${field}.messages`) };
  }
  onlyKeys(item, ['input', 'output'], field);
  return { input: present(item, 'input', field), output: present(item, 'output', field) };
}

const PARAM_KEYS = [
  'temperature',
  'topP',
  'topK',
  'maxTokens',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'stop',
  'timeoutMs',
  'model',
] as const;

function params(value: unknown, field: string): CallParams {
  const raw = object(value, field);
  onlyKeys(raw, PARAM_KEYS, field);
  if (Object.keys(raw).length === 0) throw new FieldError(field, 'must set at least one parameter');
  const out: CallParams = {};
  const f = (key: string) => `${field}.${key}`;
  if (raw.temperature !== undefined) out.temperature = number(raw.temperature, f('temperature'), 0, 2);
  if (raw.topP !== undefined) out.topP = number(raw.topP, f('topP'), 0, 1);
  if (raw.topK !== undefined) out.topK = number(raw.topK, f('topK'), 1, 1_000, true);
  if (raw.maxTokens !== undefined) out.maxTokens = number(raw.maxTokens, f('maxTokens'), 1, 1_000_000, true);
  if (raw.presencePenalty !== undefined) {
    out.presencePenalty = number(raw.presencePenalty, f('presencePenalty'), -2, 2);
  }
  if (raw.frequencyPenalty !== undefined) {
    out.frequencyPenalty = number(raw.frequencyPenalty, f('frequencyPenalty'), -2, 2);
  }
  if (raw.seed !== undefined) {
    out.seed = number(raw.seed, f('seed'), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  }
  if (raw.stop !== undefined) {
    out.stop = array(raw.stop, f('stop'), 1, 8).map((s, i) => text(s, `${f('stop')}[${i}]`, 200));
  }
  if (raw.timeoutMs !== undefined) out.timeoutMs = number(raw.timeoutMs, f('timeoutMs'), 1, 600_000, true);
  if (raw.model !== undefined) out.model = text(raw.model, f('model'), 200);
  return out;
}

function simpleFix(raw: Obj, field: string): SimpleFix {
  const f = (key: string) => `${field}.${key}`;
  switch (raw.type) {
    case 'prompt_adjustment':
      onlyKeys(raw, ['type', 'instructions'], field);
      return {
        type: 'prompt_adjustment',
        instructions: text(present(raw, 'instructions', field), f('instructions')),
      };
    case 'few_shot': {
      onlyKeys(raw, ['type', 'examples', 'nearest'], field);
      const pooled = raw.nearest !== undefined;
      const fix: FewShotFix = {
        type: 'few_shot',
        examples: array(
          present(raw, 'examples', field),
          f('examples'),
          1,
          pooled ? FIX_LIMITS.maxExamplePool : FIX_LIMITS.maxExamples,
        ).map((e, i) => example(e, `${f('examples')}[${i}]`)),
      };
      if (pooled) fix.nearest = number(raw.nearest, f('nearest'), 1, FIX_LIMITS.maxExamples, true);
      return fix;
    }
    case 'param_patch':
      onlyKeys(raw, ['type', 'params'], field);
      return { type: 'param_patch', params: params(present(raw, 'params', field), f('params')) };
    case 'response_format': {
      onlyKeys(raw, ['type', 'name', 'schema', 'strict'], field);
      const name = text(present(raw, 'name', field), f('name'), 64);
      if (!SCHEMA_NAME.test(name)) throw new FieldError(f('name'), 'must match [A-Za-z0-9_-]{1,64}');
      return {
        type: 'response_format',
        name,
        schema: object(present(raw, 'schema', field), f('schema')),
        strict: raw.strict === undefined ? true : boolean(raw.strict, f('strict')),
      };
    }
    case 'output_repair': {
      onlyKeys(raw, ['type', 'json', 'coerce', 'schema'], field);
      const json = raw.json === undefined ? false : boolean(raw.json, f('json'));
      const coerce = raw.coerce === undefined ? false : boolean(raw.coerce, f('coerce'));
      if (!json && !coerce) throw new FieldError(f('json'), 'json or coerce must be true');
      if (coerce && raw.schema === undefined)
        throw new FieldError(f('schema'), 'is required when coerce is true');
      const fix: OutputRepairFix = { type: 'output_repair', json, coerce };
      if (raw.schema !== undefined) fix.schema = object(raw.schema, f('schema'));
      return fix;
    }
    case 'retry_policy': {
      onlyKeys(raw, ['type', 'maxAttempts', 'baseDelayMs', 'maxDelayMs', 'jitter', 'retryOn'], field);
      const maxAttempts = number(present(raw, 'maxAttempts', field), f('maxAttempts'), 2, MAX_ATTEMPTS, true);
      const baseDelayMs = number(present(raw, 'baseDelayMs', field), f('baseDelayMs'), 0, MAX_DELAY_MS, true);
      const maxDelayMs = number(
        present(raw, 'maxDelayMs', field),
        f('maxDelayMs'),
        baseDelayMs,
        MAX_DELAY_MS,
        true,
      );
      const jitter = raw.jitter === undefined ? 'full' : raw.jitter;
      if (jitter !== 'full' && jitter !== 'equal' && jitter !== 'none') {
        throw new FieldError(f('jitter'), "must be 'full', 'equal' or 'none'");
      }
      const retryOn = object(present(raw, 'retryOn', field), f('retryOn'));
      onlyKeys(retryOn, ['categories', 'statuses'], f('retryOn'));
      const categories = (
        retryOn.categories === undefined
          ? []
          : array(retryOn.categories, f('retryOn.categories'), 0, CATEGORIES.length)
      ).map((c, i) => {
        if (!isCategory(c))
          throw new FieldError(`${f('retryOn.categories')}[${i}]`, 'is not a known category');
        return c;
      });
      const statuses = (
        retryOn.statuses === undefined ? [] : array(retryOn.statuses, f('retryOn.statuses'), 0, 50)
      ).map((s, i) => number(s, `${f('retryOn.statuses')}[${i}]`, 100, 599, true));
      if (categories.length === 0 && statuses.length === 0) {
        throw new FieldError(f('retryOn'), 'must name at least one category or status');
      }
      return {
        type: 'retry_policy',
        maxAttempts,
        baseDelayMs,
        maxDelayMs,
        jitter,
        retryOn: { categories, statuses },
      };
    }
    case 'composite':
      throw new FieldError(f('type'), 'composite fixes cannot nest');
    default:
      throw new FieldError(f('type'), `must be one of ${FIX_TYPES.join(', ')}`);
  }
}

function fix(value: unknown, field: string): Fix {
  const raw = object(value, field);
  if (raw.type !== 'composite') return simpleFix(raw, field);
  onlyKeys(raw, ['type', 'fixes'], field);
  const fixes = array(present(raw, 'fixes', field), `${field}.fixes`, 1, FIX_LIMITS.maxParts).map((part, i) =>
    simpleFix(object(part, `${field}.fixes[${i}]`), `${field}.fixes[${i}]`),
  );
  return { type: 'composite', fixes };
}

function parse<T>(read: () => T): ParseResult<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, field: error.field, error: error.message };
    throw error;
  }
}

/** Validates a fix from untrusted JSON; fields are named from `fix` (e.g. `fix.params.temperature`). */
export function parseFix(value: unknown): ParseResult<Fix> {
  return parse(() => fix(value, 'fix'));
}

/**
 * Validates a deployed fix. Unknown top-level fields are ignored, so a newer server can add
 * metadata without older agents dropping its fixes; the fix body itself must be fully understood.
 */
export function parseDeployedFix(value: unknown): ParseResult<DeployedFix> {
  return parse(() => {
    const raw = object(value, 'deployedFix');
    const field = (key: string) => `deployedFix.${key}`;
    const risk = present(raw, 'risk', 'deployedFix');
    if (!FIX_RISKS.includes(risk as FixRisk))
      throw new FieldError(field('risk'), "must be 'low', 'medium' or 'high'");
    return {
      id: text(present(raw, 'id', 'deployedFix'), field('id'), 200),
      version: number(
        present(raw, 'version', 'deployedFix'),
        field('version'),
        1,
        Number.MAX_SAFE_INTEGER,
        true,
      ),
      patternId: text(present(raw, 'patternId', 'deployedFix'), field('patternId'), 200),
      function: text(present(raw, 'function', 'deployedFix'), field('function'), 200),
      fix: fix(present(raw, 'fix', 'deployedFix'), field('fix')),
      risk: risk as FixRisk,
      confidence: number(present(raw, 'confidence', 'deployedFix'), field('confidence'), 0, 1),
      canaryShare: number(present(raw, 'canaryShare', 'deployedFix'), field('canaryShare'), 0, 1),
    };
  });
}
