// Failures only a verifier sees, end to end (DESIGN.md section 8, issue 11), on SQLite and on
// PostgreSQL. Every part of Arc is the real one: the SDK (`track` with `verify`, `arc.feedback`,
// the fix cache, canary arms, the rollout worker), the HTTP API on a real port, storage, and the
// learner runner with its canary monitor. People act through the API with an admin key. Only the
// agent is built here, the way a user builds one:
//
// - `weather.answer` answers "What is the weather in <city>?" with a JSON report from a
//   deterministic stand-in for an LLM that reads its call: the unit the question asks for, else the
//   unit of the last example exchange in its conversation (few-shot examples come first, the
//   nearest last), else celsius when its system prompt says so, else fahrenheit.
// - Its verifier knows the convention: fahrenheit in the US, celsius elsewhere. So the answers for
//   European cities come back, pass every check of form, and are wrong, which only `verify` sees.
//
// The learner must find what fixes that without breaking the US answers: an instruction to use
// celsius fixes Europe and breaks the US (its rollouts on working inputs show it), while examples
// chosen per input from answers judged right (the same city asked "in celsius") fix Europe and
// leave the US alone.

import { type Fix, fixParts } from '@arc-agent/core';
import { type Arc, createArc, pathCallShape, type RolloutWorker } from '@arc-agent/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LearnerRunner } from './learner/learner-runner.js';
import { openTestStorages } from './storage/test-databases.js';
import { startTestServer, type TestServer, waitUntil } from './test-server.fixture.js';

const FUNCTION = 'weather.answer';
const EUROPE = ['Paris', 'Berlin', 'Rome', 'Madrid', 'Oslo', 'Vienna', 'Lisbon', 'Dublin'];
const AMERICA = ['Boston', 'Denver', 'Chicago', 'Seattle', 'Austin', 'Miami'];

/** Small steps, fast triggers and quick canaries, as a person sets them through the API. */
const SETTINGS = {
  batchSize: 8,
  groupSize: 4,
  syncInterval: 2,
  minTrials: 4,
  minGuardTrials: 6,
  maxRegression: 0.2,
  triggerFailures: 5,
  triggerIntervalMs: 300,
  stepTimeoutMs: 6_000,
  canaryShare: 0.5,
  canaryMaxTrials: 40,
};

type Unit = 'celsius' | 'fahrenheit';
interface Question {
  question: string;
}
interface ModelCall {
  system: string;
  messages: { role: string; content: unknown }[];
}
interface Report {
  city: string;
  temperature: number;
  unit: Unit;
}

const MODEL: ModelCall = { system: 'You are a weather assistant. Answer with a JSON report.', messages: [] };

const ask = (city: string, unit?: Unit): Question => ({
  question: `What is the weather in ${city}${unit ? ` in ${unit}` : ''}?`,
});
const cityOf = (question: Question) => /in ([A-Z][a-z]+)/.exec(question.question)![1]!;
const expectedUnit = (city: string): Unit => (AMERICA.includes(city) ? 'fahrenheit' : 'celsius');

/** The stand-in model: follows the question, then the last example, then the system prompt. */
async function weatherAgent(question: Question, model: ModelCall): Promise<string> {
  const asked = /in (celsius|fahrenheit)\?$/.exec(question.question)?.[1] as Unit | undefined;
  const lastExample = model.messages.filter((m) => m.role === 'assistant').at(-1);
  const shown =
    typeof lastExample?.content === 'string'
      ? (JSON.parse(lastExample.content) as Partial<Report>).unit
      : undefined;
  const told: Unit | undefined = /\bcelsius\b/i.test(model.system) ? 'celsius' : undefined;
  const unit = asked ?? shown ?? told ?? 'fahrenheit';
  const city = cityOf(question);
  const celsius = 10 + (city.length % 7);
  const report: Report = { city, temperature: unit === 'celsius' ? celsius : celsius * 1.8 + 32, unit };
  return JSON.stringify(report);
}

/**
 * Production traffic: every European city asked plainly (wrong) and in celsius (right), every US
 * city plainly (right), twice: most working calls are American, so rollouts on working inputs
 * soon show what a fix breaks there.
 */
const TRAFFIC: Question[] = [
  ...EUROPE.map((city) => ask(city)),
  ...EUROPE.map((city) => ask(city, 'celsius')),
  ...AMERICA.map((city) => ask(city)),
  ...AMERICA.map((city) => ask(city)),
];

