// Verdict vectors shared with the Python SDK: what a verdict on a call (`arc.feedback`, or track's
// `verify`) sends to `POST /v1/feedback`, and what it counts, must not depend on the SDK. Each
// scenario runs the real SDK against a fetch that records the bodies; the items are kept without
// their generated `id` and their clock-made `timestamp`. Written to
// packages/sdk/test-vectors/verdicts.json by scripts/generate-test-vectors.ts;
// verdict-vectors.test.ts checks the file against this code.

import { createArc } from './create-arc.js';

export interface VerdictScenario {
  name: string;
  /** `feedback`: arc.feedback(feedbackId ?? callId, verdict) after the call; `verify`: track's verify answers `verdict`, or throws when it is absent. */
  via: 'feedback' | 'verify';
  function: string;
  callId: string;
  feedbackId?: string;
  input: unknown;
  output: unknown;
  verdict?: unknown;
  threshold?: number;
  /** 1: the call is sampled (a right verdict carries its example); 0: it is not. */
  sampleRate: 0 | 1;
  agentId?: string;
  tags?: Record<string, string>;
}

export interface VerdictVector extends VerdictScenario {
  expected: {
    /** The items sent, less `id` and `timestamp`. */
    feedback: Record<string, unknown>[];
    unmatched: number;
    invalid: number;
    wrongAnswers: number;
    verifyFailures: number;
  };
}

const base = {
  function: 'weather.answer',
  input: { city: 'Paris' },
  output: { temperature: 68, unit: 'fahrenheit' },
};

const SCENARIOS: readonly VerdictScenario[] = [
  {
    ...base,
    name: 'a wrong verdict with label and message',
    via: 'feedback',
    callId: 'req-1',
    sampleRate: 0,
    verdict: { score: 0, label: 'wrong_unit', message: "expected unit 'celsius', got 'fahrenheit'" },
  },
  {
    ...base,
    name: 'a right verdict on an unsampled call carries no example',
    via: 'feedback',
    callId: 'req-2',
    sampleRate: 0,
    verdict: 1,
  },
  {
    ...base,
    name: 'a right verdict after the fact carries no example, even sampled (its success event did)',
    via: 'feedback',
    callId: 'req-3',
    sampleRate: 1,
    verdict: { score: 0.75, message: 'close enough' },
  },
  { ...base, name: 'false is a score of 0', via: 'feedback', callId: 'req-4', sampleRate: 0, verdict: false },
  { ...base, name: 'true is a score of 1', via: 'feedback', callId: 'req-5', sampleRate: 1, verdict: true },
  {
    ...base,
    name: 'just below the default threshold',
    via: 'feedback',
    callId: 'req-6',
    sampleRate: 0,
    verdict: 0.4999,
  },
  {
    ...base,
    name: 'the default threshold itself is right',
    via: 'feedback',
    callId: 'req-7',
    sampleRate: 0,
    verdict: 0.5,
  },
  {
    ...base,
    name: 'a configured threshold',
    via: 'feedback',
    callId: 'req-8',
    sampleRate: 0,
    threshold: 0.8,
    verdict: 0.7,
  },
  {
    ...base,
    name: 'blank label and empty message are left out',
    via: 'feedback',
    callId: 'req-9',
    sampleRate: 0,
    verdict: { score: 0.1, label: '   ', message: '' },
  },
  {
    ...base,
    name: 'secrets redacted in message, label, input and output',
    via: 'feedback',
    callId: 'req-10',
    sampleRate: 0,
    input: { email: 'jane.doe@example.com', note: 'password=hunter2hunter2' },
    output: 'mailed jane.doe@example.com',
    verdict: {
      score: 0,
      label: 'leaked bob@example.com',
      message: 'sent to jane.doe@example.com, token: abcdef123456',
    },
  },
  {
    ...base,
    name: 'a long message is cut and marked',
    via: 'feedback',
    callId: 'req-11',
    sampleRate: 0,
    verdict: { score: 0, message: `too long ${'é'.repeat(5_000)}` },
  },
  {
    ...base,
    name: 'agent id and tags travel with the verdict',
    via: 'feedback',
    callId: 'req-12',
    sampleRate: 0,
    agentId: 'support-bot',
    tags: { team: 'search', region: 'eu' },
    verdict: 0.2,
  },
  {
    ...base,
    name: 'an input bounded as events bound it',
    via: 'feedback',
    callId: 'req-13',
    sampleRate: 0,
    input: {
      deep: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } },
      list: Array.from({ length: 250 }, (_, i) => i),
    },
    verdict: 0,
  },
  {
    ...base,
    name: 'an unknown call is counted, not sent',
    via: 'feedback',
    callId: 'req-14',
    feedbackId: 'req-unknown',
    sampleRate: 0,
    verdict: 0,
  },
  {
    ...base,
    name: 'a score past 1 is no verdict',
    via: 'feedback',
    callId: 'req-15',
    sampleRate: 0,
    verdict: 1.5,
  },
  {
    ...base,
    name: 'a score as text is no verdict',
    via: 'feedback',
    callId: 'req-16',
    sampleRate: 0,
    verdict: '0.3',
  },
  {
    ...base,
    name: 'a label past 200 characters is no verdict',
    via: 'feedback',
    callId: 'req-17',
    sampleRate: 0,
    verdict: { score: 0, label: 'x'.repeat(201) },
  },
  {
    ...base,
    name: 'verify: a wrong answer',
    via: 'verify',
    callId: 'req-18',
    sampleRate: 0,
    verdict: { score: 0, label: 'wrong_unit', message: "expected unit 'celsius', got 'fahrenheit'" },
  },
  {
    ...base,
    name: 'verify: a right answer on a sampled call',
    via: 'verify',
    callId: 'req-19',
    sampleRate: 1,
    verdict: 0.9,
  },
  {
    ...base,
    name: 'verify: a right answer on an unsampled call',
    via: 'verify',
    callId: 'req-20',
    sampleRate: 0,
    verdict: true,
  },
  {
    ...base,
    name: 'verify: an answer that is no verdict is counted',
    via: 'verify',
    callId: 'req-21',
    sampleRate: 0,
    verdict: 'looks fine',
  },
  { ...base, name: 'verify: a throw is counted', via: 'verify', callId: 'req-22', sampleRate: 0 },
];

