// arc.feedback and track's verify over real HTTP: what reaches `POST /v1/feedback`, and that
// nothing a verdict or a verifier does reaches the host.

import { type DeployedFix, redactIdentifier } from '@arc-agent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Arc, type ArcOptions, createArc } from './create-arc.js';
import {
  receivedEvents,
  receivedFeedback,
  startArcTestServer,
  type TestServer,
  until,
} from './http-test-server.fixture.js';
import { MAX_PENDING_RUNS } from './pending-limit.js';
import { ValidationError } from './validators.js';

let server: TestServer | undefined;
let arc: Arc | undefined;

afterEach(async () => {
  await arc?.shutdown({ timeoutMs: 500 });
  await server?.close();
  arc = undefined;
  server = undefined;
});

async function setup(options: Partial<ArcOptions> = {}, fixes: DeployedFix[] = []): Promise<Arc> {
  server = await startArcTestServer({ fixes });
  arc = createArc({
    endpoint: server.url,
    apiKey: 'arc_test',
    agentId: 'agent-7',
    successSampleRate: 0,
    flushIntervalMs: 60_000,
    fixes: { enabled: fixes.length > 0 },
    ...options,
  });
  return arc;
}

async function feedback(): Promise<Record<string, unknown>[]> {
  await arc!.flush();
  return receivedFeedback(server!);
}

type Question = { id: string; city: string };
const forecast = async (q: Question) => ({
  city: q.city,
  unit: q.city === 'Paris' ? 'celsius' : 'fahrenheit',
});
const SECRET = 'sk-proj-4f9Qz2LmX8vB7nR1tY6uW3eK0pJ5sD';

