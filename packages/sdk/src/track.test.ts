import { COUNT_TAG } from '@arc-agent/core';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { SECRET_CORPUS } from '../../core/src/secret-corpus.fixture.js';
import { type Arc, type ArcOptions, createArc } from './create-arc.js';
import { receivedEvents, startArcTestServer, type TestServer, until } from './http-test-server.fixture.js';
import { MAX_PENDING_RUNS } from './pending-limit.js';
import type { AnyFunction } from './track.js';
import { ValidationError } from './validators.js';

let server: TestServer | undefined;
let arc: Arc | undefined;

afterEach(async () => {
  await arc?.shutdown({ timeoutMs: 500 });
  await server?.close();
  arc = undefined;
  server = undefined;
});

async function setup(options: Partial<ArcOptions> = {}): Promise<{ arc: Arc; server: TestServer }> {
  server = await startArcTestServer({ fixes: [] });
  arc = createArc({
    endpoint: server.url,
    apiKey: 'arc_test',
    agentId: 'agent-7',
    successSampleRate: 1,
    flushIntervalMs: 60_000,
    fixes: { enabled: false },
    ...options,
  });
  return { arc, server };
}

async function events(a: Arc, s: TestServer) {
  await a.flush();
  return receivedEvents(s);
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('arc.track', () => {
  it('keeps a sync function sync and an async one async, with the same results', async () => {
    const { arc } = await setup();
    const add = arc.track('math.add', (a: number, b: number) => a + b);
    const result = add(2, 3);
    expect(result).toBe(5);
    const later = arc.track('math.later', async (a: number) => a * 2);
    const promise = later(21);
    expect(promise).toBeInstanceOf(Promise);
    expect(await promise).toBe(42);
    expectTypeOf(add).toEqualTypeOf<(a: number, b: number) => number>();
    expectTypeOf(later).toEqualTypeOf<(a: number) => Promise<number>>();
    expect(add.name).toBe('');
    expect(later.length).toBe(1);
  });

  it('passes `this` through, for methods and plain functions', async () => {
    const { arc } = await setup();
    const account = {
      balance: 10,
      deposit: arc.track('account.deposit', function (this: { balance: number }, amount: number) {
        this.balance += amount;
        return this.balance;
      }),
      async check(this: { balance: number }) {
        return this.balance;
      },
    };
    expect(account.deposit(5)).toBe(15);
    const check = arc.track('account.check', account.check);
    expect(await check.call({ balance: 99 })).toBe(99);
  });

  it('rethrows the same error object, sync and async', async () => {
    const { arc, server } = await setup();
    const boom = new RangeError('bad range');
    const sync = arc.track('f.sync', () => {
      throw boom;
    });
    expect(caught(() => sync())).toBe(boom);
    const async = arc.track('f.async', async () => {
      throw boom;
    });
    await expect(async()).rejects.toBe(boom);
    const thrownString = arc.track('f.string', () => {
      throw 'plain string';
    });
    expect(caught(() => thrownString())).toBe('plain string');
    const failures = (await events(arc, server)).filter((e) => e.kind === 'failure');
    expect(failures.map((e) => [e.function, (e.error as { type: string }).type])).toEqual([
      ['f.sync', 'RangeError'],
      ['f.async', 'RangeError'],
      ['f.string', 'ThrownString'],
    ]);
  });

  it('types a tracked class as the class, its options over the arguments of `new` and the instance', () => {
    const disabled = createArc({ endpoint: 'http://x', apiKey: 'k', disabled: true });
    class Invoice {
      constructor(
        readonly total: number,
        readonly currency: string,
      ) {}
    }
    const Tracked = disabled.track('invoice.new', Invoice, {
      callKey: (total, currency) => `${currency}${total}`,
      validators: (invoice) => invoice.total >= 0 || 'a negative total',
      onCall: ({ args, output }) => {
        expectTypeOf(args).toEqualTypeOf<[number, string]>();
        expectTypeOf(output).toEqualTypeOf<Invoice>();
      },
    });
    expectTypeOf(Tracked).toEqualTypeOf<typeof Invoice>();
    expect(new Tracked(3, 'EUR')).toEqual(new Invoice(3, 'EUR'));
    // @ts-expect-error: callKey takes the constructor's arguments
    disabled.track('invoice.new', Invoice, { callKey: (total: string) => total });
  });

  it('constructs with `new` as the original would, new.target, prototype and statics included', async () => {
    const { arc, server } = await setup();
    class Account {
      readonly createdBy: unknown;
      constructor(readonly owner: string) {
        this.createdBy = new.target;
      }
      static open(owner: string): Account {
        return new this(owner);
      }
      greet(): string {
        return `hi ${this.owner}`;
      }
    }
    const Tracked = arc.track('account.new', Account);
    expectTypeOf(Tracked).toEqualTypeOf<typeof Account>();
    const account = new Tracked('ada');
    expect(account).toBeInstanceOf(Account);
    expect(account).toBeInstanceOf(Tracked);
    expect([account.greet(), account.createdBy]).toEqual(['hi ada', Account]);
    class Savings extends Tracked {}
    const savings = new Savings('bob');
    expect(savings).toBeInstanceOf(Savings);
    expect([savings.greet(), savings.createdBy]).toEqual(['hi bob', Savings]);
    expect(Tracked.open('cy').greet()).toBe('hi cy');
    // Called without `new`, it fails as the class does.
    const uncalled = caught(() => (Tracked as unknown as AnyFunction)('dee'));
    expect(uncalled).toBeInstanceOf(TypeError);
    expect(String(uncalled)).toBe(String(caught(() => (Account as unknown as AnyFunction)('dee'))));

    const refused = new Error('account closed');
    class Closed {
      constructor() {
        throw refused;
      }
    }
    const TrackedClosed = arc.track('closed.new', Closed);
    expect(caught(() => new TrackedClosed())).toBe(refused);

    function Point(this: { x: number }, x: number) {
      this.x = x;
    }
    Point.prototype.norm = function (this: { x: number }) {
      return Math.abs(this.x);
    };
    type PointClass = new (x: number) => { x: number; norm(): number };
    const point = new (arc.track('point.new', Point) as unknown as PointClass)(-3);
    expect(point).toBeInstanceOf(Point);
    expect(point.norm()).toBe(3);

    // What cannot be constructed still cannot be, with the TypeError JavaScript throws for it.
    const arrow = arc.track('arrow', (x: number) => x) as unknown as new (x: number) => unknown;
    const method = arc.track('method', { m: (x: number) => x }.m) as unknown as new (x: number) => unknown;
    const asyncFn = arc.track('async', async (x: number) => x) as unknown as new (x: number) => unknown;
    for (const fn of [arrow, method, asyncFn]) {
      const error = caught(() => new fn(1));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe('fn is not a constructor');
    }

    const sent = await events(arc, server);
    expect(sent.map((e) => [e.function, e.kind, e.output ?? (e.error as { type: string }).type])).toEqual([
      ['account.new', 'success', { owner: 'ada', createdBy: '[Function: Account]' }],
      ['account.new', 'success', { owner: 'bob', createdBy: '[Function: Savings]' }],
      ['account.new', 'success', { owner: 'cy', createdBy: '[Function: Account]' }],
      ['account.new', 'failure', 'TypeError'],
      ['closed.new', 'failure', 'Error'],
      ['point.new', 'success', { x: -3 }],
    ]);
  });

  it('describes a failure: type, message, stack, status and code from the cause or response, input, attempt, duration', async () => {
    const { arc, server } = await setup();
    class ProviderError extends Error {}
    const error = new ProviderError('upstream said no for user 4411', {
      cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }),
    });
    Object.assign(error, { response: { status: 503 } });
    const call = arc.track('llm.call', async (_input: { question: string }) => {
      throw error;
    });
    await expect(call({ question: 'why?' })).rejects.toBe(error);
    const [event] = await events(arc, server);
    expect(event).toMatchObject({
      kind: 'failure',
      function: 'llm.call',
      agentId: 'agent-7',
      attempt: 1,
      input: [{ question: 'why?' }],
      error: {
        type: 'ProviderError',
        message: 'upstream said no for user 4411',
        status: 503,
        code: 'ECONNRESET',
      },
    });
    expect((event!.error as { stack: string }).stack).toContain(
      'Error: upstream said no for user 4411\n    at ',
    );
    expect(event!.durationMs).toBeGreaterThanOrEqual(0);
    expect(typeof event!.id).toBe('string');
    expect(typeof event!.timestamp).toBe('number');
  });

  it('redacts secrets before they leave the process', async () => {
    const { arc, server } = await setup();
    const secretKey = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3i';
    const call = arc.track('tool.call', (_cfg: { password: string; note: string }) => {
      throw new Error(`auth failed with key ${secretKey}`);
    });
    expect(() => call({ password: 'hunter2-very-secret', note: `use ${secretKey}` })).toThrow();
    await arc.flush();
    const bytes = server.requests.map((r) => r.body).join('\n');
    expect(bytes).toContain('tool.call');
    expect(bytes).not.toContain(secretKey);
    expect(bytes).not.toContain('hunter2-very-secret');
    expect(bytes).toContain('[REDACTED');
  });

  it('redacts secrets in every field, names included, before anything leaves the process', async () => {
    const labels = [
      'OpenAI project key in a shell export',
      'GitHub fine-grained personal access token',
      'AWS secret access key after the words "aws secret"',
      'Arc key in a log line',
      'Visa number with spaces',
      'PostgreSQL URL password',
    ];
    const samples = labels.map((label) => SECRET_CORPUS.find((s) => s.label === label)!);
    const card = samples[4]!.context;
    const { arc, server } = await setup({
      agentId: `agent ${card}`,
      // Successes go out as aggregate counts, which carry tags of their own.
      successSampleRate: 0,
      fixes: { enabled: true, pollIntervalMs: 60_000 },
    });
    const names = samples.map(({ context }) => `tool ${context}`);
    samples.forEach(({ context }, i) => {
      const tool = arc.track(
        names[i]!,
        (fail: boolean) => {
          if (fail) throw new Error(context);
          return context;
        },
        { tags: { [`tag ${context}`]: context }, outputSchema: { type: 'object', description: context } },
      );
      expect(() => tool(true)).toThrow(context);
      expect(tool(false)).toBe(context);
    });
    const worker = arc.worker({ [names[0]!]: (x: unknown) => x }, { workerId: `worker ${card}` });
    await until(() => server.requests.some((r) => r.url === '/v1/rollouts/lease'));
    await worker.stop();
    await arc.refreshFixes();
    const sent = await events(arc, server);

    const wire = server.requests.map((r) => `${decodeURIComponent(r.url)}\n${r.body}`).join('\n');
    for (const { label, secret } of samples) {
      for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) {
        expect(wire.includes(form), `${label}: ${form}`).toBe(false);
      }
    }
    // Each function keeps one name, the same in its events, its fix polls and its leases.
    const eventNames = new Set(sent.map((e) => e.function as string));
    expect(eventNames.size).toBe(samples.length);
    const polled = server.requests
      .filter((r) => r.url.startsWith('/v1/fixes?'))
      .map((r) => new URL(r.url, 'http://x').searchParams.get('function'));
    expect(new Set(polled)).toEqual(eventNames);
    const lease = server.requests.find((r) => r.url === '/v1/rollouts/lease')!;
    expect((JSON.parse(lease.body) as { functions: string[] }).functions[0]).toBe(sent[0]!.function);
    for (const name of eventNames) expect(name).toMatch(/^tool .*\[REDACTED:[a-z_]+#[0-9a-f]{12}\]/);
    expect(sent.some((e) => e.outputSchema !== undefined && e.tags !== undefined)).toBe(true);
    expect(sent.some((e) => (e.tags as Record<string, string> | undefined)?.[COUNT_TAG] !== undefined)).toBe(
      true,
    );
  });

  it('sends a sample of successes in full and every success in exact counts', async () => {
    let seed = 1;
    // A fixed LCG so the expected sample is known in advance.
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const { arc, server } = await setup({ successSampleRate: 0.2, random, batchSize: 50 });
    const ok = arc.track('ok', (n: number) => n);
    const bad = arc.track('bad', () => {
      throw new Error('x');
    });
    for (let i = 0; i < 1000; i++) ok(i);
    for (let i = 0; i < 7; i++) expect(() => bad()).toThrow('x');
    const received = await events(arc, server);
    const successes = received.filter((e) => e.kind === 'success');
    const full = successes.filter(
      (e) => (e.tags as Record<string, string> | undefined)?.[COUNT_TAG] === undefined,
    );
    const total = successes.reduce(
      (sum, e) => sum + Number((e.tags as Record<string, string> | undefined)?.[COUNT_TAG] ?? 1),
      0,
    );
    expect(total).toBe(1000);
    expect(full.length).toBeGreaterThan(120);
    expect(full.length).toBeLessThan(280);
    expect(received.filter((e) => e.kind === 'failure')).toHaveLength(7);
    expect(arc.stats().functions).toEqual({
      ok: {
        successes: 1000,
        failures: 0,
        retries: 0,
        sampledSuccesses: full.length,
        wrongAnswers: 0,
        verifyFailures: 0,
        unvalidated: 0,
      },
      bad: {
        successes: 0,
        failures: 7,
        retries: 0,
        sampledSuccesses: 0,
        wrongAnswers: 0,
        verifyFailures: 0,
        unvalidated: 0,
      },
    });
  });

  it('holds the aggregates of at most maxQueue groups between flushes: past it they go to the queue, which counts its drops', async () => {
    const { arc, server } = await setup({ successSampleRate: 0, maxQueue: 3, maxFunctions: 1 });
    // Names built per request: each call its own aggregate. The queue keeps the newest events.
    for (let i = 0; i < 10; i++) expect(arc.track(`per.request.${i}`, () => i)()).toBe(i);
    expect(arc.stats()).toMatchObject({ queued: 3, dropped: 6, overLimitCalls: 9 });
    const received = await events(arc, server);
    expect(received.map((e) => [e.function, (e.tags as Record<string, string>)[COUNT_TAG]])).toEqual([
      ['per.request.7', '1'],
      ['per.request.8', '1'],
      ['per.request.9', '1'],
    ]);
    expect(arc.stats().dropped).toBe(7);
  });

  it('makes a failed Standard Schema (zod) validation a failure event naming the paths, and still returns the output', async () => {
    const { arc, server } = await setup();
    const Invoice = z.object({ total: z.number(), lines: z.array(z.object({ sku: z.string() })) });
    const extract = arc.track(
      'invoice.extract',
      async (_doc: string) => ({ total: '12', lines: [{ sku: 7 }] }),
      {
        validators: Invoice,
      },
    );
    const output = await extract('doc');
    expect(output).toEqual({ total: '12', lines: [{ sku: 7 }] });
    const [event] = await events(arc, server);
    expect(event).toMatchObject({ kind: 'failure', output: { total: '12', lines: [{ sku: 7 }] } });
    const error = event!.error as { type: string; message: string };
    expect(error.type).toBe('ValidationError');
    expect(error.message).toMatch(/total: .*; lines\.0\.sku: /);
  });

  it('throws a ValidationError when asked to, and accepts function validators', async () => {
    const { arc } = await setup();
    const answer = arc.track('qa.answer', (q: string) => (q === 'empty' ? '' : `answer to ${q}`), {
      validators: [(out, [q]) => (out.length > 0 ? true : `no answer to ${q}`)],
      throwOnInvalid: true,
    });
    expect(answer('x')).toBe('answer to x');
    const error = caught(() => answer('empty'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe('output failed validation: (root): no answer to empty');
  });

  it('holds a bounded number of async validations of sync calls; past it a call is left unvalidated and counted', async () => {
    const { arc } = await setup();
    const asked: unknown[] = [];
    // Never answers within the (default) 5 s: each waiting verdict holds the call's output meanwhile.
    const answer = arc.track('qa.sync', (q: string) => `answer to ${q}`, {
      validators: (output) => {
        asked.push(output);
        return new Promise<boolean>(() => undefined);
      },
    });
    for (let i = 0; i < MAX_PENDING_RUNS + 5; i++) expect(answer(`${i}`)).toBe(`answer to ${i}`);
    expect(asked).toHaveLength(MAX_PENDING_RUNS);
    expect(arc.stats().functions['qa.sync']).toMatchObject({ successes: 0, failures: 0, unvalidated: 5 });
  });

  it('past that bound, still validates a sync call whose validators answer at once; one that answered later is not started again', async () => {
    const { arc, server } = await setup();
    const never = arc.track('qa.never', (q: string) => q, {
      validators: () => new Promise<boolean>(() => undefined),
    });
    for (let i = 0; i < MAX_PENDING_RUNS; i++) never(`${i}`);
    const notBad = (output: string) => output !== 'bad' || 'a bad answer';
    const checked = arc.track('qa.checked', (q: string) => q, { validators: notBad });
    expect([checked('good'), checked('bad')]).toEqual(['good', 'bad']);
    const asked: unknown[] = [];
    const mixed = arc.track('qa.mixed', (q: string) => q, {
      validators: [
        notBad,
        (output) => {
          asked.push(output);
          return Promise.resolve(true);
        },
      ],
    });
    expect([mixed('bad'), mixed('first'), mixed('second')]).toEqual(['bad', 'first', 'second']);
    // Started once, as nothing said it would answer later; then known to, and left alone.
    expect(asked).toEqual(['first']);
    expect(arc.stats().functions['qa.checked']).toMatchObject({ successes: 1, failures: 1, unvalidated: 0 });
    expect(arc.stats().functions['qa.mixed']).toMatchObject({ successes: 0, failures: 1, unvalidated: 2 });
    const failures = (await events(arc, server)).filter((e) => e.kind === 'failure');
    expect(failures.map((e) => [e.function, e.output])).toEqual([
      ['qa.checked', 'bad'],
      ['qa.mixed', 'bad'],
    ]);
  });

  it('keeps its own bugs away from the host', async () => {
    const seen: unknown[] = [];
    const { arc } = await setup({ onInternalError: (e) => seen.push(e) });
    const call = arc.track('fragile', (n: number) => n + 1, {
      validators: () => true,
      input: () => {
        throw new Error('input bug');
      },
      output: {
        get: () => {
          throw new Error('output bug');
        },
        set: (o) => o,
      },
    });
    expect(call(1)).toBe(2);
    const hostile = arc.track('hostile', (_x: unknown) => {
      throw new Error('host error');
    });
    const input = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('proxy trap');
        },
      },
    );
    expect(() => hostile(input)).toThrow('host error');
    expect(seen.map((e) => (e as Error).message)).toEqual(['output bug', 'input bug']);
    expect(arc.stats().internalErrors).toBe(2);
  });

  it('hands back a foreign thenable as is when there is nothing to change', async () => {
    const { arc, server } = await setup();
    class LazyPromise<T> implements PromiseLike<T> {
      constructor(private readonly value: T) {}
      // biome-ignore lint/suspicious/noThenProperty: a custom thenable is the point of this test
      then<A = T, B = never>(
        ok?: ((v: T) => A | PromiseLike<A>) | null,
        _ko?: ((e: unknown) => B | PromiseLike<B>) | null,
      ) {
        return Promise.resolve(this.value).then(ok);
      }
      extra() {
        return 'still here';
      }
    }
    const lazy = new LazyPromise(7);
    const call = arc.track('sdk.call', () => lazy);
    expect(call()).toBe(lazy);
    expect(await call()).toBe(7);
    await new Promise((r) => setTimeout(r, 10));
    expect((await events(arc, server)).filter((e) => e.kind === 'success')).toHaveLength(2);
  });
});
