import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FUNCTION_NAME_LENGTH } from '../schemas/event-schemas.js';
import type { Storage } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

interface Summary {
  id: string;
  category: string;
  function: string;
  errorType: string;
  occurrences: number;
  lastSeen: string;
  overflow: boolean;
}

/** `storage`, recording the name of each of its methods called into `calls`. */
function recordingStorage(storage: Storage, calls: string[]): Storage {
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return value.apply(target, args);
      };
    },
  });
}

describe.each(openTestStorages())('patterns and functions ($name)', (backend) => {
  let server: TestServer;
  const storageCalls: string[] = [];
  let key: string;
  /** function name → pattern id */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(recordingStorage(await backend.open(), storageCalls));
    key = await server.key(['ingest', 'read']);
    // Three patterns: parse (3 failures, oldest), timeout (2, newest), auth (1, middle).
    const events = [
      ...[0, 1, 2].map((i) => ({
        kind: 'failure',
        function: 'parse',
        timestamp: T0 + i,
        error: { type: 'SyntaxError', message: `Unexpected token } in JSON at position ${40 + i}` },
        input: { text: `{"a": ${i}}}` },
      })),
      ...[0, 1].map((i) => ({
        kind: 'failure',
        function: 'fetchWeather',
        timestamp: T0 + 3 * HOUR + i,
        error: { type: 'Error', message: `connect ETIMEDOUT 10.0.0.${i}:443`, code: 'ETIMEDOUT' },
      })),
      {
        kind: 'failure',
        function: 'login',
        timestamp: T0 + 2 * HOUR,
        error: { type: 'HttpError', message: 'Unauthorized', status: 401 },
      },
      { kind: 'success', function: 'parse', timestamp: T0 + 4 * HOUR },
      { kind: 'success', function: 'parse', timestamp: T0 + 5 * HOUR },
    ];
    const response = await server.request('POST', '/v1/events', { key, body: { events } });
    expect(response.status).toBe(202);
    expect(response.body.patterns).toHaveLength(3);
    const listed = await server.request('GET', '/v1/patterns', { key });
    for (const p of listed.body.patterns as Summary[]) ids[p.function] = p.id;
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const list = async (query: string): Promise<{ patterns: Summary[]; nextCursor: string | null }> => {
    const response = await server.request('GET', `/v1/patterns${query}`, { key });
    expect(response.status).toBe(200);
    return response.body;
  };

  it('lists patterns by occurrences (default), with ISO times', async () => {
    const { patterns, nextCursor } = await list('');
    expect(patterns.map((p) => [p.function, p.occurrences])).toEqual([
      ['parse', 3],
      ['fetchWeather', 2],
      ['login', 1],
    ]);
    expect(nextCursor).toBeNull();
    expect(patterns[0]).toEqual({
      id: expect.any(String),
      category: expect.any(String),
      function: 'parse',
      errorType: 'SyntaxError',
      normalizedMessage: expect.any(String),
      occurrences: 3,
      firstSeen: new Date(T0).toISOString(),
      lastSeen: new Date(T0 + 2).toISOString(),
      overflow: false,
    });
  });

  it("shows a function's overflow pattern once it has the most patterns allowed, counting what went there", async () => {
    const own = await startTestServer(server.storage, { limits: { maxPatternsPerFunction: 2 } });
    try {
      const floodKey = await own.key(['ingest', 'read'], 'flooded');
      const flood = (type: string) => ({ kind: 'failure', function: 'flood', error: { type, message: 'x' } });
      const posted = await own.request('POST', '/v1/events', {
        key: floodKey,
        body: { events: ['AError', 'BError', 'CError', 'DError', 'CError'].map(flood) },
      });
      expect(posted.status).toBe(202);
      const { body } = await own.request('GET', '/v1/patterns?function=flood', { key: floodKey });
      expect(body.patterns.map((p: Summary) => [p.errorType, p.occurrences, p.overflow])).toEqual([
        ['ArcPatternOverflow', 3, true],
        ['AError', 1, false],
        ['BError', 1, false],
      ]);
    } finally {
      await own.close();
    }
  });

  it('sorts by lastSeen, newest first', async () => {
    const { patterns } = await list('?sort=lastSeen');
    expect(patterns.map((p) => p.function)).toEqual(['fetchWeather', 'login', 'parse']);
  });

  it('filters by function and by category', async () => {
    expect((await list('?function=login')).patterns.map((p) => p.function)).toEqual(['login']);
    expect((await list('?function=nothing')).patterns).toEqual([]);
    const { patterns } = await list('');
    for (const { category } of patterns) {
      const filtered = await list(`?category=${category}`);
      expect(filtered.patterns.length).toBeGreaterThan(0);
      expect(filtered.patterns.every((p) => p.category === category)).toBe(true);
      expect(filtered.patterns.map((p) => p.id)).toEqual(
        patterns.filter((p) => p.category === category).map((p) => p.id),
      );
    }
  });

  it('pages with a cursor, every pattern exactly once, in order', async () => {
    for (const sort of ['occurrences', 'lastSeen']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { patterns: Summary[]; nextCursor: string | null } = await list(
          `?sort=${sort}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.patterns.length).toBeLessThanOrEqual(1);
        seen.push(...page.patterns.map((p) => p.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual((await list(`?sort=${sort}`)).patterns.map((p) => p.id));
    }
  });

  it('answers 400 naming the parameter for bad queries', async () => {
    const cases: [string, string][] = [
      ['?limit=0', '/limit'],
      ['?limit=201', '/limit'],
      ['?limit=ten', '/limit'],
      ['?limit=1e400', '/limit'],
      ['?limit=Infinity', '/limit'],
      ['?sort=newest', '/sort'],
      ['?category=boom', '/category'],
      ['?cursor=not-a-cursor', '/cursor'],
      ['?function=a%00b', '/function'],
    ];
    for (const [query, path] of cases) {
      const response = await server.request('GET', `/v1/patterns${query}`, { key });
      expect(response.status, query).toBe(400);
      expect(response.body.details, query).toContainEqual({ path, message: expect.any(String) });
    }
    const { nextCursor } = await list('?limit=1');
    const mixed = await server.request('GET', `/v1/patterns?sort=lastSeen&cursor=${nextCursor}`, { key });
    expect(mixed.status).toBe(400);
  });

  it('gets one pattern with its signature and replayable examples', async () => {
    const response = await server.request('GET', `/v1/patterns/${ids.parse}`, { key });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: ids.parse, function: 'parse', occurrences: 3 });
    expect(typeof response.body.signature).toBe('object');
    expect(response.body.examples).toHaveLength(3);
    expect(response.body.examples.map((e: { input: { text: string } }) => e.input.text).sort()).toEqual(
      [0, 1, 2].map((i) => `{"a": ${i}}}`),
    );
    expect(response.body.examples[0]).toEqual({
      eventId: expect.any(String),
      agentId: null,
      timestamp: expect.stringMatching(/^2025-01-01T00:00:00\.00[012]Z$/),
      input: expect.any(Object),
      output: null,
      error: { type: 'SyntaxError', message: expect.stringMatching(/^Unexpected token/) },
      traceId: null,
    });
  });

  it('answers 404 JSON for an unknown pattern, 400 for an id no pattern can have', async () => {
    const response = await server.request('GET', '/v1/patterns/no-such-pattern', { key });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: expect.any(String) });
    const nul = await server.request('GET', '/v1/patterns/a%00b', { key });
    expect(nul.status).toBe(400);
    expect(nul.body.details).toContainEqual({ path: '/id', message: expect.any(String) });
  });

  it('counts successes and failures per function', async () => {
    const response = await server.request('GET', '/v1/functions', { key });
    expect(response.status).toBe(200);
    const byName = Object.fromEntries(
      response.body.functions.map((f: { function: string }) => [f.function, f]),
    );
    expect(byName.parse).toEqual({
      function: 'parse',
      successes: 2,
      failures: 3,
      lastSeen: new Date(T0 + 5 * HOUR).toISOString(),
    });
    expect(byName.fetchWeather).toMatchObject({ successes: 0, failures: 2 });
    expect(byName.login).toMatchObject({ successes: 0, failures: 1 });
  });

  it('pages functions by name with a cursor, every function exactly once, at most `limit` a page', async () => {
    const all = await server.request('GET', '/v1/functions', { key });
    expect(all.body.nextCursor).toBeNull();
    const names = all.body.functions.map((f: { function: string }) => f.function);
    expect(names).toHaveLength(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { functions: { function: string }[]; nextCursor: string | null } } =
        await server.request(
          'GET',
          `/v1/functions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { key },
        );
      expect(page.status).toBe(200);
      expect(page.body.functions.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.functions.map((f) => f.function));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(names);
  });

  it('lists only the functions whose name starts with `prefix`, paged as without it', async () => {
    const names = async (query: string) => {
      const response = await server.request('GET', `/v1/functions${query}`, { key });
      expect(response.status, query).toBe(200);
      return response.body as { functions: { function: string }[]; nextCursor: string | null };
    };
    expect((await names('?prefix=f')).functions.map((f) => f.function)).toEqual(['fetchWeather']);
    // Case-sensitive, and no wildcards: `%` and `_` are plain text.
    expect((await names('?prefix=F')).functions).toEqual([]);
    expect((await names('?prefix=%25')).functions).toEqual([]);
    expect((await names('?prefix=l_gin')).functions).toEqual([]);
    const pageOne = await names('?prefix=p&limit=1');
    expect(pageOne.functions.map((f) => f.function)).toEqual(['parse']);
    expect(pageOne.nextCursor).toBeNull();
  });

  it('answers 400 naming the parameter for bad function queries', async () => {
    for (const [query, path] of [
      ['?limit=0', '/limit'],
      ['?limit=201', '/limit'],
      ['?limit=ten', '/limit'],
      ['?cursor=%25%25', '/cursor'],
      ['?cursor=a%00b', '/cursor'],
      ['?prefix=', '/prefix'],
      ['?prefix=a%00b', '/prefix'],
      [`?prefix=${'x'.repeat(MAX_FUNCTION_NAME_LENGTH + 1)}`, '/prefix'],
    ]) {
      const response = await server.request('GET', `/v1/functions${query}`, { key });
      expect(response.status, query).toBe(400);
      expect(response.body.details, query).toContainEqual({ path, message: expect.any(String) });
    }
  });

  it('looks patterns up by ?ids=, in the order asked, leaving unknown ones out', async () => {
    const response = await server.request(
      'GET',
      `/v1/patterns?ids=${ids.login},nope,${ids.parse},${ids.login}`,
      { key },
    );
    expect(response.status).toBe(200);
    expect(response.body.nextCursor).toBeNull();
    expect((response.body.patterns as Summary[]).map((p) => p.function)).toEqual(['login', 'parse']);
    const other = await server.key(['read'], 'a-project-of-its-own');
    const theirs = await server.request('GET', `/v1/patterns?ids=${ids.parse}`, { key: other });
    expect(theirs.body.patterns).toEqual([]);
  });

  it('answers 400 naming /ids for ids it will not look up', async () => {
    const tooMany = Array.from({ length: 41 }, (_, i) => `p${i}`).join(',');
    const tooLong = Array.from({ length: 6 }, () => 'y'.repeat(199)).join(',');
    for (const query of [
      `?ids=${tooMany}`,
      `?ids=${tooLong}`,
      '?ids=',
      `?ids=${ids.parse},,${ids.login}`,
      `?ids=${'x'.repeat(201)}`,
      `?ids=${ids.parse}&function=parse`,
      `?ids=${ids.parse}&category=timeout`,
      `?ids=${ids.parse}&cursor=abc`,
    ]) {
      const response = await server.request('GET', `/v1/patterns${query}`, { key });
      expect(response.status, query).toBe(400);
      expect(response.body.details, query).toContainEqual({ path: '/ids', message: expect.any(String) });
    }
    // The most it takes: 40 ids as long as the server's own.
    const parse = ids.parse!;
    const forty = Array.from({ length: 40 }, (_, i) =>
      i === 0 ? parse : parse.replace(/.{4}$/, String(1000 + i)),
    ).join(',');
    expect(forty.length).toBeLessThanOrEqual(1000);
    storageCalls.length = 0;
    const atBound = await server.request('GET', `/v1/patterns?ids=${forty}`, { key });
    expect((atBound.body.patterns as Summary[]).map((p) => p.function)).toEqual(['parse']);
    // One lookup for all 40, not one each.
    expect(storageCalls.filter((name) => /pattern/i.test(name))).toEqual(['getPatterns']);
  });

  it('shows another project nothing of this one', async () => {
    const other = await server.key(['admin'], 'another-project');
    expect((await server.request('GET', '/v1/patterns', { key: other })).body).toEqual({
      patterns: [],
      nextCursor: null,
    });
    expect((await server.request('GET', `/v1/patterns/${ids.parse}`, { key: other })).status).toBe(404);
    expect((await server.request('GET', '/v1/functions', { key: other })).body).toEqual({
      functions: [],
      nextCursor: null,
    });
  });

  it('needs the read scope: 403 for an ingest-only key, 401 without a key', async () => {
    const ingestOnly = await server.key(['ingest']);
    for (const path of ['/v1/patterns', `/v1/patterns/${ids.parse}`, '/v1/functions']) {
      expect((await server.request('GET', path, { key: ingestOnly })).status, path).toBe(403);
      expect((await server.request('GET', path)).status, path).toBe(401);
    }
  });
});
