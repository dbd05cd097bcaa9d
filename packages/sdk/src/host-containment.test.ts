// Arc never breaks the host it runs in (README, DESIGN.md section 8): whatever a validator, a
// result, an argument, a thrown value or an option's hook does, a tracked call returns the very
// value or throws the very error the host's own function produced, and nothing of Arc's escapes
// as an unhandled rejection or an uncaught exception. What went wrong inside Arc's own work is
// counted in `arc.stats().internalErrors`.

import { types } from 'node:util';
import type { DeployedFix } from '@arc-agent/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Arc, type ArcOptions, createArc, runtimeOf } from './create-arc.js';
import { receivedEvents, startArcTestServer, type TestServer, until } from './http-test-server.fixture.js';
import type { StandardSchemaV1 } from './validators.js';

type Kind = 'sync' | 'async';
const KINDS: Kind[] = ['sync', 'async'];

let server: TestServer | undefined;
let arc: Arc | undefined;
const escaped: { event: string; reason: unknown }[] = [];
const onRejection = (reason: unknown) => escaped.push({ event: 'unhandledRejection', reason });
const onException = (reason: unknown) => escaped.push({ event: 'uncaughtException', reason });

beforeEach(() => {
  escaped.length = 0;
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
});

afterEach(async () => {
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
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
    successSampleRate: 1,
    flushIntervalMs: 60_000,
    fixes: { enabled: false },
    // Only a bound on how long a validator may hold a call; nothing here depends on its length.
    validatorTimeoutMs: 50,
    ...options,
  });
  return arc;
}

/** What a call did: returned a value or threw (or rejected with) an error. */
type Outcome = { returned: unknown } | { threw: unknown };

/** Calls `call` and settles what it gave: a promise's value or reason for an async function. */
async function outcomeOf(call: () => unknown): Promise<Outcome> {
  let value: unknown;
  try {
    value = call();
  } catch (error) {
    return { threw: error };
  }
  // isPromise runs no trap of a hostile Proxy, as `instanceof` would.
  if (!types.isPromise(value)) return { returned: value };
  try {
    return { returned: await value };
  } catch (error) {
    return { threw: error };
  }
}

/**
 * A host function of the given kind that makes its outcome with `produce` and remembers it, so the
 * tracked call's outcome can be compared with the host's own one by identity.
 */
function hostFunction(kind: Kind, produce: (arg: unknown) => unknown) {
  const own: { outcome?: Promise<Outcome> } = {};
  const fn =
    kind === 'sync'
      ? (arg: unknown) => {
          try {
            const value = produce(arg);
            own.outcome = Promise.resolve({ returned: value });
            return value;
          } catch (error) {
            own.outcome = Promise.resolve({ threw: error });
            throw error;
          }
        }
      : (arg: unknown) => {
          const promise = (async () => produce(arg))();
          own.outcome = outcomeOf(() => promise);
          return promise;
        };
  return { fn, own };
}

/** Waits until the call's outcome was counted, then one turn of the event loop, in which Node reports any rejection left unhandled. */
async function settled(a: Arc, name: string): Promise<void> {
  await until(() => {
    const counts = a.stats().functions[name];
    return counts !== undefined && counts.successes + counts.failures >= 1;
  });
  await new Promise((resolve) => setImmediate(resolve));
}

async function eventsOf(a: Arc, name: string): Promise<Record<string, unknown>[]> {
  await a.flush();
  return receivedEvents(server!).filter((e) => e.function === name);
}

