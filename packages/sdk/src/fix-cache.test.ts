import type { DeployedFix } from '@arc-agent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FixCache, type FixCacheOptions } from './fix-cache.js';
import {
  closedPortUrl,
  type HugeAnswer,
  json,
  startTestServer,
  type TestServer,
  until,
  writeHugeAnswer,
} from './http-test-server.fixture.js';

const fix: DeployedFix = {
  id: 'fx_1',
  version: 1,
  patternId: 'p1',
  function: 'invoice.extract',
  fix: { type: 'prompt_adjustment', instructions: 'Return JSON.' },
  risk: 'medium',
  confidence: 0.9,
  canaryShare: 1,
};

let server: TestServer | undefined;
let cache: FixCache | undefined;
afterEach(async () => {
  cache?.stop();
  await server?.close();
  server = undefined;
});

function open(url: string, overrides: Partial<FixCacheOptions> = {}): FixCache {
  cache = new FixCache({
    url: `${url}/v1/fixes`,
    apiKey: 'arc_k',
    fetch: globalThis.fetch,
    intervalMs: 60_000,
    // Generous: a bound on a hang, so a loaded machine does not turn a slow answer into a failure.
    requestTimeoutMs: 5000,
    maxResponseBytes: 4 * 1024 * 1024,
    maxConcurrentPolls: 4,
    ...overrides,
  });
  return cache;
}

