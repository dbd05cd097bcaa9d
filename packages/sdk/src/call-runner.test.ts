import type { DeployedFix, Fix } from '@arc-agent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { pathCallShape } from './call-shape.js';
import { canaryArm } from './canary-assignment.js';
import { type Arc, type ArcOptions, createArc } from './create-arc.js';
import { receivedEvents, startArcTestServer, type TestServer } from './http-test-server.fixture.js';

let server: TestServer | undefined;
let arc: Arc | undefined;
/** What the test server answers on `GET /v1/fixes`; a test may change it. */
let fixState: { fixes: DeployedFix[]; version?: number } = { fixes: [] };

afterEach(async () => {
  await arc?.shutdown({ timeoutMs: 500 });
  await server?.close();
  arc = undefined;
  server = undefined;
});

function deployed(id: string, fix: Fix, overrides: Partial<DeployedFix> = {}): DeployedFix {
  return {
    id,
    version: 1,
    patternId: 'pat_any',
    function: 'chat',
    fix,
    risk: 'medium',
    confidence: 0.9,
    canaryShare: 1,
    ...overrides,
  };
}

async function setup(fixes: DeployedFix[], options: Partial<ArcOptions> = {}): Promise<Arc> {
  fixState = { fixes };
  server = await startArcTestServer(fixState);
  arc = createArc({
    endpoint: server.url,
    apiKey: 'arc_test',
    successSampleRate: 1,
    flushIntervalMs: 60_000,
    ...options,
  });
  return arc;
}

/** Tracks `fn` and waits until the fixes of its function are in the local cache. */
async function trackWithFixes<F extends (...args: never[]) => unknown>(a: Arc, fn: F, options = {}) {
  const tracked = a.track('chat', fn as never, options) as unknown as F;
  await a.refreshFixes();
  return tracked;
}

async function sent(): Promise<Record<string, unknown>[]> {
  await arc!.flush();
  return receivedEvents(server!);
}

type Request = { messages: { role: string; content: string }[]; temperature?: number };
const shape = pathCallShape<[Request]>({ messages: '0.messages', params: { temperature: '0.temperature' } });
const adjust = { type: 'prompt_adjustment', instructions: 'Answer in JSON.' } as const;

