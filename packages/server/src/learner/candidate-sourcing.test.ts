import { addCandidates, type CandidateFix, createLearnerState, type Fix } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import type { ExampleRecord, PatternRecord } from '../storage/storage.js';
import {
  candidatesForExhaustedPattern,
  candidatesForNewPattern,
  generatorInput,
  type PatternMaterial,
} from './candidate-sourcing.js';
import type { LlmAnalyst } from './llm-analyst.js';

function pattern(overrides: Partial<PatternRecord> = {}): PatternRecord {
  return {
    id: 'p-timeout',
    projectId: 'project',
    category: 'timeout',
    function: 'lookup',
    errorType: 'TimeoutError',
    normalizedMessage: 'request timed out after <num>ms',
    signature: {},
    occurrences: 4,
    firstSeen: 0,
    lastSeen: 10,
    overflow: false,
    ...overrides,
  };
}

const example = (input: unknown, message: string | null, output: unknown = null): ExampleRecord => ({
  eventId: `e-${JSON.stringify(input)}`,
  agentId: null,
  timestamp: 0,
  input,
  output,
  error: message === null ? null : { type: 'TimeoutError', message },
  traceId: null,
});

const material = (p: PatternRecord = pattern()): PatternMaterial => ({
  pattern: p,
  failures: [
    example({ user: 1 }, 'request timed out after 5000ms'),
    example({ user: 2 }, 'request timed out after 5000ms'),
  ],
  successes: [example({ user: 3 }, null, { found: true })],
});

/** An analyst over a real endpoint is tested in llm-analyst.test.ts; here only what it answers matters. */
const analystSaying = (answer: () => CandidateFix[]): LlmAnalyst => ({ propose: async () => answer() });

