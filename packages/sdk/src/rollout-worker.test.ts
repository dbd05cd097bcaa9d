// The rollout worker against the real Arc server (buildApp over SQLite and PostgreSQL, on a real
// port): jobs are queued in the server's rollout queue as the learner queues them, leased and
// reported over HTTP, and read back from storage. The server's failure modes (down, garbage, 429)
// come from a real local HTTP server that misbehaves on purpose.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeployedFix, Fix } from '@arc-agent/core';
import type { NewRolloutJob, RolloutJob as StoredJob } from '@arc-agent/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { learningResult, seedApprovals } from '../../server/src/routes/learning-seed.fixture.js';
import { openTestStorages } from '../../server/src/storage/test-databases.js';
import {
  type TestServer as ArcServer,
  startTestServer as startArcServer,
  waitUntil,
} from '../../server/src/test-server.fixture.js';
import { pathCallShape } from './call-shape.js';
import { type Arc, createArc } from './create-arc.js';
import {
  closedPortUrl,
  type HugeAnswer,
  json,
  sleep,
  startTestServer,
  type TestServer,
  writeHugeAnswer,
} from './http-test-server.fixture.js';
import type { RolloutWorker } from './rollout-worker.js';
import type { AnyFunction } from './track.js';

const GREET: Fix = { type: 'prompt_adjustment', instructions: 'Greet the customer.' };
const RETRY_503: Fix = {
  type: 'retry_policy',
  maxAttempts: 3,
  baseDelayMs: 1,
  maxDelayMs: 5,
  jitter: 'none',
  retryOn: { categories: [], statuses: [503] },
};

interface Quote {
  item: string;
  qty: number;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe.each(openTestStorages())('arc.worker against the real server ($name)', (backend) => {
  let server: ArcServer;
  let key: string;
  let step = 0;
  const arcs: Arc[] = [];
  const workers: RolloutWorker[] = [];

  beforeAll(async () => {
    server = await startArcServer(await backend.open());
    key = await server.key(['ingest', 'read', 'worker']);
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 0 })));
    await Promise.all(arcs.splice(0).map((a) => a.shutdown({ timeoutMs: 500 })));
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  function client(): Arc {
    const arc = createArc({
      endpoint: server.url,
      apiKey: key,
      fixes: { enabled: false },
      flushIntervalMs: 50,
    });
    arcs.push(arc);
    return arc;
  }

  function start(arc: Arc, ...args: Parameters<Arc['worker']>): RolloutWorker {
    const worker = arc.worker(...args);
    workers.push(worker);
    return worker;
  }

  /** Queues jobs as one learner step does; returns the step number and the stored jobs. */
  async function enqueue(fn: string, jobs: { input: unknown; fix?: Fix | null; candidateId?: string }[]) {
    const at = ++step;
    const queued = await server.storage.enqueueRollouts(
      server.projectId,
      at,
      jobs.map(
        (job, i): NewRolloutJob => ({
          patternId: 'p-test',
          exampleId: `e-${i}`,
          source: 'failure',
          input: job.input,
          candidateId: job.candidateId ?? (job.fix ? `c-${i}` : 'none'),
          fix: job.fix ?? null,
          function: fn,
          group: `${at}:0`,
        }),
      ),
      Date.now(),
    );
    return { step: at, ids: queued.map((q) => q.id) };
  }

  async function finished(at: number, ids: string[], timeoutMs = 10_000): Promise<StoredJob[]> {
    let jobs: StoredJob[] = [];
    await waitUntil(
      async () => {
        jobs = await server.storage.listRollouts(server.projectId, at);
        return jobs.filter((j) => j.status === 'done').length === ids.length;
      },
      `step ${at} done`,
      timeoutMs,
    );
    return ids.map((id) => jobs.find((j) => j.id === id)!);
  }