async function settled(condition: () => boolean): Promise<void> {
  // Verify runs off the call's path; its outcome is a few turns of the event loop away.
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
}

async function run(s: VerdictScenario): Promise<VerdictVector['expected']> {
  const sent: Record<string, unknown>[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (String(url).endsWith('/v1/feedback')) sent.push(...JSON.parse(String(init?.body)).feedback);
    return new Response('{}', { status: 202 });
  };
  const arc = createArc({
    apiKey: 'arc_vectors',
    endpoint: 'http://arc.test',
    fetch: fetch as typeof globalThis.fetch,
    agentId: s.agentId,
    successSampleRate: s.sampleRate,
    random: () => 0.5,
    fixes: { enabled: false },
    flushIntervalMs: 3_600_000,
    feedback: s.threshold === undefined ? {} : { threshold: s.threshold },
  });
  const tracked = arc.track(s.function, (_input: unknown) => s.output, {
    input: (input) => input,
    callId: () => s.callId,
    tags: s.tags,
    verify:
      s.via === 'verify'
        ? () => {
            if (!('verdict' in s)) throw new Error('judge crashed');
            return s.verdict as never;
          }
        : undefined,
  });
  tracked(s.input);
  if (s.via === 'feedback') arc.feedback(s.feedbackId ?? s.callId, s.verdict as never);
  const counted = () => {
    const stats = arc.stats();
    const fn = stats.functions[s.function];
    return stats.feedback.queued + stats.feedback.sent > 0 || (fn?.verifyFailures ?? 0) > 0;
  };
  if (s.via === 'verify') await settled(counted);
  await arc.flush();
  const stats = arc.stats();
  await arc.shutdown();
  return {
    feedback: sent.map(({ id: _id, timestamp: _timestamp, ...item }) => item),
    unmatched: stats.feedback.unmatched,
    invalid: stats.feedback.invalid,
    wrongAnswers: stats.functions[s.function]?.wrongAnswers ?? 0,
    verifyFailures: stats.functions[s.function]?.verifyFailures ?? 0,
  };
}

export async function verdictVectors(): Promise<VerdictVector[]> {
  const vectors: VerdictVector[] = [];
  for (const scenario of SCENARIOS) vectors.push({ ...scenario, expected: await run(scenario) });
  return vectors;
}