/** A Proxy whose every trap throws `error`. */
function throwingProxy(error: unknown): object {
  const handler = new Proxy(
    {},
    {
      get: () => () => {
        throw error;
      },
    },
  );
  return new Proxy({}, handler as ProxyHandler<object>);
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

function standard(validate: (value: unknown) => unknown): StandardSchemaV1 {
  return { '~standard': { version: 1, vendor: 'hostile', validate: validate as never } };
}

const never = () => new Promise<never>(() => undefined);
const trapError = new Error('trap');

interface ValidatorRow {
  name: string;
  validator: unknown;
  /** The outcome Arc reports for the call, and what its failure message says. */
  reported: 'success' | 'failure';
  message?: RegExp;
}

const validatorRows: ValidatorRow[] = [
  {
    name: 'a Standard Schema whose async validate resolves undefined',
    validator: standard(async () => undefined),
    reported: 'failure',
    message: /validator returned undefined, not a Standard Schema result/,
  },
  {
    name: 'a Standard Schema whose validate returns undefined',
    validator: standard(() => undefined),
    reported: 'failure',
    message: /validator returned undefined, not a Standard Schema result/,
  },
  {
    name: 'a Standard Schema whose validate returns null',
    validator: standard(() => null),
    reported: 'failure',
    message: /validator returned null/,
  },
  {
    name: 'a Standard Schema whose issues are not an array',
    validator: standard(async () => ({ issues: 'everything' })),
    reported: 'failure',
    message: /issues that are not an array/,
  },
  {
    name: 'a Standard Schema whose issues are null and throwing getters',
    validator: standard(async () => ({
      issues: [
        null,
        {
          get message() {
            throw new Error('getter');
          },
        },
        { message: 'bad', path: [null, { key: 'k' }] },
      ],
    })),
    reported: 'failure',
    message: /\(root\): null; \(root\): \[unreadable issue\]; null\.k: bad/,
  },
  {
    name: 'a Standard Schema whose validate throws',
    validator: standard(() => {
      throw new Error('validate blew up');
    }),
    reported: 'failure',
    message: /validator threw: validate blew up/,
  },
  {
    name: 'a Standard Schema whose validate rejects',
    validator: standard(() => Promise.reject(new Error('validate rejected'))),
    reported: 'failure',
    message: /validator threw: validate rejected/,
  },
  {
    name: 'a Standard Schema whose validate never settles',
    validator: standard(never),
    reported: 'failure',
    message: /validator did not settle within 50 ms/,
  },
  {
    name: 'a Standard Schema whose validate answers a thenable that throws',
    validator: standard(() => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point
      then() {
        throw new Error('then blew up');
      },
    })),
    reported: 'failure',
    message: /validator threw: then blew up/,
  },
  {
    name: 'a Standard Schema that is a Proxy throwing on every trap',
    validator: throwingProxy(trapError),
    reported: 'failure',
    message: /validator threw: trap/,
  },
  {
    name: 'a function validator that throws',
    validator: () => {
      throw new Error('fn blew up');
    },
    reported: 'failure',
    message: /validator threw: fn blew up/,
  },
  {
    name: 'a function validator returning a rejecting promise',
    validator: () => Promise.reject(new Error('fn rejected')),
    reported: 'failure',
    message: /validator threw: fn rejected/,
  },
  {
    name: 'a function validator that never settles',
    validator: never,
    reported: 'failure',
    message: /validator did not settle within 50 ms/,
  },
  {
    name: 'a function validator returning garbage',
    validator: () => ({ not: 'a verdict' }),
    reported: 'failure',
    message: /rejected by validator/,
  },
  {
    name: 'an async function validator saying what is wrong',
    validator: async () => 'wrong total',
    reported: 'failure',
    message: /\(root\): wrong total/,
  },
  { name: 'an async function validator accepting', validator: async () => true, reported: 'success' },
  {
    name: 'a validator that is not a validator at all',
    validator: 42,
    reported: 'failure',
    message: /validator threw/,
  },
];

describe.each(KINDS)('a %s tracked function', (kind) => {
  it.each(validatorRows)('with $name: the host gets its own result', async (row) => {
    const a = await setup();
    const result = { answer: 42 };
    const { fn, own } = hostFunction(kind, () => result);
    const tracked = a.track('validated', fn, { validators: [row.validator as never] });
    const outcome = await outcomeOf(() => tracked(1));
    expect(outcome).toEqual(await own.outcome);
    expect((outcome as { returned: unknown }).returned).toBe(result);
    await settled(a, 'validated');
    expect(escaped).toEqual([]);
    expect(a.stats().internalErrors).toBe(0);
    const [event] = await eventsOf(a, 'validated');
    expect(event?.kind).toBe(row.reported);
    if (row.message) expect((event!.error as { message: string }).message).toMatch(row.message);
  });
});

interface ValueRow {
  name: string;
  value: () => unknown;
}

const huge = 'x'.repeat(20_000_000);
const cyclic: Record<string, unknown> = { name: 'cycle' };
cyclic.self = cyclic;