  it('replays the input track recorded, applies the candidate fix through the call shape, scores with the validators', async () => {
    const arc = client();
    const calls: unknown[][] = [];
    const compose = arc.track(
      'quote.compose',
      async (request: Quote, options: { system?: string }) => {
        calls.push([request, options]);
        const greeting = options.system?.includes('Greet') ? 'Dear customer, ' : '';
        return `${greeting}${request.qty} x ${request.item}`;
      },
      {
        callShape: pathCallShape({ system: '1.system' }),
        validators: (reply: string) => reply.startsWith('Dear') || 'the reply must greet the customer',
      },
    );
    // A production call fails validation; the server keeps its input as track recorded it.
    await compose({ item: 'tea', qty: 2 }, { system: 'You write quotes.' });
    await arc.flush();
    const [pattern] = (
      await server.storage.listPatterns(server.projectId, {
        function: 'quote.compose',
        sort: 'occurrences',
        limit: 5,
      })
    ).patterns;
    const [example] = await server.storage.listFailureExamples(server.projectId, pattern!.id);
    expect(example!.input).toEqual([{ item: 'tea', qty: 2 }, { system: 'You write quotes.' }]);
    const eventsBefore = await server.storage.countEvents(server.projectId);
    calls.length = 0;

    const { step: at, ids } = await enqueue('quote.compose', [
      { input: example!.input, fix: null },
      { input: example!.input, fix: GREET },
    ]);
    const worker = start(arc, { 'quote.compose': compose }, { pollIntervalMs: 20, workerId: 'w-replay' });
    const [plain, greeted] = await finished(at, ids);

    expect(plain).toMatchObject({ reward: 0, leaseOwner: 'w-replay', output: null });
    expect(plain!.error).toMatch(/^ValidationError: .*the reply must greet the customer/);
    expect(greeted).toMatchObject({ reward: 1, output: 'Dear customer, 2 x tea', error: null });
    expect(greeted!.durationMs).toBeGreaterThanOrEqual(0);
    // The worker ran the function itself (not the tracked wrapper) with the rebuilt arguments.
    expect(calls).toContainEqual([{ item: 'tea', qty: 2 }, { system: 'You write quotes.' }]);
    expect(calls).toContainEqual([
      { item: 'tea', qty: 2 },
      { system: 'You write quotes.\n\nGreet the customer.' },
    ]);
    expect(calls).toHaveLength(2);
    // Rollouts are not the agent's calls: no events, no counts.
    await arc.flush();
    expect(await server.storage.countEvents(server.projectId)).toBe(eventsBefore);
    expect(arc.stats().functions['quote.compose']).toMatchObject({ successes: 0, failures: 1 });
    // Storage has the results before the worker has read the answers to its reports.
    await waitUntil(() => worker.stats().reported === 2, 'both reports answered');
    expect(worker.stats()).toMatchObject({ leased: 2, reported: 2, failedRuns: 1, refused: 0, expired: 0 });
  });

  it('replays in production context: the job’s base fixes (promoted for other patterns when leased) apply, the pattern’s own and canaries do not', async () => {
    const arc = createArc({ endpoint: server.url, apiKey: key, fixes: { pollIntervalMs: 60_000 } });
    arcs.push(arc);
    const echo = arc.track(
      'quote.context',
      async (_request: Quote, options: { system?: string }) => options.system ?? '',
      { callShape: pathCallShape({ system: '1.system' }) },
    );
    const prompt = (patternId: string, instructions: string) => ({
      result: learningResult({
        patternId,
        function: 'quote.context',
        candidateId: `fix-${patternId}`,
        fix: { type: 'prompt_adjustment', instructions },
        risk: 'medium',
      }),
      autoApproveAt: 0.5,
    });
    const seeded = await seedApprovals(server.storage, server.projectId, [
      prompt('p-other', 'Be brief.'),
      prompt('p-test', 'The incumbent of the job’s own pattern.'),
      prompt('p-canary', 'Only a canary.'),
    ]);
    // The worker's fix cache last saw every fix as a canary: the promotions below reach the replay
    // only through the jobs, which name the fixes promoted when they are leased.
    await arc.refreshFixes();
    const cached = arc.fixesFor('quote.context').map((f) => [f.patternId, f.canaryShare]);
    expect(cached.sort()).toEqual([
      ['p-canary', 0.5],
      ['p-other', 0.5],
      ['p-test', 0.5],
    ]);
    for (const d of seeded.deployments.filter((d) => d.patternId !== 'p-canary')) {
      const actor = { name: 'test', keyId: null };
      await server.storage.concludeDeployment(
        server.projectId,
        d.id,
        { status: 'promoted', reason: 'test', actor, from: ['canary'] },
        Date.now(),
      );
    }
    const input = [{ item: 'x', qty: 1 }, { system: 'Base.' }];
    const { step: at, ids } = await enqueue('quote.context', [
      { input, fix: GREET },
      { input, fix: null },
    ]);
    start(arc, { 'quote.context': echo }, { pollIntervalMs: 20 });
    const [greeted, plain] = await finished(at, ids);
    expect(greeted!.output).toBe('Base.\n\nBe brief.\n\nGreet the customer.');
    expect(plain!.output).toBe('Base.\n\nBe brief.');
  });

