// Arc never breaks the host (DESIGN.md section 8): whatever state the server is in, tracked
// calls return the same results and throw the same error objects as untracked ones, the event
// loop keeps turning, memory stays bounded, and shutdown resolves within its bound.

import { afterEach, describe, expect, it } from 'vitest';
import { type Arc, createArc } from './create-arc.js';
import { closedPortUrl, json, startTestServer, type TestServer, until } from './http-test-server.fixture.js';

type Mode = 'down' | 'hangs' | '500' | 'garbage' | 'slow' | '429';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function endpointFor(mode: Mode): Promise<string> {
  if (mode === 'down') return closedPortUrl();
  server = await startTestServer((_req, res) => {
    switch (mode) {
      case 'hangs':
        return;
      case '500':
        return json(res, 500, { error: 'internal' });
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('\u0000\u0001 not json');
      case 'slow':
        return void setTimeout(() => json(res, 202, { accepted: 0, duplicates: 0, patterns: [] }), 300);
      case '429':
        return json(res, 429, { error: 'slow down' }, { 'retry-after': '30' });
    }
  });
  return server.url;
}

// The same work, to be run bare and tracked.
const failure = new Error('agent failure');
const work = {
  sync: (n: number) => n * 2,
  async: async (n: number) => `${n}`,
  throwsSync: (_n: number): number => {
    throw failure;
  },
  rejects: async (_n: number): Promise<string> => {
    throw failure;
  },
};

async function outcomes(fns: typeof work, n: number) {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    out.push(fns.sync(i));
    const pending = fns.async(i);
    out.push(pending instanceof Promise, await pending);
    try {
      fns.throwsSync(i);
    } catch (e) {
      out.push(e);
    }
    await fns.rejects(i).catch((e: unknown) => out.push(e));
  }
  return out;
}

function tracked(arc: Arc): typeof work {
  return {
    sync: arc.track('w.sync', work.sync),
    async: arc.track('w.async', work.async),
    throwsSync: arc.track('w.throwsSync', work.throwsSync),
    rejects: arc.track('w.rejects', work.rejects),
  };
}

describe.each<Mode>(['down', 'hangs', '500', 'garbage', 'slow', '429'])(
  'with a server that is %s',
  (mode) => {
    it('behaves as without Arc, keeps the loop turning and memory bounded, and shuts down in time', async () => {
      const arc = createArc({
        endpoint: await endpointFor(mode),
        apiKey: 'arc_test',
        successSampleRate: 1,
        batchSize: 20,
        maxQueue: 100,
        flushIntervalMs: 10,
        requestTimeoutMs: 5000,
        fixes: { pollIntervalMs: 10, enabled: true },
      });
      const fns = tracked(arc);

      const bare = await outcomes(work, 300);
      const withArc = await outcomes(fns, 300);
      expect(withArc).toHaveLength(bare.length);
      for (const [i, value] of withArc.entries()) expect(value).toBe(bare[i]);

      // While Arc sends, retries and polls in the background, a 1 ms timer keeps firing: nothing
      // of Arc's waits synchronously. (No speed is asserted: the machine may be busy.)
      let turns = 0;
      const ticker = setInterval(() => turns++, 1);
      await until(() => turns >= 20);
      clearInterval(ticker);
      if (mode === 'garbage' || mode === 'slow') await until(() => arc.stats().sent > 0);

      const stats = arc.stats();
      expect(stats.queued).toBeLessThanOrEqual(100 + 20);
      expect(stats.dropped).toBeGreaterThan(0);
      expect(stats.sent + stats.dropped + stats.failed + stats.queued).toBe(1200);
      if (mode !== 'garbage' && mode !== 'slow') expect(stats.sent).toBe(0);
      expect(stats.internalErrors).toBe(0);
      expect(stats.functions['w.rejects']).toEqual({
        successes: 0,
        failures: 300,
        retries: 0,
        sampledSuccesses: 0,
        wrongAnswers: 0,
        verifyFailures: 0,
        unvalidated: 0,
      });

      const started = Date.now();
      await arc.shutdown({ timeoutMs: 300 });
      // Well under the 5 s request timeout: shutdown aborts what is in flight at its deadline.
      expect(Date.now() - started).toBeLessThan(300 + 1500);
    });
  },
);