describe('candidate sourcing', () => {
  it('gives generators what the stored examples hold', () => {
    expect(generatorInput(material())).toEqual({
      pattern: {
        id: 'p-timeout',
        category: 'timeout',
        function: 'lookup',
        normalizedMessage: 'request timed out after <num>ms',
        errorType: 'TimeoutError',
      },
      failures: [
        { input: { user: 1 }, error: 'request timed out after 5000ms' },
        { input: { user: 2 }, error: 'request timed out after 5000ms' },
      ],
      successes: [{ input: { user: 3 }, output: { found: true } }],
      seed: 'p-timeout',
    });
  });

  it("hands core one successes array per stored list, so that core mines a function's successes once per step", () => {
    const first = material();
    const second = { ...material(pattern({ id: 'p-other' })), successes: first.successes };
    const successes = generatorInput(first).successes;
    expect(generatorInput(second).successes).toBe(successes);
    expect(generatorInput(material()).successes).not.toBe(successes);
    expect(generatorInput(material()).successes).toEqual(successes);
  });

  it("forces structured output against the function's declared schema, and hands the schema to the analyst", async () => {
    const declared = {
      type: 'object',
      properties: { name: { type: 'string' }, arguments: { type: 'object' } },
      required: ['name', 'arguments'],
      additionalProperties: false,
    };
    const failing = (category: PatternRecord['category'], outputSchema?: Record<string, unknown>) => ({
      pattern: pattern({
        id: `p-${category}`,
        category,
        function: 'bfcl_answer',
        errorType: 'AgentOutputError',
      }),
      // A model that never answered well: no successful output to infer a schema from.
      failures: [example({ q: 1 }, 'output is not a function call: no "name"', '{"function": "f"}')],
      successes: [],
      ...(outputSchema !== undefined ? { outputSchema } : {}),
    });
    for (const category of ['parsing_error', 'validation'] as const) {
      expect(generatorInput(failing(category, declared)).outputSchema).toBe(declared);
      const seen: unknown[] = [];
      const generated = await candidatesForNewPattern(failing(category, declared), [], {
        analyst: {
          propose: async (input) => {
            seen.push(input.outputSchema);
            return [];
          },
        },
        onError: () => {},
      });
      if (generated.kind !== 'candidates') throw new Error('expected candidates');
      const format = generated.candidates.find((c) => c.fix.type === 'response_format');
      expect(format, category).toMatchObject({
        fix: { type: 'response_format', name: 'bfcl_answer', schema: declared, strict: true },
        origin: 'rule',
        rationale: expect.stringContaining('declared JSON Schema'),
      });
      expect(seen).toEqual([declared]);

      const undeclared = await candidatesForNewPattern(failing(category), [], { onError: () => {} });
      if (undeclared.kind !== 'candidates') throw new Error('expected candidates');
      expect(undeclared.candidates.some((c) => c.fix.type === 'response_format')).toBe(false);
    }
  });

  it("uses the category's generators, transfers fixes learned for similar patterns first, and adds the analyst's", async () => {
    const learned: Fix = { type: 'param_patch', params: { timeoutMs: 20_000 } };
    const proposal: CandidateFix = {
      id: 'fix_analyst',
      fix: { type: 'prompt_adjustment', instructions: 'Be quick.' },
      origin: 'analyst',
      rationale: 'r',
    };
    const generated = await candidatesForNewPattern(
      material(),
      [
        {
          patternId: 'p-similar',
          normalizedMessage: 'request timed out after <num> ms',
          fix: learned,
          improvement: 0.5,
        },
      ],
      { analyst: analystSaying(() => [proposal]), onError: () => {} },
    );
    if (generated.kind !== 'candidates') throw new Error('expected candidates');
    const origins = generated.candidates.map((c) => c.origin);
    expect(origins[0]).toBe('transfer');
    expect(generated.candidates[0]!.fix).toEqual(learned);
    expect(generated.candidates[0]!.warmStartTheta).toBeGreaterThan(0);
    expect(generated.candidates.some((c) => c.fix.type === 'retry_policy')).toBe(true);
    expect(origins.at(-1)).toBe('analyst');
    expect(new Set(generated.candidates.map((c) => c.id)).size).toBe(generated.candidates.length);
  });

  it('escalates authentication failures without asking the analyst', async () => {
    let asked = 0;
    const generated = await candidatesForNewPattern(material(pattern({ category: 'auth_failure' })), [], {
      analyst: analystSaying(() => {
        asked++;
        return [];
      }),
      onError: () => {},
    });
    expect(generated).toEqual({
      kind: 'escalate',
      reason: expect.stringMatching(/Authentication failures of `lookup`/),
    });
    expect(asked).toBe(0);
  });

  it('keeps the other candidates when the analyst fails, and reports why', async () => {
    const errors: unknown[] = [];
    const generated = await candidatesForNewPattern(material(), [], {
      analyst: analystSaying(() => {
        throw new Error('endpoint down');
      }),
      onError: (e) => errors.push(e),
    });
    expect(generated.kind === 'candidates' && generated.candidates.length > 0).toBe(true);
    expect(errors.map(String)).toEqual(['Error: endpoint down']);
  });

  it("drops candidates past core's fix limits, reporting each, and keeps the others", async () => {
    const errors: unknown[] = [];
    const long: CandidateFix = {
      id: 'fix_long_examples',
      fix: { type: 'few_shot', examples: [{ input: 'q', output: 'a'.repeat(60_000) }] },
      origin: 'analyst',
      rationale: 'r',
    };
    const short: CandidateFix = {
      id: 'fix_short',
      fix: { type: 'prompt_adjustment', instructions: 'Be quick.' },
      origin: 'analyst',
      rationale: 'r',
    };
    const generated = await candidatesForNewPattern(material(), [], {
      analyst: analystSaying(() => [long, short]),
      onError: (e) => errors.push(e),
    });
    if (generated.kind !== 'candidates') throw new Error('expected candidates');
    const ids = generated.candidates.map((c) => c.id);
    expect(ids).toContain('fix_short');
    expect(ids).not.toContain('fix_long_examples');
    expect(errors.map(String)).toEqual([
      'RangeError: candidate fix_long_examples (analyst) dropped: fix.examples must be at most 32768 characters as JSON in all (is 60027)',
    ]);
    // What is left can be added to the learner's state.
    expect(() =>
      addCandidates(
        createLearnerState(),
        { id: 'p-timeout', function: 'lookup', category: 'timeout' },
        generated.candidates,
      ),
    ).not.toThrow();
  });

  it('renews an exhausted pattern with combinations of its best candidates it does not have yet', async () => {
    const unknown = material(pattern({ category: 'unknown' }));
    const first = await candidatesForNewPattern(unknown, [], { onError: () => {} });
    if (first.kind !== 'candidates') throw new Error('expected candidates');
    const state = addCandidates(
      createLearnerState(),
      { id: 'p-timeout', function: 'lookup', category: 'unknown' },
      first.candidates,
    );
    const renewed = await candidatesForExhaustedPattern(state, unknown, { onError: () => {} });
    const known = new Set(state.patterns[0]!.candidates.map((c) => c.id));
    expect(renewed.length).toBeGreaterThan(0);
    for (const c of renewed) {
      expect(known.has(c.id)).toBe(false);
      expect(c.origin).toBe('combination');
      expect(c.fix.type).toBe('composite');
    }
  });
});