  it('lets a verifier decide over the validators; exceptions and bad verdicts are reward 0 with the reason', async () => {
    const arc = client();
    const price = arc.track(
      'quote.price',
      (request: Quote) => {
        if (request.qty <= 0) throw new RangeError(`quantity ${request.qty} is not positive`);
        return request.qty * 3;
      },
      // Never satisfied: the verifier must be what scores.
      {
        validators: () => 'validators are not consulted when a verifier is given',
        input: (r) => r,
        replayArgs: (input) => [input as Quote] as [Quote],
      },
    );
    const { step: at, ids } = await enqueue('quote.price', [
      { input: { item: 'a', qty: 2 }, candidateId: 'half' },
      { input: { item: 'b', qty: 0 }, candidateId: 'full' },
      { input: { item: 'c', qty: 1 }, candidateId: 'throws' },
      { input: { item: 'd', qty: 1 }, candidateId: 'seven' },
      { input: { item: 'e', qty: 4 }, candidateId: 'full' },
    ]);
    const seen: unknown[] = [];
    start(
      arc,
      { 'quote.price': price },
      {
        pollIntervalMs: 20,
        verifier: async (output, args, job) => {
          seen.push([output, args, job.candidateId]);
          if (job.candidateId === 'throws') throw new Error('verifier bug');
          if (job.candidateId === 'seven') return 7;
          return job.candidateId === 'half' ? 0.5 : 1;
        },
      },
    );
    const [half, failing, thrown, seven, full] = await finished(at, ids);
    expect(half).toMatchObject({ reward: 0.5, output: 6 });
    expect(failing).toMatchObject({ reward: 0, error: 'RangeError: quantity 0 is not positive' });
    expect(thrown).toMatchObject({ reward: 0, error: 'the verifier threw: Error: verifier bug' });
    expect(seven).toMatchObject({ reward: 0, error: 'the verifier returned 7, not a number in [0, 1]' });
    expect(full).toMatchObject({ reward: 1, output: 12, error: null });
    expect(seen).toContainEqual([6, [{ item: 'a', qty: 2 }], 'half']);
    expect(seen).toHaveLength(4);
  });

  it('replays a recorded call of a tracked class with `new`, the only way a class is called', async () => {
    const arc = client();
    class Invoice {
      readonly total: number;
      constructor(request: Quote) {
        if (request.qty <= 0) throw new RangeError(`quantity ${request.qty} is not positive`);
        this.total = request.qty * 3;
      }
    }
    // Typed for callables; a JavaScript host may hand track a class.
    const Tracked = arc.track('invoice.new', Invoice as unknown as AnyFunction);
    const { step: at, ids } = await enqueue('invoice.new', [
      { input: [{ item: 'a', qty: 2 }] },
      { input: [{ item: 'b', qty: 0 }] },
    ]);
    start(arc, { 'invoice.new': Tracked }, { pollIntervalMs: 20 });
    const [built, refused] = await finished(at, ids);
    expect(built).toMatchObject({ reward: 1, output: { total: 6 }, error: null });
    expect(refused).toMatchObject({ reward: 0, error: 'RangeError: quantity 0 is not positive' });
  });

