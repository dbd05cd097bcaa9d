import type { DeployedFix } from '@arc-agent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FixCache, type FixCacheOptions } from './fix-cache.js';
import { closedPortUrl, json, startTestServer, type TestServer } from './http-test-server.fixture.js';

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
    requestTimeoutMs: 500,
    ...overrides,
  });
  return cache;
}

/** Speaks the fixes protocol: a strong ETag per content version, 304 when If-None-Match matches. */
async function fixesServer(state: {
  fixes: unknown[];
  version: number;
  mode?: 'ok' | 'error' | 'garbage' | 'hang';
}) {
  return startTestServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/v1/fixes') return json(res, 404, { error: 'not found' });
    if (state.mode === 'hang') return;
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