describe.each(openTestStorages())('wrong answers learned from verdicts, end to end ($name)', (backend) => {
  const learnerErrors: unknown[] = [];
  let server: TestServer;
  let arc: Arc;
  let answer: (question: Question, model: ModelCall) => Promise<string>;
  let runner: LearnerRunner | undefined;
  let worker: RolloutWorker | undefined;
  let patternId = '';
  /** What verify said of each production question asked (rollouts replay copies, not these). */
  const verdicts = new Map<Question, boolean>();
  const reported = () => {
    const f = arc.stats().feedback;
    return f.sent + f.queued + f.failed + f.dropped;
  };

  const admin = (method: string, path: string, body?: unknown) =>
    server.request(method, path, { key: server.adminKey, ...(body === undefined ? {} : { body }) });

  /** Calls the agent on every question, each judged by verify and reported; the share judged right. */
  async function serve(questions: readonly Question[]): Promise<number> {
    const asked = questions.map((q) => ({ ...q }));
    const before = reported();
    for (const question of asked) await answer(question, MODEL);
    await waitUntil(() => reported() === before + asked.length, 'every verdict reported');
    return asked.filter((q) => verdicts.get(q)).length / asked.length;
  }

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
    expect((await admin('PUT', '/v1/learning/config', SETTINGS)).status).toBe(200);
    arc = createArc({
      endpoint: server.url,
      apiKey: await server.key(['ingest', 'read', 'worker']),
      agentId: 'weather-bot',
      flushIntervalMs: 100,
      // Right answers are sent with their example: the pool few-shot fixes are mined from.
      successSampleRate: 1,
      fixes: { pollIntervalMs: 200 },
    });
    answer = arc.track(FUNCTION, weatherAgent, {
      callShape: pathCallShape({ system: '1.system', messages: '1.messages' }),
      parse: (text: string) => JSON.parse(text) as Report,
      input: (question) => question,
      replayArgs: (input) => [input as Question, MODEL],
      verify: (report, question) => {
        const expected = expectedUnit(cityOf(question));
        const right = (report as unknown as Report).unit === expected;
        verdicts.set(question, right);
        return right
          ? 1
          : { score: 0, message: `expected unit '${expected}', got '${(report as unknown as Report).unit}'` };
      },
    });
  });

  afterAll(async () => {
    await worker?.stop({ timeoutMs: 1_000 });
    await runner?.stop();
    await arc?.shutdown();
    await server?.close();
    await backend.cleanup();
  });

  it("turns verify's verdicts into a wrong_answer pattern with replayable inputs", {
    timeout: 30_000,
  }, async () => {
    const before = await serve([...TRAFFIC, ...TRAFFIC]);
    expect(before).toBeCloseTo(40 / 56, 10);
    await arc.flush();
    const listed = (await admin('GET', `/v1/patterns?function=${FUNCTION}`)).body.patterns;
    expect(listed).toEqual([
      expect.objectContaining({
        category: 'wrong_answer',
        errorType: 'WrongAnswer',
        normalizedMessage: "expected unit 'celsius', got <value>",
        occurrences: 16,
      }),
    ]);
    patternId = listed[0].id;
    const pattern = (await admin('GET', `/v1/patterns/${patternId}`)).body;
    expect(pattern.examples[0]).toMatchObject({
      input: { question: expect.stringMatching(/^What is the weather in [A-Z][a-z]+\?$/) },
      output: expect.stringContaining('"unit":"fahrenheit"'),
      error: { type: 'WrongAnswer', message: "expected unit 'celsius', got 'fahrenheit'" },
    });
    // Each wrong answer took back the success its call was counted as when it returned.
    const stats = (await admin('GET', '/v1/functions')).body.functions;
    expect(stats).toEqual([expect.objectContaining({ function: FUNCTION, successes: 40, failures: 16 })]);
    console.log(`[${backend.name}] before learning: ${(before * 100).toFixed(0)} % of answers judged right`);
  });

  it('learns, from rollouts its verify scores, examples chosen per input, and deploys them', {
    timeout: 120_000,
  }, async () => {
    runner = new LearnerRunner({
      storage: server.storage,
      projectId: server.projectId,
      tickMs: 100,
      pollMs: 20,
      onError: (error) => learnerErrors.push(error),
    });
    runner.start();
    worker = arc.worker({ [FUNCTION]: answer }, { concurrency: 16, pollIntervalMs: 25, leaseMs: 20_000 });
    const deadline = Date.now() + 100_000;
    let promoted:
      | { fixId: string; fix: Fix; status: string; patternId: string; treatment: { trials: number } }
      | undefined;
    for (;;) {
      // The agent keeps serving (and its verifier judging) while Arc learns: canaries are judged on it.
      await serve(TRAFFIC);
      for (const approval of (await admin('GET', '/v1/approvals?status=pending')).body.approvals) {
        expect(approval.result.patternId).toBe(patternId);
        expect((await admin('POST', `/v1/approvals/${approval.id}/approve`, { comment: 'ok' })).status).toBe(
          200,
        );
      }
      const deployments = (await admin('GET', `/v1/deployments?function=${FUNCTION}&limit=100`)).body
        .deployments;
      promoted = deployments.find((d: { status: string }) => d.status === 'promoted');
      if (promoted !== undefined) break;
      if (Date.now() > deadline)
        throw new Error(`no fix promoted in time: ${JSON.stringify(deployments, null, 1)}`);
    }
    expect(learnerErrors.map(String)).toEqual([]);
    expect(
      (
        await admin('PUT', '/v1/learning/config', {
          ...SETTINGS,
          triggerFailures: 1_000_000,
          triggerIntervalMs: 3_600_000,
        })
      ).status,
    ).toBe(200);

    // What was learned: examples chosen per input (alone or with the verifier's instruction).
    expect(promoted.patternId).toBe(patternId);
    const pooled = fixParts(promoted.fix).find((part) => part.type === 'few_shot');
    expect(pooled).toMatchObject({ type: 'few_shot', nearest: 3 });
    // Verdicts on canary calls were counted in the canary's arms.
    expect(promoted.treatment.trials).toBeGreaterThan(0);

    // The rollouts were scored by verify: replays of the failing inputs without a fix scored 0
    // (no validator rejects them), with the promoted fix 1.
    const step = (await server.storage.getLearnerState(server.projectId))!.step;
    const rollouts = (
      await Promise.all(
        Array.from({ length: step }, (_, i) => server.storage.listRollouts(server.projectId, i + 1)),
      )
    ).flat();
    const failing = rollouts.filter((r) => r.source === 'failure' && r.status === 'done');
    expect(failing.filter((r) => r.fix === null).map((r) => r.reward)).toContain(0);
    expect(failing.filter((r) => r.fix === null).every((r) => r.reward === 0)).toBe(true);
    const withPromoted = failing.filter((r) => r.candidateId === promoted!.fixId);
    expect(withPromoted.length).toBeGreaterThan(0);
    expect(withPromoted.every((r) => r.reward === 1)).toBe(true);

    // The instruction alone fixes Europe and breaks the US: its rollouts on working inputs show it.
    const candidates = (await admin('GET', `/v1/patterns/${patternId}/candidates`)).body.candidates as {
      fix: Fix | null;
      accepted: boolean;
      guard: { successes: number; trials: number };
    }[];
    const instruction = candidates.find((c) => c.fix?.type === 'prompt_adjustment');
    expect(instruction).toBeDefined();
    expect(instruction!.fix).toEqual({
      type: 'prompt_adjustment',
      instructions: [
        'Answers of `weather.answer` were judged wrong by its verifier.',
        'Follow these corrections:',
        "- Use unit 'celsius', not 'fahrenheit'.",
      ].join('\n'),
    });
    expect(instruction!.accepted).toBe(false);
    if (instruction!.guard.trials > 0)
      expect(instruction!.guard.successes).toBeLessThan(instruction!.guard.trials);

    await arc.refreshFixes();
    const after = await serve(TRAFFIC);
    console.log(
      `[${backend.name}] after learning: ${(after * 100).toFixed(0)} % of answers judged right; promoted ${JSON.stringify(
        fixParts(promoted.fix).map((p) => p.type),
      )} after ${step} steps`,
    );
    expect(after).toBe(1);
  });

  it('takes a verdict after the fact from arc.feedback over HTTP, on a call named by onCall', {
    timeout: 30_000,
  }, async () => {
    // Another project, so the learner above is not handed a pattern no worker replays.
    const key = await server.key(['ingest', 'read'], 'reviews');
    const reviewer = createArc({
      endpoint: server.url,
      apiKey: key,
      flushIntervalMs: 60_000,
      fixes: { enabled: false },
    });
    try {
      let id = '';
      const summarize = reviewer.track(
        'weather.summary',
        async (city: string) => `Sunny in ${city} all week.`,
        {
          onCall: ({ callId }) => {
            id = callId;
          },
        },
      );
      await summarize('Rome');
      reviewer.feedback(id, { score: 0.1, label: 'made_up', message: 'no forecast for Rome says sunny' });
      await reviewer.flush();
      expect(reviewer.stats().feedback).toMatchObject({ sent: 1, failed: 0 });
      const patterns = (await server.request('GET', '/v1/patterns?function=weather.summary', { key })).body
        .patterns;
      expect(patterns).toEqual([
        expect.objectContaining({ category: 'wrong_answer', errorType: 'made_up', occurrences: 1 }),
      ]);
      const [example] = (await server.request('GET', `/v1/patterns/${patterns[0].id}`, { key })).body
        .examples;
      expect(example).toMatchObject({ input: ['Rome'], output: 'Sunny in Rome all week.' });
    } finally {
      await reviewer.shutdown();
    }
  });
});
