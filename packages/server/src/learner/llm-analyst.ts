// The optional LLM analyst (DESIGN.md section 5): any OpenAI-compatible chat-completions endpoint
// reads a pattern's failing examples and proposes instructions. Its proposals are candidates like
// any other: prompt adjustments the learner judges by rollouts, never trusted on their face.
// Without a configured endpoint nothing calls it and the loop learns from the other generators.
// Wrong answers (category wrong_answer) are shown as what they are: answers a verifier judged
// wrong, each with the verifier's message, beside a few calls of the function answered right.

import {
  type CandidateFix,
  type CandidateGeneratorInput,
  candidateFix,
  redactText,
  toJsonSafe,
} from '@arc-agent/core';

export interface LlmAnalystOptions {
  /** Base URL of the API, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Failing examples shown to the model (default 5); as many right answers beside wrong ones, at most 3. */
  maxExamples?: number;
  /** Proposals kept per pattern (default 3). */
  maxProposals?: number;
  fetch?: typeof fetch;
}

export interface LlmAnalyst {
  /** Proposed instructions for the pattern, as prompt-adjustment candidates; rejects on transport or format errors. */
  propose(input: CandidateGeneratorInput): Promise<CandidateFix[]>;
}

/** Environment variables that configure the analyst (`ARC_ANALYST_BASE_URL` and `ARC_ANALYST_MODEL` turn it on). */
export const ANALYST_ENV = {
  baseUrl: 'ARC_ANALYST_BASE_URL',
  model: 'ARC_ANALYST_MODEL',
  apiKey: 'ARC_ANALYST_API_KEY',
} as const;

/** The analyst the environment configures, or undefined when it configures none. */
export function llmAnalystFromEnv(env: Readonly<Record<string, string | undefined>>): LlmAnalyst | undefined {
  const baseUrl = env[ANALYST_ENV.baseUrl];
  const model = env[ANALYST_ENV.model];
  if (!baseUrl || !model) return undefined;
  const apiKey = env[ANALYST_ENV.apiKey];
  return createLlmAnalyst({ baseUrl, model, ...(apiKey ? { apiKey } : {}) });
}

const SYSTEM_PROMPT = `You improve AI agents from their production failures.
You get one failure pattern of one agent function: the error and a few failing calls (inputs, outputs, error messages), or answers a verifier judged wrong.
Propose short instructions to append to the agent's system prompt so that such calls succeed.
Each proposal must stand alone, be specific to the failures shown, and never ask for secrets or change credentials.
Answer with JSON only, exactly: {"instructions": ["...", "..."]} (at most 3 items, each under 600 characters).`;

/** Bounds what an example contributes to the prompt. */
const EXAMPLE_BOUNDS = {
  maxStringLength: 1_000,
  maxItems: 20,
  maxDepth: 6,
  maxKeys: 40,
  maxTotalSize: 6_000,
} as const;
const MAX_INSTRUCTION_LENGTH = 2_000;

/** Right answers shown beside wrong ones at most: contrast, not a second dataset. */
const MAX_RIGHT_ANSWERS = 3;

function userPrompt(input: CandidateGeneratorInput, maxExamples: number): string {
  const { pattern } = input;
  const bounded = (items: readonly unknown[], max: number) =>
    items.slice(0, max).map((item) => toJsonSafe(item, EXAMPLE_BOUNDS));
  const wrongAnswers = pattern.category === 'wrong_answer';
  const lines = [
    `Function: ${pattern.function}`,
    `Failure category: ${pattern.category}`,
    `Error type: ${pattern.errorType}`,
    `Error message (normalised): ${pattern.normalizedMessage}`,
    input.outputSchema
      ? `The output must satisfy this JSON Schema: ${JSON.stringify(input.outputSchema)}`
      : '',
  ];
  if (!wrongAnswers) {
    lines.push(`Failing calls:\n${JSON.stringify(bounded(input.failures, maxExamples), null, 2)}`);
  } else {
    // A wrong answer raised no error: its `error` is what the verifier said about the output.
    const wrong = input.failures.map(({ error, ...call }) => ({ ...call, verdict: error ?? '(no message)' }));
    lines.push(
      'These calls returned an answer, and a verifier judged it wrong; `verdict` is what the verifier said.',
      `Wrong answers:\n${JSON.stringify(bounded(wrong, maxExamples), null, 2)}`,
    );
    const right = bounded(input.successes, Math.min(maxExamples, MAX_RIGHT_ANSWERS));
    if (right.length > 0)
      lines.push(`Calls of the same function answered right:\n${JSON.stringify(right, null, 2)}`);
  }
  return lines.filter((line) => line !== '').join('\n');
}

/** The first JSON object in a model's answer (models wrap JSON in prose or code fences). */
function firstJsonObject(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('the analyst answered without a JSON object');
  return JSON.parse(text.slice(start, end + 1));
}

export function createLlmAnalyst(options: LlmAnalystOptions): LlmAnalyst {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxExamples = options.maxExamples ?? 5;
  const maxProposals = options.maxProposals ?? 3;
  const doFetch = options.fetch ?? fetch;
  return {
    async propose(input) {
      // Examples are redacted at ingest; the prompt is redacted again as a whole before it leaves.
      const body = {
        model: options.model,
        temperature: 0.2,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: redactText(userPrompt(input, maxExamples)) },
        ],
      };
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/json',
      };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      const response = await doFetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        const detail = (await response.text().catch(() => '')).slice(0, 300);
        throw new Error(
          `the analyst endpoint answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
        );
      }
      const completion = (await response.json()) as {
        choices?: { message?: { content?: unknown } }[];
      };
      const content = completion.choices?.[0]?.message?.content;
      if (typeof content !== 'string')
        throw new Error('the analyst answer has no choices[0].message.content');
      const proposals = (firstJsonObject(content) as { instructions?: unknown }).instructions;
      if (!Array.isArray(proposals)) throw new Error('the analyst answer has no "instructions" array');
      const texts = [
        ...new Set(
          proposals
            .filter((p): p is string => typeof p === 'string')
            .map((p) => p.trim().slice(0, MAX_INSTRUCTION_LENGTH))
            .filter((p) => p !== ''),
        ),
      ];
      return texts
        .slice(0, maxProposals)
        .map((instructions) =>
          candidateFix(
            { type: 'prompt_adjustment', instructions },
            'analyst',
            `Proposed by ${options.model} after reading ${Math.min(maxExamples, input.failures.length)} ${input.pattern.category === 'wrong_answer' ? 'wrong answers' : 'failing calls'}.`,
          ),
        );
    },
  };
}