/** Speaks the fixes protocol: a strong ETag per content version, 304 when If-None-Match matches. */
async function fixesServer(state: {
  fixes: unknown[];
  version: number;
  mode?: 'ok' | 'error' | 'garbage' | 'hang' | 'huge';
  /** The huge answers written, to see how far each got. */
  huge?: HugeAnswer[];
}) {
  return startTestServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/v1/fixes') return json(res, 404, { error: 'not found' });
    if (state.mode === 'hang') return;
    if (state.mode === 'huge') {
      // The start of a fix set, then 64 MB of JSON whitespace: well-formed as far as it is read.
      state.huge?.push(writeHugeAnswer(res, 200, '{"fixes":[', 64 * 1024 * 1024, ' '));
      return;
    }
    if (state.mode === 'error') return json(res, 500, { error: 'down' });
    if (state.mode === 'garbage') {
      res.writeHead(200, { etag: '"garbage"' });
      return res.end('<html>oops');
    }
    const etag = `"v${state.version}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    const fn = url.searchParams.get('function');
    json(res, 200, { fixes: state.fixes.filter((f) => (f as DeployedFix).function === fn) }, { etag });
  });
}

describe('FixCache', () => {
  it('refresh answers with what the server holds after it was called, even with a poll already in flight', async () => {
    let deployed: DeployedFix[] = [];
    const held: (() => void)[] = [];
    // The first poll is held until the fix is deployed and refresh was called; then it gets the
    // answer it would have had when it was sent.
    server = await startTestServer((_req, res) => {
      const answer = { fixes: deployed };
      if (server?.requests.length === 1) held.push(() => json(res, 200, answer));
      else json(res, 200, answer);
    });
    const c = open(server.url);
    c.watch('invoice.extract');
    await until(() => held.length === 1);
    deployed = [fix];
    const refreshed = c.refresh();
    held[0]?.();
    await refreshed;
    expect(c.fixesFor('invoice.extract')).toEqual([fix]);
    expect(c.stats()).toMatchObject({ polls: 2, failures: 0 });
  });

  it('polls many functions a few at a time, each bounded from when its turn comes', async () => {
    // The server holds every answer until the test releases it: polls past the bound must wait
    // for a slot, and a queued poll's clock must not run while it waits (a 5 s timeout and 40
    // functions answered one slot at a time would otherwise time the last ones out under load).
    const held: (() => void)[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    server = await startTestServer((req, res) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const fn = new URL(req.url, 'http://x').searchParams.get('function');
      held.push(() => {
        inFlight--;
        json(res, 200, { fixes: [{ ...fix, id: `fx_${fn}`, function: fn }] }, { etag: `"${fn}"` });
      });
    });
    const c = open(server.url, { maxConcurrentPolls: 3, requestTimeoutMs: 60_000 });
    const fns = Array.from({ length: 40 }, (_, i) => `fn.${i}`);
    for (const fn of fns) c.watch(fn);
    let answered = 0;
    while (answered < fns.length) {
      await until(() => held.length > 0);
      expect(inFlight).toBeLessThanOrEqual(3);
      held.shift()?.();
      answered++;
    }
    await until(() => fns.every((fn) => c.fixesFor(fn).length === 1));
    expect(mostInFlight).toBe(3);
    expect(fns.map((fn) => c.fixesFor(fn).map((f) => f.id))).toEqual(fns.map((fn) => [`fx_${fn}`]));
    expect(c.stats()).toMatchObject({ polls: 40, failures: 0 });
  });

  it('polls a watched function, then revalidates with If-None-Match and takes 304 as no change', async () => {
    const state = { fixes: [fix] as unknown[], version: 1 };
    server = await fixesServer(state);
    const c = open(server.url);
    c.watch('invoice.extract');
    await c.refresh();
    expect(c.fixesFor('invoice.extract')).toEqual([fix]);
    await c.refresh();
    expect(server.requests.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    expect(server.requests[0]!.url).toBe('/v1/fixes?function=invoice.extract');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer arc_k');
    expect(c.stats()).toMatchObject({ notModified: 1, failures: 0 });
    expect(c.fixesFor('invoice.extract')).toEqual([fix]);

    state.fixes = [{ ...fix, version: 2, canaryShare: 0.5 }];
    state.version = 2;
    await c.refresh();
    expect(c.fixesFor('invoice.extract')).toEqual([{ ...fix, version: 2, canaryShare: 0.5 }]);
  });

  it('skips invalid fixes and fixes for other functions, keeping the valid ones', async () => {
    const state = {
      fixes: [
        fix,
        { ...fix, id: 'fx_bad', fix: { type: 'run_shell', cmd: 'rm' } },
        { ...fix, id: 'fx_2', canaryShare: 7 },
      ],
      version: 1,
    };
    server = await fixesServer(state);
    const c = open(server.url);
    c.watch('invoice.extract');
    await c.refresh();
    expect(c.fixesFor('invoice.extract').map((f) => f.id)).toEqual(['fx_1']);
    expect(c.stats().invalidFixes).toBe(2);
    expect(c.stats().lastError).toContain('deployedFix.canaryShare');
  });

  it('keeps the last good fixes when the server fails, garbles or hangs', async () => {
    const state: Parameters<typeof fixesServer>[0] = { fixes: [fix], version: 1 };
    server = await fixesServer(state);
    const c = open(server.url, { requestTimeoutMs: 100 });
    c.watch('invoice.extract');
    await c.refresh();
    for (const mode of ['error', 'garbage', 'hang'] as const) {
      state.mode = mode;
      state.version++;
      await c.refresh();
      expect(c.fixesFor('invoice.extract')).toEqual([fix]);
    }
    expect(c.stats().failures).toBe(3);
    state.mode = 'ok';
    await c.refresh();
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
  });

  it('refuses an answer larger than maxResponseBytes, reading no further, and keeps the last good fixes', async () => {
    const state: Parameters<typeof fixesServer>[0] = { fixes: [fix], version: 1, huge: [] };
    server = await fixesServer(state);
    // A generous timeout: the poll must end because the body was cut, not because time ran out.
    const c = open(server.url, { maxResponseBytes: 1024 * 1024, requestTimeoutMs: 60_000 });
    c.watch('invoice.extract');
    await c.refresh();
    state.mode = 'huge';
    state.version++;
    await c.refresh();
    expect(c.fixesFor('invoice.extract')).toEqual([fix]);
    expect(c.stats()).toMatchObject({
      oversizedResponses: 1,
      failures: 1,
      lastError: 'the answer is larger than 1048576 bytes',
    });
    await state.huge![0]!.closed;
    expect(state.huge![0]!.finished).toBe(false);
    // The refused answer's ETag was not taken: the next poll asks for the set again.
    state.mode = 'ok';
    await c.refresh();
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
  });

  it("skips a fix past core's fix limits (a few-shot fix of 1 MB), counting it, and applies the others", async () => {
    const fewShot: DeployedFix = {
      ...fix,
      id: 'fx_huge_examples',
      fix: { type: 'few_shot', examples: [{ input: 'q', output: 'a'.repeat(1024 * 1024) }] },
    };
    server = await fixesServer({ fixes: [fewShot, fix], version: 1 });
    const c = open(server.url, { requestTimeoutMs: 60_000 });
    c.watch('invoice.extract');
    await c.refresh();
    expect(c.fixesFor('invoice.extract')).toEqual([fix]);
    expect(c.stats()).toMatchObject({ oversizedFixes: 1, invalidFixes: 0, failures: 0 });
    expect(c.stats().lastError).toMatch(
      /^fix fx_huge_examples is too large: deployedFix\.fix\.examples must be at most 32768 characters as JSON in all/,
    );
  });

  it('has no fixes and does not throw while the server is unreachable', async () => {
    const c = open(await closedPortUrl());
    c.watch('invoice.extract');
    await c.refresh();
    expect(c.fixesFor('invoice.extract')).toEqual([]);
    expect(c.fixesFor('never.watched')).toEqual([]);
    expect(c.stats().failures).toBeGreaterThanOrEqual(1);
  });

  it('polls on its interval', async () => {
    server = await fixesServer({ fixes: [fix], version: 1 });
    const c = open(server.url, { intervalMs: 30 });
    c.watch('invoice.extract');
    await new Promise((r) => setTimeout(r, 200));
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
  });
});