// Results a function returns and values it throws or takes, each hostile to whoever reads them.
const hostileValues: ValueRow[] = [
  {
    name: 'an object with a throwing getter',
    value: () => ({
      get boom() {
        throw new Error('getter');
      },
    }),
  },
  { name: 'a Proxy that throws on every trap', value: () => throwingProxy(trapError) },
  { name: 'a revoked Proxy', value: revokedProxy },
  { name: 'a cycle', value: () => cyclic },
  { name: 'a BigInt', value: () => 2n ** 100n },
  { name: 'a huge string', value: () => huge },
  {
    name: 'an object whose toJSON throws',
    value: () => ({
      toJSON() {
        throw new Error('toJSON');
      },
    }),
  },
  {
    name: 'an Error whose every field throws',
    value: () => {
      // The stack first: V8 formats a pending stack when another field is redefined.
      const error = new Error('x');
      for (const field of ['stack', 'message', 'name']) {
        Object.defineProperty(error, field, {
          get() {
            throw new Error(`${field} getter`);
          },
        });
      }
      return error;
    },
  },
];

describe.each(KINDS)('a %s tracked function', (kind) => {
  it.each(hostileValues)('returning $name: the host gets its own outcome', async (row) => {
    const a = await setup();
    const value = row.value();
    const { fn, own } = hostFunction(kind, () => value);
    const tracked = a.track('returns', fn, { validators: [() => true] });
    const outcome = await outcomeOf(() => tracked(1));
    const expected = await own.outcome!;
    expect(Object.keys(outcome)).toEqual(Object.keys(expected));
    expect(Object.values(outcome)[0]).toBe(Object.values(expected)[0]);
    await settled(a, 'returns');
    expect(escaped).toEqual([]);
    expect(a.stats().internalErrors).toBe(0);
    expect(await eventsOf(a, 'returns')).toHaveLength(1);
  });

  it.each(hostileValues)('throwing $name: the host gets its own error', async (row) => {
    const a = await setup();
    const value = row.value();
    const { fn, own } = hostFunction(kind, () => {
      throw value;
    });
    const tracked = a.track('throws', fn);
    const outcome = await outcomeOf(() => tracked(1));
    expect(Object.keys(outcome)).toEqual(['threw']);
    expect((outcome as { threw: unknown }).threw).toBe(((await own.outcome!) as { threw: unknown }).threw);
    await settled(a, 'throws');
    expect(escaped).toEqual([]);
    expect(a.stats().internalErrors).toBe(0);
    const [event] = await eventsOf(a, 'throws');
    expect(event?.kind).toBe('failure');
  });

  it.each(hostileValues)('given $name as its argument: the host gets its own result', async (row) => {
    const a = await setup();
    const { fn, own } = hostFunction(kind, () => 'fine');
    const tracked = a.track('takes', fn, { validators: [() => true] });
    const outcome = await outcomeOf(() => tracked(row.value()));
    expect(outcome).toEqual(await own.outcome);
    await settled(a, 'takes');
    expect(escaped).toEqual([]);
    expect(a.stats().internalErrors).toBe(0);
    expect(await eventsOf(a, 'takes')).toHaveLength(1);
  });
});

interface HookRow {
  name: string;
  options: Record<string, unknown>;
  reported: 'success' | 'failure';
  /** Hooks that threw inside Arc's work: caught, counted, and told to onInternalError. */
  internalErrors: number;
}