  it('scores 0 a rollout whose replayArgs gives no argument list, and contains the rejection of an async one', async () => {
    const arc = client();
    const ran: unknown[] = [];
    const price = arc.track(
      'quote.async-replay',
      (request: Quote) => {
        ran.push(request);
        return request.qty;
      },
      {
        input: (r) => r,
        // Typed to give the arguments; an async function still gives a promise of them.
        replayArgs: (async (input: unknown) => {
          throw new Error(`no replay of ${JSON.stringify(input)}`);
        }) as never,
      },
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { step: at, ids } = await enqueue('quote.async-replay', [{ input: { item: 'a', qty: 2 } }]);
      start(arc, { 'quote.async-replay': price }, { pollIntervalMs: 20 });
      const [job] = await finished(at, ids);
      expect(job).toMatchObject({
        reward: 0,
        error: 'cannot rebuild the arguments: replayArgs returned no argument list',
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(ran).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('redacts what it reports before it leaves the process', async () => {
    const secret = 'sk-proj-Hn3K9_xq2LmV8wRt-4YbZc1NdPe7FgQj5Sa0UoIi6ThGk2Jr';
    const bodies: string[] = [];
    const arc = createArc({
      endpoint: server.url,
      apiKey: key,
      fixes: { enabled: false },
      flushIntervalMs: 50,
      fetch: (input, init) => {
        if (typeof init?.body === 'string') bodies.push(init.body);
        return fetch(input, init);
      },
    });
    arcs.push(arc);
    const echo = arc.track('echo', (text: string) => text);
    const { step: at, ids } = await enqueue('echo', [{ input: [`key ${secret}`] }]);
    // A verifier that answers with what it was given instead of a reward is quoted in the error.
    start(arc, { echo }, { pollIntervalMs: 20, verifier: (output) => output as number });
    const [done] = await finished(at, ids);
    expect(done!.error).toBe('the verifier returned key [REDACTED:openai_key], not a number in [0, 1]');
    const sent = bodies.join('\n');
    expect(sent).toContain('the verifier returned key [REDACTED:openai_key]');
    expect(sent).not.toContain(secret);
  });

  it('waits for the verdict of async validators on a sync function', async () => {
    const arc = client();
    const atLeastSix = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: async (value: unknown) =>
          (value as number) >= 6 ? { value } : { issues: [{ message: 'too small' }] },
      },
    };
    const double = arc.track('quote.double', (n: number) => n * 2, { validators: atLeastSix });
    const { step: at, ids } = await enqueue('quote.double', [{ input: [1] }, { input: [5] }]);
    start(arc, { 'quote.double': double }, { pollIntervalMs: 20 });
    const [small, large] = await finished(at, ids);
    expect(small).toMatchObject({
      reward: 0,
      error: 'ValidationError: output failed validation: (root): too small',
    });
    expect(large).toMatchObject({ reward: 1, output: 10 });
  });

  it("scores with the function's own verify when no verifier is given, after its validators and parse", async () => {
    const arc = client();
    const asked: unknown[][] = [];
    const convert = arc.track(
      'quote.convert',
      async (request: Quote, options: { system?: string }) =>
        JSON.stringify({ amount: request.qty * 3, unit: options.system?.includes('euros') ? 'EUR' : 'USD' }),
      {
        callShape: pathCallShape({ system: '1.system' }),
        parse: (text: string) => JSON.parse(text) as { amount: number; unit: string },
        validators: (value) =>
          (value as unknown as { amount: number }).amount > 0 || 'the amount must be positive',
        // The verifier production uses: right when in euros, half right when only the amount is.
        verify: (value, request) => {
          asked.push([value, request]);
          const { amount, unit } = value as unknown as { amount: number; unit: string };
          if (amount !== request.qty * 3) return { score: 0, message: 'wrong amount' };
          return unit === 'EUR' ? 1 : { score: 0.5, message: `expected unit 'EUR', got '${unit}'` };
        },
      },
    );
    const input = [{ item: 'tea', qty: 2 }, { system: 'Quote prices.' }];
    const { step: at, ids } = await enqueue('quote.convert', [
      { input, fix: null },
      { input, fix: { type: 'prompt_adjustment', instructions: 'Quote in euros.' }, candidateId: 'eur' },
      { input: [{ item: 'air', qty: 0 }, { system: 'x' }], fix: null },
    ]);
    start(arc, { 'quote.convert': convert }, { pollIntervalMs: 20 });
    const [usd, eur, invalid] = await finished(at, ids);
    expect(usd).toMatchObject({ reward: 0.5, output: '{"amount":6,"unit":"USD"}', error: null });
    expect(eur).toMatchObject({ reward: 1, output: '{"amount":6,"unit":"EUR"}', error: null });
    // The validators come first: a call they reject is never verified.
    expect(invalid).toMatchObject({ reward: 0 });
    expect(invalid!.error).toMatch(/the amount must be positive/);
    expect(asked).toContainEqual([
      { amount: 6, unit: 'USD' },
      { item: 'tea', qty: 2 },
    ]);
    expect(asked).toHaveLength(2);
    // Replays are not production calls: their verdicts are not reported as feedback.
    await arc.flush();
    expect(arc.stats().feedback.sent).toBe(0);
  });

  it('scores a rollout 0 with the reason when verify fails, and lets an explicit verifier win over it', async () => {
    const arc = client();
    const verifies = arc.track('quote.verifies', (n: number) => n, {
      verify: (n) => {
        if (n === 1) throw new Error('judge crashed');
        return n === 2 ? ('yes' as never) : n / 10;
      },
    });
    const { step: at, ids } = await enqueue('quote.verifies', [
      { input: [1] },
      { input: [2] },
      { input: [3] },
    ]);
    start(arc, { 'quote.verifies': verifies }, { pollIntervalMs: 20 });
    const [threw, garbled, scored] = await finished(at, ids);
    expect(threw).toMatchObject({ reward: 0, error: 'verify threw Error: judge crashed' });
    expect(garbled).toMatchObject({ reward: 0 });
    expect(garbled!.error).toMatch(/^verify returned no verdict/);
    expect(scored).toMatchObject({ reward: 0.3, output: 3 });

    await Promise.all(workers.splice(0).map((w) => w.stop()));
    const overridden = await enqueue('quote.verifies', [{ input: [1] }]);
    start(arc, { 'quote.verifies': verifies }, { pollIntervalMs: 20, verifier: () => 0.9 });
    const [explicit] = await finished(overridden.step, overridden.ids);
    expect(explicit).toMatchObject({ reward: 0.9, output: 1 });
  });

  it('retries as production does: a retry policy fix turns a transient 503 into a success', async () => {
    const arc = client();
    const attempts = new Map<string, number>();
    const stock = arc.track('quote.stock', async (request: Quote) => {
      const n = (attempts.get(request.item) ?? 0) + 1;
      attempts.set(request.item, n);
      if (n === 1) throw Object.assign(new Error('inventory service unavailable'), { status: 503 });
      return { item: request.item, available: true };
    });
    const { step: at, ids } = await enqueue('quote.stock', [
      { input: [{ item: 'plain', qty: 1 }], fix: null },
      { input: [{ item: 'retried', qty: 1 }], fix: RETRY_503 },
      { input: [{ item: 'prompted', qty: 1 }], fix: GREET },
    ]);
    start(arc, { 'quote.stock': stock }, { pollIntervalMs: 20 });
    const [plain, retried, prompted] = await finished(at, ids);
    // Without a call shape a prompt fix cannot take effect, in production or here: it earns nothing.
    expect(prompted).toMatchObject({
      reward: 0,
      error: "the fix changes the call, but 'quote.stock' was tracked without a callShape",
    });
    expect(plain).toMatchObject({ reward: 0, error: 'Error: inventory service unavailable' });
    expect(retried).toMatchObject({ reward: 1, output: { item: 'retried', available: true } });
    expect(attempts).toEqual(
      new Map([
        ['plain', 1],
        ['retried', 2],
      ]),
    );
  });

  it('runs at most `concurrency` jobs at once, and leases no more than it can run', async () => {
    const arc = client();
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const slow = async (request: Quote) => {
      running++;
      most = Math.max(most, running);
      const gate = deferred();
      gates.push(gate.resolve);
      await gate.promise;
      running--;
      return request.qty;
    };
    const { step: at, ids } = await enqueue(
      'quote.slow',
      [1, 2, 3, 4, 5].map((qty) => ({ input: [{ item: 'x', qty }] })),
    );
    const worker = start(arc, { 'quote.slow': slow }, { concurrency: 2, pollIntervalMs: 10 });
    await waitUntil(() => running === 2, 'two running');
    await sleep(100);
    const leased = (await server.storage.listRollouts(server.projectId, at)).filter(
      (j) => j.status === 'leased',
    );
    expect(leased).toHaveLength(2);
    expect(worker.stats().inFlight).toBe(2);
    const releasing = setInterval(() => gates.shift()?.(), 10);
    try {
      const jobs = await finished(at, ids);
      expect(jobs.map((j) => j.reward)).toEqual([1, 1, 1, 1, 1]);
    } finally {
      clearInterval(releasing);
    }
    expect(most).toBe(2);
  });

  it('drops a job whose lease ran out instead of reporting it; the job is leased again', async () => {
    const arc = client();
    let runs = 0;
    const late = async () => {
      const run = ++runs;
      // The first run outlives its 1 s lease.
      if (run === 1) await sleep(1_300);
      return `run ${run}`;
    };
    const { step: at, ids } = await enqueue('quote.late', [{ input: [] }]);
    const worker = start(
      arc,
      { 'quote.late': late },
      { leaseMs: 1_000, pollIntervalMs: 50, workerId: 'w-late' },
    );
    const [job] = await finished(at, ids);
    expect(job).toMatchObject({ output: 'run 2', reward: 1, attempts: 2 });
    await sleep(400); // the first run has ended by now, and still nothing of it may be reported
    expect((await server.storage.listRollouts(server.projectId, at))[0]).toMatchObject({ output: 'run 2' });
    expect(worker.stats()).toMatchObject({ expired: 1, reported: 1, leased: 2 });
  });

  it('stops gracefully: a job that finishes in time is reported, a hanging one abandoned within the bound', async () => {
    const arc = client();
    const quick = deferred();
    const job = async (request: Quote) => {
      if (request.item === 'hangs') await new Promise(() => undefined);
      await quick.promise;
      return request.item;
    };
    const { step: at, ids } = await enqueue('quote.stop', [
      { input: [{ item: 'finishes', qty: 1 }] },
      { input: [{ item: 'hangs', qty: 1 }] },
    ]);
    const worker = start(arc, { 'quote.stop': job }, { concurrency: 2, pollIntervalMs: 10 });
    await waitUntil(() => worker.stats().inFlight === 2, 'both running');
    setTimeout(quick.resolve, 100);
    const began = performance.now();
    await worker.stop({ timeoutMs: 500 });
    const took = performance.now() - began;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(2_000);
    const jobs = await server.storage.listRollouts(server.projectId, at);
    expect(jobs.find((j) => j.id === ids[0])).toMatchObject({ status: 'done', output: 'finishes' });
    expect(jobs.find((j) => j.id === ids[1])).toMatchObject({ status: 'leased', reward: null });
    expect(worker.stats()).toMatchObject({ reported: 1, abandoned: 1 });
    // Stopped means stopped: nothing more is leased.
    const { step: later } = await enqueue('quote.stop', [{ input: [{ item: 'finishes', qty: 1 }] }]);
    await sleep(200);
    expect((await server.storage.listRollouts(server.projectId, later))[0]).toMatchObject({
      status: 'queued',
    });
  });

  it('checks its options and the functions at startup', () => {
    const arc = client();
    expect(() => arc.worker({})).toThrow(TypeError);
    expect(() => arc.worker({ f: 'no' as never })).toThrow(/not a function/);
    expect(() => arc.worker({ f: () => 1 }, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => arc.worker({ f: () => 1 }, { leaseMs: 10 })).toThrow(/leaseMs/);
    expect(() => arc.worker({ f: () => 1 }, { verifier: 1 as never })).toThrow(/verifier/);
    arc.track('custom', (a: number) => a, { input: (a) => ({ a }) });
    expect(() => arc.worker({ custom: (a: number) => a })).toThrow(/replayArgs/);
    const off = createArc({ endpoint: server.url, apiKey: key, disabled: true }).worker({ f: () => 1 });
    expect(off.stats()).toMatchObject({ leased: 0, inFlight: 0 });
  });
});

describe('arc.worker against an older server, whose jobs name no base fixes', () => {
  it('takes the fixes promoted for the other patterns from its fix cache', async () => {
    const deployed = (patternId: string, instructions: string, canaryShare: number): DeployedFix => ({
      id: `fix-${patternId}`,
      version: 1,
      patternId,
      function: 'quote.older',
      fix: { type: 'prompt_adjustment', instructions },
      risk: 'medium',
      confidence: 0.97,
      canaryShare,
    });
    const fixes = [
      deployed('p-other', 'Be brief.', 1),
      deployed('p-test', 'The incumbent of the job’s own pattern.', 1),
      deployed('p-canary', 'Only a canary.', 0.5),
    ];
    const job = {
      id: 'job-older',
      function: 'quote.older',
      patternId: 'p-test',
      exampleId: 'e-1',
      source: 'failure',
      input: [{ item: 'x', qty: 1 }, { system: 'Base.' }],
      candidateId: 'c-greet',
      fix: GREET,
      leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
      attempt: 1,
    };
    let handedOut = false;
    const reports: unknown[] = [];
    const older = await startTestServer((req, res) => {
      const url = new URL(req.url, 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/v1/fixes') {
        return json(res, 200, {
          fixes: fixes.filter((f) => f.function === url.searchParams.get('function')),
        });
      }
      if (req.method === 'POST' && url.pathname === '/v1/rollouts/lease') {
        const jobs = handedOut ? [] : [job];
        handedOut = true;
        return json(res, 200, { jobs });
      }
      if (req.method === 'POST' && url.pathname === `/v1/rollouts/${job.id}/result`) {
        reports.push(JSON.parse(req.body));
        return json(res, 200, { id: job.id, status: 'done' });
      }
      json(res, 404, { error: 'not found' });
    });
    const arc = createArc({ endpoint: older.url, apiKey: 'arc_test', fixes: { pollIntervalMs: 60_000 } });
    const echo = arc.track(
      'quote.older',
      async (_request: Quote, options: { system?: string }) => options.system ?? '',
      { callShape: pathCallShape({ system: '1.system' }) },
    );
    await arc.refreshFixes();
    expect(arc.fixesFor('quote.older')).toHaveLength(3);
    const worker = arc.worker({ 'quote.older': echo }, { pollIntervalMs: 20 });
    try {
      await waitUntil(() => reports.length === 1, 'the report', 5_000);
      expect(reports[0]).toMatchObject({ reward: 1, output: 'Base.\n\nBe brief.\n\nGreet the customer.' });
      expect(worker.stats()).toMatchObject({ leased: 1, invalidJobs: 0 });
    } finally {
      await worker.stop({ timeoutMs: 0 });
      await arc.shutdown({ timeoutMs: 500 });
      await older.close();
    }
  });
});

describe('arc.shutdown', () => {
  it("stops the client's workers, which leased and ran the host's functions after it", async () => {
    const job = {
      id: 'job-hangs',
      function: 'quote.hangs',
      patternId: 'p-1',
      exampleId: 'e-1',
      source: 'failure',
      input: [{ item: 'x', qty: 1 }],
      candidateId: 'c-1',
      fix: null,
      leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
      attempt: 1,
    };
    let handedOut = false;
    const server = await startTestServer((req, res) => {
      if (req.method === 'POST' && req.url === '/v1/rollouts/lease') {
        const jobs = handedOut ? [] : [job];
        handedOut = true;
        return json(res, 200, { jobs });
      }
      json(res, 404, { error: 'not found' });
    });
    const arc = createArc({ endpoint: server.url, apiKey: 'arc_test', fixes: { enabled: false } });
    // The replay never ends: shutdown gives up on it within its own deadline.
    const hangs = arc.track('quote.hangs', (_request: Quote) => new Promise<string>(() => undefined));
    const worker = arc.worker({ 'quote.hangs': hangs }, { pollIntervalMs: 20 });
    try {
      await waitUntil(() => worker.stats().inFlight === 1, 'the job running', 5_000);
      await arc.shutdown({ timeoutMs: 100 });
      expect(worker.stats()).toMatchObject({ leased: 1, abandoned: 1 });
    } finally {
      await worker.stop({ timeoutMs: 0 });
      await server.close();
    }
  });

  it('leaves a worker started after it idle: it leases nothing', async () => {
    const asked: string[] = [];
    const arc = createArc({
      endpoint: 'http://127.0.0.1:9',
      apiKey: 'arc_test',
      fixes: { enabled: false },
      fetch: async (input) => {
        asked.push(String(input));
        return new Response('{"jobs":[]}', { status: 200 });
      },
    });
    const echo = arc.track('quote.echo', (request: Quote) => request.item);
    await arc.shutdown({ timeoutMs: 100 });
    const worker = arc.worker({ 'quote.echo': echo });
    // A worker asks for its first lease as it starts.
    expect(asked).toEqual([]);
    await worker.stop();
    expect(worker.stats()).toMatchObject({ leased: 0, leaseErrors: 0 });
  });
});

describe('arc.worker when the server misbehaves', () => {
  let misbehaving: TestServer | undefined;
  let worker: RolloutWorker | undefined;
  afterEach(async () => {
    await worker?.stop({ timeoutMs: 0 });
    await misbehaving?.close();
    worker = undefined;
    misbehaving = undefined;
  });

  const leases = () => misbehaving!.requests.filter((r) => r.url === '/v1/rollouts/lease');

  const askedAt: number[] = [];
  const hugeAnswers: HugeAnswer[] = [];
  async function misbehave(
    answer: 'down' | 'garbage' | 'limited' | 'unavailable' | 'huge',
    pollIntervalMs = 50,
  ) {
    askedAt.length = 0;
    hugeAnswers.length = 0;
    misbehaving = await startTestServer((_req, res) => {
      askedAt.push(performance.now());
      if (answer === 'down') return json(res, 503, { error: 'down' });
      if (answer === 'limited') return json(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
      if (answer === 'unavailable') return json(res, 503, { error: 'database' }, { 'retry-after': '1' });
      if (answer === 'huge')
        return void hugeAnswers.push(writeHugeAnswer(res, 200, '{"jobs":[', 64 * 1024 * 1024, ' '));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"jobs": [');
    });
    const arc = createArc({ endpoint: misbehaving.url, apiKey: 'arc_test', fixes: { enabled: false } });
    worker = arc.worker({ f: () => 1 }, { pollIntervalMs });
    return worker;
  }

  it('backs off exponentially while the server fails', async () => {
    const w = await misbehave('down');
    await sleep(1_000);
    // Without backoff a 50 ms poll would have asked about 20 times.
    expect(leases().length).toBeGreaterThanOrEqual(3);
    expect(leases().length).toBeLessThanOrEqual(8);
    expect(w.stats()).toMatchObject({ lastError: 'lease: HTTP 503', leaseErrors: leases().length });
    expect(JSON.parse(leases()[0]!.body)).toEqual({
      workerId: w.workerId,
      functions: ['f'],
      max: 2,
      leaseMs: 60_000,
    });
    expect(leases()[0]!.headers.authorization).toBe('Bearer arc_test');
  });

  it('takes a garbled answer for a failure', async () => {
    const w = await misbehave('garbage');
    await waitUntil(() => w.stats().leaseErrors >= 2, 'two garbled answers', 5_000);
    expect(w.stats().lastError).toBe('lease: the answer is not JSON');
  });

  it('refuses an answer larger than 32 MiB, reading no further', async () => {
    const w = await misbehave('huge');
    await waitUntil(() => w.stats().leaseErrors >= 1, 'a refused answer', 30_000);
    expect(w.stats().lastError).toBe('lease: the answer is larger than 33554432 bytes');
    await hugeAnswers[0]!.closed;
    expect(hugeAnswers[0]!.finished).toBe(false);
  });

  // 503 with Retry-After: the server's answer while its database cannot serve.
  it.each(['limited', 'unavailable'] as const)('waits as long as Retry-After says (%s)', async (answer) => {
    await misbehave(answer, 20);
    await waitUntil(() => leases().length >= 2, 'asked twice', 5_000);
    expect(askedAt[1]! - askedAt[0]!).toBeGreaterThanOrEqual(950);
  });

  it('keeps asking a server that is not there, without throwing', async () => {
    const arc = createArc({ endpoint: await closedPortUrl(), apiKey: 'arc_test', fixes: { enabled: false } });
    worker = arc.worker({ f: () => 1 }, { pollIntervalMs: 20 });
    await waitUntil(() => worker!.stats().leaseErrors >= 2, 'two failed leases', 5_000);
    expect(worker.stats().lastError).toMatch(/^lease: /);
    const stopping = performance.now();
    await worker.stop();
    expect(performance.now() - stopping).toBeLessThan(500);
  });

  it('does not keep the process alive unless asked to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arc-worker-'));
    const createArcModule = fileURLToPath(new URL('./create-arc.ts', import.meta.url));
    const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
    const endpoint = await closedPortUrl();
    const script = (keepAlive: boolean) => {
      const file = join(dir, `worker-${keepAlive}.ts`);
      writeFileSync(
        file,
        `import { createArc } from ${JSON.stringify(createArcModule)};
const arc = createArc({ endpoint: ${JSON.stringify(endpoint)}, apiKey: 'arc_x', fixes: { enabled: false } });
const worker = arc.worker({ f: () => 1 }, { pollIntervalMs: 100, keepAlive: ${keepAlive} });
const began = Date.now();
process.on('exit', () => console.log(\`exited after \${Date.now() - began} ms\`));
setTimeout(() => void worker.stop(), 1500).unref();
`,
      );
      return file;
    };
    const run = (file: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: repoRoot });
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
        });
        child.stderr.on('data', (chunk) => {
          out += chunk;
        });
        child.on('error', reject);
        child.on('exit', () => resolve(out));
      });
    try {
      const [unrefd, kept] = await Promise.all([run(script(false)), run(script(true))]);
      const ms = (out: string) => Number(/exited after (\d+) ms/.exec(out)?.[1] ?? Number.NaN);
      expect(ms(unrefd), unrefd).toBeLessThan(1_000);
      expect(ms(kept), kept).toBeGreaterThanOrEqual(1_500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