describe('deployed fixes in tracked calls', () => {
  it('applies a promoted fix through the call shape and reports its id, leaving the caller’s arguments alone', async () => {
    const a = await setup([
      deployed('fx_prompt', {
        type: 'composite',
        fixes: [adjust, { type: 'param_patch', params: { temperature: 0 } }],
      }),
    ]);
    const seen: Request[] = [];
    const chat = await trackWithFixes(
      a,
      async (req: Request) => {
        seen.push(req);
        return 'ok';
      },
      { callShape: shape },
    );
    const request: Request = { messages: [{ role: 'user', content: 'hi' }], temperature: 1 };
    expect(await chat(request)).toBe('ok');
    expect(seen[0]).toEqual({
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'hi' },
      ],
      temperature: 0,
    });
    expect(request).toEqual({ messages: [{ role: 'user', content: 'hi' }], temperature: 1 });
    const [event] = await sent();
    expect(event).toMatchObject({ kind: 'success', fixIds: ['fx_prompt'], input: [request] });
    expect(event!.tags).toBeUndefined();
  });

  it('gives each call the pooled few-shot examples nearest its recorded input', async () => {
    const example = (q: string, a: string) => ({
      input: [{ messages: [{ role: 'user', content: q }] }],
      output: a,
    });
    const a = await setup([
      deployed('fx_pool', {
        type: 'few_shot',
        examples: [
          example('weather in Paris in celsius', 'weather(Paris, C)'),
          example('convert 10 euros to dollars', 'convert(10, EUR, USD)'),
          example('weather in Rome in celsius', 'weather(Rome, C)'),
          example('convert 99 pounds to yen', 'convert(99, GBP, JPY)'),
        ],
        nearest: 1,
      }),
    ]);
    const seen: Request[] = [];
    const chat = await trackWithFixes(
      a,
      async (req: Request) => {
        seen.push(req);
        return 'ok';
      },
      { callShape: shape },
    );
    await chat({ messages: [{ role: 'user', content: 'weather in Oslo in celsius' }] });
    await chat({ messages: [{ role: 'user', content: 'convert 5 euros to dollars' }] });
    expect(seen.map((r) => r.messages[1]!.content)).toEqual([
      expect.stringMatching(/^weather\(/),
      'convert(10, EUR, USD)',
    ]);
    expect(seen.every((r) => r.messages.length === 3)).toBe(true);
  });

  it('skips a call-side fix when the function has no call shape', async () => {
    const a = await setup([deployed('fx_prompt', adjust)]);
    const chat = await trackWithFixes(a, (req: Request) => req.messages.length);
    expect(chat({ messages: [] })).toBe(0);
    expect((await sent())[0]!.fixIds).toBeUndefined();
  });

  it('assigns canary arms deterministically by call key and reports them', async () => {
    const a = await setup([deployed('fx_canary', adjust, { canaryShare: 0.5 })]);
    const systems: (string | undefined)[] = [];
    const chat = await trackWithFixes(
      a,
      (req: Request, _user: string) => {
        systems.push(req.messages[0]?.role === 'system' ? req.messages[0].content : undefined);
        return 'ok';
      },
      { callShape: shape, callKey: (_req: Request, user: string) => user },
    );
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    for (const user of users) chat({ messages: [{ role: 'user', content: 'q' }] }, user);
    const arms = users.map((u) => canaryArm('fx_canary', u, 0.5));
    expect(arms).toContain('treatment');
    expect(arms).toContain('control');
    expect(systems).toEqual(arms.map((arm) => (arm === 'treatment' ? 'Answer in JSON.' : undefined)));
    const events = await sent();
    expect(events.map((e) => (e.tags as Record<string, string>).canary)).toEqual(arms);
    expect(events.every((e) => (e.tags as Record<string, string>).canaryFixIds === 'fx_canary')).toBe(true);
    expect(events.map((e) => (e.fixIds as string[] | undefined)?.[0])).toEqual(
      arms.map((arm) => (arm === 'treatment' ? 'fx_canary' : undefined)),
    );
  });

  it('runs a canary’s treatment with its fix in place of the one promoted for its pattern, as promoting it will leave production', async () => {
    const a = await setup([
      deployed('fx_old', { type: 'prompt_adjustment', instructions: 'Old.' }, { patternId: 'pat_x' }),
      deployed('fx_other', { type: 'param_patch', params: { temperature: 0 } }, { patternId: 'pat_y' }),
      deployed('fx_new', adjust, { patternId: 'pat_x', canaryShare: 0.5 }),
    ]);
    const seen: Request[] = [];
    const chat = await trackWithFixes(
      a,
      (req: Request, _user: string) => {
        seen.push(req);
        return 'ok';
      },
      { callShape: shape, callKey: (_req: Request, user: string) => user },
    );
    const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    for (const user of users) chat({ messages: [{ role: 'user', content: 'q' }] }, user);
    const arms = users.map((u) => canaryArm('fx_new', u, 0.5));
    expect(arms).toContain('treatment');
    expect(arms).toContain('control');
    expect(seen.map((r) => r.messages[0]!.content)).toEqual(
      arms.map((arm) => (arm === 'treatment' ? 'Answer in JSON.' : 'Old.')),
    );
    expect(seen.every((r) => r.temperature === 0)).toBe(true);
    const events = await sent();
    expect(events.map((e) => e.fixIds)).toEqual(
      arms.map((arm) => (arm === 'treatment' ? ['fx_other', 'fx_new'] : ['fx_old', 'fx_other'])),
    );
  });

  it('never rescues a canary’s treatment call with the promoted fix the canary replaces', async () => {
    const a = await setup([
      deployed('fx_old', adjust, { patternId: 'pat_x', confidence: 0.99 }),
      deployed(
        'fx_new',
        { type: 'param_patch', params: { temperature: 0 } },
        { patternId: 'pat_x', canaryShare: 1 - 1e-9 },
      ),
    ]);
    const user = Array.from({ length: 100 }, (_, i) => `user-${i}`).find(
      (u) => canaryArm('fx_new', u, 1 - 1e-9) === 'treatment',
    )!;
    let calls = 0;
    const chat = await trackWithFixes(
      a,
      async (req: Request, _user: string) => {
        calls++;
        return failsWithoutSystemPrompt(req);
      },
      { callShape: shape, callKey: (_req: Request, u: string) => u },
    );
    await expect(chat({ messages: [{ role: 'user', content: 'hi' }] }, user)).rejects.toThrow(SyntaxError);
    expect(calls).toBe(1);
    const events = await sent();
    expect(events.map((e) => [e.kind, e.attempt, e.fixIds])).toEqual([['failure', 1, ['fx_new']]]);
  });

  it('runs the call without fixes when the call key throws', async () => {
    const a = await setup([deployed('fx_canary', adjust, { canaryShare: 0.5 })]);
    const chat = await trackWithFixes(a, (req: Request) => req.messages.length, {
      callShape: shape,
      callKey: () => {
        throw new Error('callKey bug');
      },
    });
    expect(chat({ messages: [] })).toBe(0);
    expect(a.stats().internalErrors).toBe(1);
  });

  /** Canary `fixId` promoted while a call runs, as the fix cache hears of it between two attempts. */
  async function promoteNow(a: Arc, fixId: string): Promise<void> {
    fixState.fixes = fixState.fixes.map((f) => (f.id === fixId ? { ...f, canaryShare: 1 } : f));
    fixState.version = (fixState.version ?? 1) + 1;
    await a.refreshFixes();
  }

  const failsWithoutSystemPrompt = (req: Request) => {
    if (req.messages[0]?.role !== 'system') throw new SyntaxError('Unexpected token h in JSON at position 0');
    return '{"ok":true}';
  };

  it("never rescues a control call with the canary's fix, however confident, and reports its one attempt as final", async () => {
    const a = await setup([deployed('fx_canary', adjust, { canaryShare: 0, confidence: 0.99 })]);
    let calls = 0;
    const chat = await trackWithFixes(
      a,
      async (req: Request) => {
        calls++;
        return failsWithoutSystemPrompt(req);
      },
      { callShape: shape },
    );
    await expect(chat({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(SyntaxError);
    expect(calls).toBe(1);
    const events = await sent();
    expect(events.map((e) => [e.kind, e.attempt, e.fixIds])).toEqual([['failure', 1, undefined]]);
    expect(events[0]!.tags).toEqual({ canary: 'control', canaryFixIds: 'fx_canary', canaryAttempt: 'final' });
  });

  it('gives a call in one canary’s treatment and another’s control only the fix of its treatment, retries included', async () => {
    const a = await setup([
      deployed('fx_a', { type: 'param_patch', params: { temperature: 0 } }, { canaryShare: 0.5 }),
      deployed('fx_b', adjust, { canaryShare: 0.5 }),
    ]);
    const user = Array.from({ length: 100 }, (_, i) => `user-${i}`).find(
      (u) => canaryArm('fx_a', u, 0.5) === 'treatment' && canaryArm('fx_b', u, 0.5) === 'control',
    )!;
    const seen: Request[] = [];
    const chat = await trackWithFixes(
      a,
      async (req: Request, _user: string) => {
        seen.push(req);
        return failsWithoutSystemPrompt(req);
      },
      { callShape: shape, callKey: (_req: Request, u: string) => u },
    );
    await expect(chat({ messages: [{ role: 'user', content: 'hi' }], temperature: 1 }, user)).rejects.toThrow(
      SyntaxError,
    );
    expect(seen).toEqual([{ messages: [{ role: 'user', content: 'hi' }], temperature: 0 }]);
    const [event] = await sent();
    expect(event).toMatchObject({
      fixIds: ['fx_a'],
      tags: { canary: 'treatment', canaryFixIds: 'fx_a,fx_b', canaryAttempt: 'final' },
    });
  });

  it('rescues a failed call once with a confident fix promoted after its fixes were decided, and the caller gets the success', async () => {
    const a = await setup([deployed('fx_rescue', adjust, { canaryShare: 0, confidence: 0.85 })]);
    const chat = await trackWithFixes(
      a,
      async (req: Request) => {
        if (req.messages[0]?.role !== 'system') await promoteNow(a, 'fx_rescue');
        return failsWithoutSystemPrompt(req);
      },
      { callShape: shape },
    );
    expect(await chat({ messages: [{ role: 'user', content: 'hi' }] })).toBe('{"ok":true}');
    const events = await sent();
    expect(events.map((e) => [e.kind, e.attempt, e.fixIds])).toEqual([
      ['failure', 1, undefined],
      ['success', 2, ['fx_rescue']],
    ]);
    // The call was in the control arm while fx_rescue was a canary; only its last attempt stands for it.
    expect(events.map((e) => e.tags)).toEqual([
      { canary: 'control', canaryFixIds: 'fx_rescue', canaryAttempt: 'retried' },
      { canary: 'control', canaryFixIds: 'fx_rescue', canaryAttempt: 'final', rescueFixId: 'fx_rescue' },
    ]);
    expect(a.stats().functions.chat).toMatchObject({ successes: 1, failures: 1, retries: 1 });
  });

  it('does not rescue with a promoted fix below the confidence threshold, and rethrows the original error', async () => {
    const a = await setup([deployed('fx_weak', adjust, { canaryShare: 0, confidence: 0.5 })]);
    const error = new SyntaxError('bad json');
    let calls = 0;
    const chat = await trackWithFixes(
      a,
      async (_req: Request) => {
        calls++;
        await promoteNow(a, 'fx_weak');
        throw error;
      },
      { callShape: shape },
    );
    await expect(chat({ messages: [] })).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('rethrows the last attempt’s own error when the rescue fails too', async () => {
    const a = await setup([deployed('fx_rescue', adjust, { canaryShare: 0 })]);
    const errors: Error[] = [];
    const chat = await trackWithFixes(
      a,
      async (_req: Request) => {
        if (errors.length === 0) await promoteNow(a, 'fx_rescue');
        const error = new Error(`attempt ${errors.length + 1}`);
        errors.push(error);
        throw error;
      },
      { callShape: shape },
    );
    const thrown = await chat({ messages: [] }).catch((error: unknown) => error);
    expect(errors).toHaveLength(2);
    expect(thrown).toBe(errors[1]);
  });

  const retryPolicy: Fix = {
    type: 'retry_policy',
    maxAttempts: 4,
    baseDelayMs: 20,
    maxDelayMs: 40,
    jitter: 'none',
    retryOn: { categories: [], statuses: [503] },
  };

  it('retries with backoff under a retry policy, within the attempt bound', async () => {
    const a = await setup([deployed('fx_retry', retryPolicy, { risk: 'low' })], {
      retry: { maxAttempts: 3 },
    });
    const started: number[] = [];
    const chat = await trackWithFixes(a, async (_req: Request) => {
      started.push(performance.now());
      throw Object.assign(new Error('service unavailable'), { status: 503 });
    });
    await expect(chat({ messages: [] })).rejects.toThrow('service unavailable');
    expect(started).toHaveLength(3);
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(15);
    expect(started[2]! - started[1]!).toBeGreaterThanOrEqual(35);
    const events = await sent();
    expect(events.map((e) => [e.kind, e.attempt])).toEqual([
      ['failure', 1],
      ['failure', 2],
      ['failure', 3],
    ]);
  });

  it('recovers under a retry policy and returns the later attempt’s result', async () => {
    const a = await setup([deployed('fx_retry', retryPolicy, { risk: 'low' })]);
    let calls = 0;
    const chat = await trackWithFixes(a, async (_req: Request) => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('busy'), { status: 503 });
      return `done after ${calls}`;
    });
    expect(await chat({ messages: [] })).toBe('done after 3');
  });

  it('marks only the last attempt of a canary call as final, whether it fails or succeeds', async () => {
    const a = await setup([
      deployed('fx_retry', retryPolicy, { risk: 'low' }),
      deployed('fx_canary', adjust, { canaryShare: 0 }),
    ]);
    let calls = 0;
    const chat = await trackWithFixes(
      a,
      async (_req: Request, failures: number) => {
        calls++;
        if (calls <= failures) throw Object.assign(new Error('busy'), { status: 503 });
        return 'ok';
      },
      { callShape: shape },
    );
    expect(await chat({ messages: [] }, 2)).toBe('ok');
    calls = 0;
    await expect(chat({ messages: [] }, 9)).rejects.toThrow('busy');
    const events = await sent();
    expect(events.map((e) => [e.kind, e.attempt, (e.tags as Record<string, string>).canaryAttempt])).toEqual([
      ['failure', 1, 'retried'],
      ['failure', 2, 'retried'],
      ['success', 3, 'final'],
      ['failure', 1, 'retried'],
      ['failure', 2, 'retried'],
      ['failure', 3, 'final'],
    ]);
  });

  it('does not retry what the policy does not cover, nor sync calls, nor past the total time', async () => {
    const a = await setup(
      [deployed('fx_retry', { ...retryPolicy, baseDelayMs: 200, maxDelayMs: 200 }, { risk: 'low' })],
      {
        retry: { maxTotalMs: 100 },
      },
    );
    let calls = 0;
    const notCovered = await trackWithFixes(a, async (_req: Request) => {
      calls++;
      throw Object.assign(new Error('bad request'), { status: 400 });
    });
    await expect(notCovered({ messages: [] })).rejects.toThrow('bad request');
    expect(calls).toBe(1);
    const sync = a.track('chat', (_req: Request) => {
      calls++;
      throw Object.assign(new Error('busy'), { status: 503 });
    });
    expect(() => sync({ messages: [] })).toThrow('busy');
    expect(calls).toBe(2);
    const tooSlow = a.track('chat', async (_req: Request) => {
      calls++;
      throw Object.assign(new Error('busy'), { status: 503 });
    });
    await expect(tooSlow({ messages: [] })).rejects.toThrow('busy');
    expect(calls).toBe(3);
  });

  it('repairs output before validation and returns the repaired output', async () => {
    const a = await setup([
      deployed('fx_repair', { type: 'output_repair', json: true, coerce: false }, { risk: 'low' }),
    ]);
    const isJson = (out: string) => {
      try {
        JSON.parse(out);
        return true as const;
      } catch {
        return 'not JSON';
      }
    };
    const chat = await trackWithFixes(a, (_req: Request) => "{'total': 12,}", { validators: isJson });
    expect(chat({ messages: [] })).toBe('{"total": 12}');
    const [event] = await sent();
    expect(event).toMatchObject({ kind: 'success', fixIds: ['fx_repair'] });
  });

  it("parses the repaired text with the host's parser, and reports and throws the parser's own error", async () => {
    class ToolCallError extends Error {
      override readonly name = 'ToolCallError';
    }
    const toolCall = (text: string, req: Request) => {
      const call = JSON.parse(text) as { name?: unknown };
      if (call.name !== req.messages[0]!.content)
        throw new ToolCallError(`unknown tool ${String(call.name)}`);
      return call;
    };
    const a = await setup([
      deployed('fx_repair', { type: 'output_repair', json: true, coerce: false }, { risk: 'low' }),
    ]);
    const seen: unknown[] = [];
    const chat = await trackWithFixes(
      a,
      (req: Request) => `{'name': '${req.temperature === 1 ? 'x' : 'lookup'}',}`,
      {
        parse: toolCall,
        validators: (call: unknown) => {
          seen.push(call);
          return true;
        },
        throwOnInvalid: true,
      },
    );
    // The deployed repair reaches the text before the parser: the caller gets the repaired text.
    expect(chat({ messages: [{ role: 'user', content: 'lookup' }] })).toBe('{"name": "lookup"}');
    expect(seen).toEqual([{ name: 'lookup' }]);
    const error = (() => {
      try {
        chat({ messages: [{ role: 'user', content: 'lookup' }], temperature: 1 });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ToolCallError);
    expect(seen).toHaveLength(1);
    const events = await sent();
    expect(events.map((e) => e.kind)).toEqual(['success', 'failure']);
    expect(events[1]!.error).toMatchObject({ type: 'ToolCallError', message: 'unknown tool x' });
    expect(() => a.track('chat', () => '', { parse: 'json' as never })).toThrow('parse must be a function');
  });
});