const hookRows: HookRow[] = [
  {
    name: 'an input hook that throws',
    options: {
      input: () => {
        throw new Error('input hook');
      },
    },
    reported: 'success',
    internalErrors: 1,
  },
  {
    name: 'a callId that throws',
    options: {
      callId: () => {
        throw new Error('callId hook');
      },
    },
    reported: 'success',
    internalErrors: 1,
  },
  {
    name: 'a callId that returns a Proxy throwing on every trap',
    options: { callId: () => throwingProxy(trapError) },
    reported: 'success',
    internalErrors: 1,
  },
  {
    name: 'an onCall that throws',
    options: {
      onCall: () => {
        throw new Error('onCall hook');
      },
    },
    reported: 'success',
    internalErrors: 1,
  },
  {
    // Arc awaits no hook but parse, validators and verify: a rejection of any other is contained.
    name: 'an async onCall that rejects',
    options: {
      onCall: async () => {
        throw new Error('async onCall hook');
      },
    },
    reported: 'success',
    internalErrors: 1,
  },
  {
    name: 'a callId that returns a rejecting promise',
    options: { callId: () => Promise.reject(new Error('async callId hook')) },
    reported: 'success',
    internalErrors: 2,
  },
  {
    name: 'an input hook that returns a rejecting promise',
    options: { input: () => Promise.reject(new Error('async input hook')) },
    reported: 'success',
    internalErrors: 2,
  },
  {
    // A verifier's failures are the host's, not Arc's: counted apart (verify's own tests).
    name: 'a verify that throws a Proxy throwing on every trap',
    options: {
      verify: () => {
        throw throwingProxy(trapError);
      },
    },
    reported: 'success',
    internalErrors: 0,
  },
  {
    name: 'a verify that returns a Proxy throwing on every trap',
    options: { verify: () => throwingProxy(trapError) },
    reported: 'success',
    internalErrors: 0,
  },
  {
    name: 'an output shape whose get throws',
    options: {
      validators: [() => true],
      output: {
        get: () => {
          throw new Error('output hook');
        },
        set: (o: unknown) => o,
      },
    },
    reported: 'success',
    internalErrors: 1,
  },
  {
    name: 'a parse that returns a rejecting promise',
    options: { parse: () => Promise.reject(new Error('async parse')) },
    reported: 'failure',
    internalErrors: 0,
  },
  {
    name: 'a parse that throws a Proxy throwing on every trap',
    options: {
      parse: () => {
        throw throwingProxy(trapError);
      },
    },
    reported: 'failure',
    internalErrors: 0,
  },
];

describe.each(KINDS)('a %s tracked function', (kind) => {
  it.each(hookRows)('with $name: the host gets its own result', async (row) => {
    const told: unknown[] = [];
    const a = await setup({
      // A hook of the host's that throws too: still nothing escapes.
      onInternalError: (error) => {
        told.push(error);
        throw new Error('onInternalError blew up');
      },
    });
    const result = { answer: 42 };
    const { fn, own } = hostFunction(kind, () => result);
    const tracked = a.track('hooked', fn, row.options as never);
    const outcome = await outcomeOf(() => tracked(1));
    expect(outcome).toEqual(await own.outcome);
    expect((outcome as { returned: unknown }).returned).toBe(result);
    await settled(a, 'hooked');
    expect(escaped).toEqual([]);
    expect(a.stats().internalErrors).toBe(row.internalErrors);
    expect(told).toHaveLength(row.internalErrors);
    if (row.reported === 'success' && row.internalErrors > 0) return;
    const [event] = await eventsOf(a, 'hooked');
    expect(event?.kind).toBe(row.reported);
  });
});

interface FetchRow {
  name: string;
  fetch: (url: unknown) => unknown;
}

// The host may pass its own fetch: whatever it does, sends, polls and leases fail quietly.
const fetchRows: FetchRow[] = [
  {
    name: 'throws synchronously',
    fetch: () => {
      throw new Error('sync fetch');
    },
  },
  { name: 'returns no promise', fetch: () => 42 },
  { name: 'resolves to garbage', fetch: async () => ({ status: 500 }) },
  { name: 'resolves to a Proxy throwing on every trap', fetch: async () => throwingProxy(trapError) },
  { name: 'ignores its abort signal and never settles', fetch: never },
  { name: 'rejects with a revoked Proxy', fetch: () => Promise.reject(revokedProxy()) },
  {
    name: 'rejects with a Proxy whose every trap throws a revoked Proxy',
    fetch: () => Promise.reject(throwingProxy(revokedProxy())),
  },
  {
    // Its signal ignored, as by a fetch of the host's: the body's reader must give up all the same.
    name: 'answers with a body that never ends',
    fetch: (url: unknown) =>
      Promise.resolve(
        new Response(new ReadableStream({ pull: () => never() }), {
          status: String(url).includes('/v1/events') ? 500 : 200,
        }),
      ),
  },
];