describe('arc.feedback', () => {
  it('turns a wrong verdict on a named call into a verdict carrying its input, output, tags and time', async () => {
    const a = await setup();
    const weather = a.track('weather.answer', forecast, { callId: (q) => q.id, tags: { env: 'test' } });
    const before = Date.now();
    expect(await weather({ id: 'req-1', city: 'Oslo' })).toEqual({ city: 'Oslo', unit: 'fahrenheit' });
    a.feedback('req-1', {
      score: 0,
      label: 'wrong_unit',
      message: `expected unit 'celsius', got 'fahrenheit' (key ${SECRET})`,
    });
    const [item, ...rest] = await feedback();
    expect(rest).toEqual([]);
    expect(item).toEqual({
      id: expect.any(String),
      callId: 'req-1',
      function: 'weather.answer',
      score: 0,
      threshold: 0.5,
      label: 'wrong_unit',
      message: expect.stringMatching(/^expected unit 'celsius', got 'fahrenheit' \(key \S+\)$/),
      input: [{ id: 'req-1', city: 'Oslo' }],
      output: { city: 'Oslo', unit: 'fahrenheit' },
      timestamp: expect.any(Number),
      agentId: 'agent-7',
      tags: { env: 'test' },
    });
    // Redacted before it left the process.
    expect(JSON.stringify(item)).not.toContain(SECRET);
    expect(item!.timestamp as number).toBeGreaterThanOrEqual(before - 1000);
    expect(item!.timestamp as number).toBeLessThanOrEqual(Date.now());
    expect(a.stats().functions['weather.answer']).toMatchObject({ successes: 1, wrongAnswers: 1 });
    expect(a.stats().feedback).toMatchObject({ sent: 1, unmatched: 0, invalid: 0 });
  });

  it('redacts the call id, label, message and tags before they leave; the host names the call by its own id', async () => {
    const a = await setup();
    const callId = `req/${SECRET}`;
    const weather = a.track('weather.answer', forecast, {
      callId: () => callId,
      tags: { note: `key ${SECRET}` },
    });
    await weather({ id: 'q', city: 'Oslo' });
    a.feedback(callId, { score: 0, label: `leaked ${SECRET}`, message: `answered with ${SECRET}` });
    const [item] = await feedback();
    expect(JSON.stringify(item)).not.toContain(SECRET);
    expect(item).toMatchObject({
      label: expect.stringMatching(/^leaked \[REDACTED:/),
      message: expect.stringMatching(/^answered with \[REDACTED:/),
      tags: { note: expect.stringMatching(/^key \[REDACTED:/) },
    });
    // A stable placeholder keyed by the API key, as the server redacts ids with the key a request
    // came with: it keeps this one as sent, the same as an event id naming the same call.
    expect(item!.callId).toMatch(/^req\/\[REDACTED:openai_key#[0-9a-f]+\]$/);
    expect(item!.callId).toBe(redactIdentifier(callId, 'arc_test', 200));
    expect(a.stats().feedback).toMatchObject({ sent: 1, unmatched: 0 });
  });

  it('hands a generated id to onCall; a right verdict carries no example the call already sent', async () => {
    const a = await setup();
    const ids = new Map<string, string>();
    const weather = a.track('weather.answer', forecast, {
      onCall: ({ callId, args, output }) => {
        expect(output).toEqual({ city: args[0].city, unit: expect.any(String) });
        ids.set(args[0].id, callId);
      },
    });
    await weather({ id: 'q1', city: 'Paris' });
    await weather({ id: 'q2', city: 'Rome' });
    expect(ids.get('q1')).not.toBe(ids.get('q2'));
    a.feedback(ids.get('q1')!, true);
    a.feedback(ids.get('q2')!, 0.2);
    const items = await feedback();
    expect(items.map((i) => [i.callId, i.score, 'input' in i])).toEqual([
      [ids.get('q1'), 1, false],
      [ids.get('q2'), 0.2, true],
    ]);
  });

  it('judges by the configured threshold', async () => {
    const a = await setup({ feedback: { threshold: 0.8 } });
    const weather = a.track('weather.answer', forecast, { callId: (q) => q.id });
    await weather({ id: 'a', city: 'Oslo' });
    a.feedback('a', 0.7);
    expect(await feedback()).toEqual([
      expect.objectContaining({ score: 0.7, threshold: 0.8, input: expect.any(Array) }),
    ]);
    expect(() => createArc({ endpoint: server!.url, apiKey: 'k', feedback: { threshold: 2 } })).toThrow(
      /feedback.threshold/,
    );
    expect(() => createArc({ endpoint: server!.url, apiKey: 'k', feedback: { recentCalls: -1 } })).toThrow(
      /feedback.recentCalls/,
    );
  });

  it('counts one verdict per call, and only counts verdicts it cannot match or read', async () => {
    const a = await setup({ feedback: { recentCalls: 2 } });
    const weather = a.track('weather.answer', forecast, { callId: (q) => q.id });
    const failing = a.track(
      'weather.fail',
      async (_q: Question) => {
        throw new Error('down');
      },
      { callId: (q) => q.id },
    );
    for (const id of ['1', '2', '3']) await weather({ id, city: 'Oslo' });
    await expect(failing({ id: 'f', city: 'x' })).rejects.toThrow('down');
    a.feedback('3', 0);
    a.feedback('3', 0); // judged already
    a.feedback('1', 0); // forgotten: only the last 2 are kept
    a.feedback('f', 0); // failed: already reported as the failure it is
    a.feedback('nobody', 1);
    for (const bad of [undefined, null, 2, Number.NaN, '0.5', { score: 'x' }, { score: 0, label: 9 }, []]) {
      expect(() => a.feedback('2', bad as never)).not.toThrow();
    }
    expect(() => a.feedback(undefined as never, 0)).not.toThrow();
    const hostile = {
      get score(): number {
        throw new Error('trap');
      },
    };
    expect(() => a.feedback('2', hostile as never)).not.toThrow();
    a.feedback('2', 1);
    expect((await feedback()).map((i) => i.callId)).toEqual(['3', '2']);
    expect(a.stats().feedback).toMatchObject({ unmatched: 4, invalid: 9 });
    expect(a.stats().internalErrors).toBe(1); // the trap, contained
  });

  it('falls back to a generated id when callId throws or names nothing, and bounds long ids', async () => {
    const a = await setup();
    const seen: string[] = [];
    const weather = a.track('weather.answer', forecast, {
      callId: (q) => {
        if (q.id === 'boom') throw new Error('no id');
        return q.id;
      },
      onCall: ({ callId }) => seen.push(callId),
    });
    await weather({ id: 'boom', city: 'Oslo' });
    await weather({ id: '', city: 'Oslo' });
    const long = 'x'.repeat(500);
    await weather({ id: long, city: 'Oslo' });
    expect(seen[0]).toMatch(/^[0-9a-f-]{36}-\w+$/);
    expect(seen[1]).toMatch(/^[0-9a-f-]{36}-\w+$/);
    expect(seen[2]).toBe(long);
    expect(a.stats().internalErrors).toBe(2);
    a.feedback(long, 0);
    expect((await feedback())[0]!.callId).toBe(long.slice(0, 200));
  });

  it('reports the canary arm and fixes of the judged call', async () => {
    const canary: DeployedFix = {
      id: 'fx-canary',
      version: 1,
      patternId: 'pat_x',
      function: 'weather.answer',
      fix: { type: 'output_repair', json: true, coerce: false },
      risk: 'low',
      confidence: 0.5,
      canaryShare: 0.5,
    };
    const a = await setup({}, [canary]);
    const weather = a.track('weather.answer', forecast, { callId: (q) => q.id });
    await a.refreshFixes();
    for (let i = 0; i < 8; i++) await weather({ id: `c${i}`, city: 'Oslo' });
    for (let i = 0; i < 8; i++) a.feedback(`c${i}`, 0);
    const items = await feedback();
    expect(items).toHaveLength(8);
    for (const item of items) {
      const tags = item.tags as Record<string, string>;
      expect(tags.canaryFixIds).toBe('fx-canary');
      expect(item.fixIds ?? []).toEqual(tags.canary === 'treatment' ? ['fx-canary'] : []);
    }
    expect(new Set(items.map((i) => (i.tags as Record<string, string>).canary))).toEqual(
      new Set(['treatment', 'control']),
    );
  });

  it('does nothing on a disabled Arc', () => {
    const off = createArc({ endpoint: 'http://127.0.0.1:1', apiKey: 'k', disabled: true });
    expect(() => off.feedback('x', 0)).not.toThrow();
    expect(off.stats().feedback).toEqual({
      sent: 0,
      dropped: 0,
      failed: 0,
      queued: 0,
      retries: 0,
      lastError: null,
      unmatched: 0,
      invalid: 0,
    });
  });
});

describe("track's verify", () => {
  const parseCall = (text: string) => JSON.parse(text) as { name: string; unit: string };

  it('scores what validators check, off the call path, and reports a wrong answer with its example', async () => {
    const a = await setup({ successSampleRate: 1 });
    let resolveVerify: (value: boolean) => void = () => undefined;
    const verified: unknown[][] = [];
    const answer = a.track(
      'weather.answer',
      async (q: Question) => `{"name":"forecast","unit":"${q.city === 'Paris' ? 'celsius' : 'fahrenheit'}"}`,
      {
        parse: parseCall,
        callId: (q) => q.id,
        verify: (call, q) => {
          verified.push([call, q]);
          return new Promise<boolean>((resolve) => {
            resolveVerify = resolve;
          });
        },
      },
    );
    // The caller has its result while the verifier is still thinking.
    expect(await answer({ id: 'v1', city: 'Oslo' })).toBe('{"name":"forecast","unit":"fahrenheit"}');
    expect(verified).toEqual([
      [
        { name: 'forecast', unit: 'fahrenheit' },
        { id: 'v1', city: 'Oslo' },
      ],
    ]);
    resolveVerify(false);
    await until(() => a.stats().functions['weather.answer']?.wrongAnswers === 1);
    const [item] = await feedback();
    expect(item).toMatchObject({
      callId: 'v1',
      score: 0,
      input: [{ id: 'v1', city: 'Oslo' }],
      output: '{"name":"forecast","unit":"fahrenheit"}',
    });
    // Its success was counted, never sent as a successful example: the verdict carries examples.
    const events = receivedEvents(server!);
    expect(events).toEqual([expect.objectContaining({ kind: 'success', tags: { 'arc.count': '1' } })]);
    // A verdict after the fact cannot judge it a second time.
    a.feedback('v1', 0);
    expect(a.stats().feedback.unmatched).toBe(1);
  });

  it('sends a right answer with its example when the call is sampled, without when not', async () => {
    const a = await setup({ successSampleRate: 1 });
    const sampled = a.track('weather.sampled', forecast, { verify: () => ({ score: 0.9, message: 'fine' }) });
    await sampled({ id: 's', city: 'Paris' });
    await until(() => a.stats().feedback.queued === 1);
    const b = createArc({
      endpoint: server!.url,
      apiKey: 'k',
      successSampleRate: 0,
      flushIntervalMs: 60_000,
      fixes: { enabled: false },
    });
    const unsampled = b.track('weather.unsampled', forecast, { verify: () => 1 });
    await unsampled({ id: 'u', city: 'Paris' });
    await until(() => b.stats().feedback.queued === 1);
    await b.shutdown({ timeoutMs: 500 });
    const items = await feedback();
    expect(items.find((i) => i.function === 'weather.sampled')).toMatchObject({
      score: 0.9,
      message: 'fine',
      input: [{ id: 's', city: 'Paris' }],
      output: { city: 'Paris', unit: 'celsius' },
    });
    expect(items.find((i) => i.function === 'weather.unsampled')).not.toHaveProperty('input');
  });

  it('is not asked about calls that failed their validators', async () => {
    const a = await setup();
    let asked = 0;
    const answer = a.track('weather.answer', forecast, {
      validators: [(out) => out.unit === 'celsius' || 'unit must be celsius'],
      throwOnInvalid: true,
      verify: () => {
        asked++;
        return 1;
      },
    });
    await expect(answer({ id: 'x', city: 'Oslo' })).rejects.toBeInstanceOf(ValidationError);
    await answer({ id: 'y', city: 'Paris' });
    await until(() => asked === 1);
    expect(asked).toBe(1);
  });

  it('never lets a throwing, rejecting, hanging or garbled verify reach the host, and counts each', async () => {
    const a = await setup({ feedback: { verifyTimeoutMs: 50 } });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const verifiers = {
        throws: () => {
          throw new Error('verifier bug');
        },
        rejects: async () => {
          throw new Error('judge down');
        },
        hangs: () => new Promise<number>(() => undefined),
        garbled: () => 'very good' as never,
        outOfRange: () => 7,
        late: () => new Promise<number>((_, reject) => setTimeout(() => reject(new Error('too late')), 100)),
      };
      for (const [name, verify] of Object.entries(verifiers)) {
        const sync = a.track(`sync.${name}`, (q: Question) => q.city, { verify });
        expect(sync({ id: '1', city: 'Oslo' })).toBe('Oslo');
        const later = a.track(`async.${name}`, forecast, { verify });
        expect(await later({ id: '2', city: 'Oslo' })).toEqual({ city: 'Oslo', unit: 'fahrenheit' });
      }
      await until(() =>
        Object.keys(verifiers).every(
          (name) =>
            a.stats().functions[`sync.${name}`]?.verifyFailures === 1 &&
            a.stats().functions[`async.${name}`]?.verifyFailures === 1,
        ),
      );
      // The late rejection arrives after its timeout, and goes nowhere.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(unhandled).toEqual([]);
      expect(await feedback()).toEqual([]);
      expect(a.stats().internalErrors).toBe(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('holds a bounded number of verifies that have not answered; past it a call is left unjudged and counted', async () => {
    const a = await setup();
    const asked: unknown[] = [];
    // Never answers within the (default) 30 s: each run holds the call's input and output meanwhile.
    const judged = a.track('judged', (q: Question) => q.city, {
      verify: (output) => {
        asked.push(output);
        return new Promise<number>(() => undefined);
      },
    });
    for (let i = 0; i < MAX_PENDING_RUNS + 5; i++) expect(judged({ id: `${i}`, city: 'Oslo' })).toBe('Oslo');
    expect(asked).toHaveLength(MAX_PENDING_RUNS);
    expect(a.stats().functions.judged?.verifyFailures).toBe(5);
  });

  it('past that bound, still judges a call whose verify answers at once; one that answered later is not started again', async () => {
    const a = await setup();
    const never = a.track('never', (q: Question) => q.city, {
      verify: () => new Promise<number>(() => undefined),
    });
    for (let i = 0; i < MAX_PENDING_RUNS; i++) never({ id: `${i}`, city: 'Oslo' });
    const judged = a.track('judged.now', (q: Question) => q.city, { verify: (city) => city === 'Oslo' });
    expect([judged({ id: 'a', city: 'Oslo' }), judged({ id: 'b', city: 'Bergen' })]).toEqual([
      'Oslo',
      'Bergen',
    ]);
    const asked: unknown[] = [];
    const later = a.track('judged.later', (q: Question) => q.city, {
      verify: (city) => {
        asked.push(city);
        return Promise.resolve(true);
      },
    });
    later({ id: 'c', city: 'Oslo' });
    later({ id: 'd', city: 'Rome' });
    expect(asked).toEqual(['Oslo']);
    expect(a.stats().functions['judged.now']).toMatchObject({ verifyFailures: 0, wrongAnswers: 1 });
    expect(a.stats().functions['judged.later']).toMatchObject({ verifyFailures: 2, wrongAnswers: 0 });
    expect((await feedback()).map((f) => [f.function, f.output, f.score])).toEqual([
      ['judged.now', undefined, 1],
      ['judged.now', 'Bergen', 0],
    ]);
  });

  it('rejects options that are not functions at track time', async () => {
    const a = await setup();
    for (const name of ['verify', 'callId', 'onCall']) {
      expect(() => a.track('x', () => 1, { [name]: 'nope' } as never)).toThrow(`${name} must be a function`);
    }
  });
});