describe('a tracked function returning a promise whose then or constructor throws', () => {
  const hostilePromises: [string, string][] = [
    ['then', 'then trap'],
    ['constructor', 'constructor trap'],
  ];
  it.each(hostilePromises)('(%s) gets it back as it is', async (field, message) => {
    const a = await setup();
    const make = () => {
      const promise = Promise.resolve(7);
      const trap = () => {
        throw new Error(message);
      };
      // A `then` method that throws when called; a `constructor` that throws when read.
      Object.defineProperty(promise, field, field === 'then' ? { value: trap } : { get: trap });
      return promise;
    };
    const own = make();
    const expected = await outcomeOf(() => own);
    const returned = make();
    const tracked = a.track('hostile.promise', () => returned, { validators: [() => true] });
    const outcome = await outcomeOf(() => tracked());
    expect(Object.keys(outcome)).toEqual(Object.keys(expected));
    expect(tracked()).toBe(returned);
    await new Promise((resolve) => setImmediate(resolve));
    expect(escaped).toEqual([]);
    // Arc could not watch it settle: an internal error, the call not counted.
    expect(a.stats().internalErrors).toBe(2);
  });
});

describe('a client whose fetch misbehaves', () => {
  it.each(fetchRows)('($name) leaves calls alone and fails its own work quietly', async (row) => {
    const a = createArc({
      endpoint: 'http://127.0.0.1:9',
      apiKey: 'arc_test',
      fetch: row.fetch as typeof fetch,
      successSampleRate: 1,
      flushIntervalMs: 10,
      requestTimeoutMs: 50,
      maxSendAttempts: 1,
      fixes: { pollIntervalMs: 10 },
    });
    arc = a;
    const double = a.track('double', (n: number) => n * 2);
    expect(double(2)).toBe(4);
    await a.refreshFixes();
    await a.flush();
    const worker = a.worker({ double: (n: number) => n }, { pollIntervalMs: 10 });
    await until(() => worker.stats().leaseErrors >= 1);
    await worker.stop({ timeoutMs: 0 });
    await a.shutdown({ timeoutMs: 100 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(escaped).toEqual([]);
    const stats = a.stats();
    expect(stats).toMatchObject({ internalErrors: 0, sent: 0, failed: 1 });
    expect(stats.fixes?.failures).toBeGreaterThanOrEqual(1);
  });
});

describe('a deployed fix whose call side cannot be applied', () => {
  it.each(KINDS)('leaves a %s call without any of the fix, its output repair included', async (kind) => {
    const fix: DeployedFix = {
      id: 'fx_both',
      version: 1,
      patternId: 'p',
      function: 'shaped',
      fix: {
        type: 'composite',
        fixes: [
          { type: 'prompt_adjustment', instructions: 'Answer in JSON.' },
          { type: 'output_repair', json: true, coerce: false },
        ],
      },
      risk: 'medium',
      confidence: 0.9,
      canaryShare: 1,
    };
    const a = await setup({ fixes: { enabled: true } }, [fix]);
    const { fn, own } = hostFunction(kind, () => "{'total': 1,}");
    const tracked = a.track('shaped', fn, {
      callShape: {
        get: () => ({ messages: [], params: {} }),
        set: () => {
          throw new Error('call shape bug');
        },
      },
    });
    await a.refreshFixes();
    expect(a.fixesFor('shaped')).toHaveLength(1);
    const outcome = await outcomeOf(() => tracked(1));
    // Not repaired: the fix could not be applied whole, so none of it was.
    expect(outcome).toEqual(await own.outcome);
    await settled(a, 'shaped');
    expect(escaped).toEqual([]);
    expect(a.stats().internalErrors).toBe(1);
    const [event] = await eventsOf(a, 'shaped');
    expect(event?.fixIds).toBeUndefined();
  });
});

describe('the host’s onInternalError hook', () => {
  it('may throw: what it was told about is still only counted, wherever in Arc it was caught', async () => {
    const a = await setup({
      onInternalError: () => {
        throw new Error('hook blew up');
      },
    });
    const call = a.track('hooked', (n: number) => n, {
      input: () => {
        throw new Error('input hook');
      },
    });
    expect(call(1)).toBe(1);
    // The runtime's report is what the rollout worker and the transport call directly.
    expect(() => runtimeOf(a)!.internalError(new Error('worker bug'))).not.toThrow();
    expect(a.stats().internalErrors).toBe(2);
  });

  it('may be async and reject: no unhandled rejection', async () => {
    const a = await setup({
      onInternalError: async () => {
        throw new Error('async hook blew up');
      },
    });
    runtimeOf(a)!.internalError(new Error('worker bug'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(escaped).toEqual([]);
    expect(a.stats().internalErrors).toBe(1);
  });
});
