// One conformance suite for both backends (real SQLite file, real PostgreSQL database), plus what
// only PostgreSQL promises: exact counts and a shared live stream across replicas.

import { SeededRandom } from '@arc-agent/core';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FailuresIngestedData, PatternCreatedData } from './ingest-plan.js';
import { reservoirPlacements } from './ingest-plan.js';
import { InvalidCursorError } from './pattern-cursor.js';
import { failure, success } from './prepared-event.fixture.js';
import type { Category, IngestOptions, PatternRecord, Storage, StreamEvent } from './storage.js';
import { openTestStorages, testPostgresAdminUrl } from './test-databases.js';

function options(seed: number, failureReservoirSize = 5, successReservoirSize = 3): IngestOptions {
  const random = new SeededRandom(seed);
  return { failureReservoirSize, successReservoirSize, random: () => random.next() };
}

let projectSeq = 0;
const newProjectOn = async (storage: Storage) => (await storage.ensureProject(`project-${++projectSeq}`)).id;

/** Everything a batch could have written for a project, to show a failed batch wrote nothing. */
async function snapshot(storage: Storage, projectId: string) {
  const { patterns } = await storage.listPatterns(projectId, { sort: 'occurrences', limit: 1_000 });
  return {
    events: await storage.listEventIds(projectId),
    patterns,
    examples: await Promise.all(patterns.map((p) => storage.listFailureExamples(projectId, p.id))),
    successes: await storage.listSuccessExamples(projectId, 'search'),
    functions: await storage.listFunctionStats(projectId),
    stream: await storage.listStreamEventsAfter(projectId, 0, 1_000),
  };
}

async function allPages(storage: Storage, projectId: string, query: Parameters<Storage['listPatterns']>[1]) {
  const seen: PatternRecord[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await storage.listPatterns(projectId, { ...query, cursor });
    expect(page.patterns.length).toBeLessThanOrEqual(query.limit);
    seen.push(...page.patterns);
    if (page.nextCursor === null) return seen;
    cursor = page.nextCursor;
  }
}

describe.each(openTestStorages())('$name storage', (backend) => {
  let storage: Storage;
  let project: string;
  // Every instance below reports here; the last test checks nothing unexpected arrived.
  const reported: unknown[] = [];
  const onError = (error: unknown) => {
    reported.push(error);
  };

  beforeAll(async () => {
    storage = await backend.open({ onError });
  });
  afterAll(() => backend.cleanup());

  const newProject = () => newProjectOn(storage);

  describe('migrations', () => {
    it('applies once when two instances start at the same time, then migrating again is a no-op', async () => {
      const fresh = openTestStorages().find((b) => b.name === backend.name)!;
      try {
        const [a, b] = await Promise.all([fresh.open(), fresh.open()]);
        const kept = await a.ensureProject('survives-migrations');
        await a.migrate();
        await b.migrate();
        expect(await b.getProject(kept.id)).toEqual(kept);
        expect(await a.ping()).toBe(true);
      } finally {
        await fresh.cleanup();
      }
    });
  });

  describe('projects and keys', () => {
    it('ensures a project once per name', async () => {
      const a = await storage.ensureProject('shop');
      const again = await storage.ensureProject('shop');
      expect(again).toEqual(a);
      expect(await storage.getProject(a.id)).toEqual(a);
      expect(await storage.getProject('no-such-project')).toBeUndefined();
      expect((await storage.ensureProject('other')).id).not.toBe(a.id);
    });

    it('finds a project by name without creating one', async () => {
      const shop = await storage.ensureProject('shop');
      expect(await storage.findProjectByName('shop')).toEqual(shop);
      expect(await storage.findProjectByName('no-such-name')).toBeUndefined();
      expect((await storage.listProjects()).map((p) => p.name)).not.toContain('no-such-name');
    });

    it('finds keys by hash, lists them per project, revokes and touches them', async () => {
      project = await newProject();
      const elsewhere = await newProject();
      const first = await storage.createApiKey({
        projectId: project,
        name: 'ingest',
        scopes: ['ingest'],
        prefix: 'arc_aaaa',
        keyHash: `${project}-hash-1`,
      });
      const second = await storage.createApiKey({
        projectId: project,
        name: 'admin',
        scopes: ['read', 'admin'],
        prefix: 'arc_bbbb',
        keyHash: `${project}-hash-2`,
      });
      await storage.createApiKey({
        projectId: elsewhere,
        name: 'theirs',
        scopes: ['worker'],
        prefix: 'arc_cccc',
        keyHash: `${project}-hash-3`,
      });
      expect(first).toMatchObject({
        projectId: project,
        scopes: ['ingest'],
        revokedAt: null,
        lastUsedAt: null,
      });
      expect(await storage.findApiKeyByHash(`${project}-hash-2`)).toEqual(second);
      expect(await storage.findApiKeyByHash('unknown')).toBeUndefined();
      expect((await storage.listApiKeys(project)).map((k) => k.id).sort()).toEqual(
        [first.id, second.id].sort(),
      );

      const streamed: StreamEvent[] = [];
      const unsubscribe = storage.subscribe((event) => streamed.push(event));
      expect(await storage.revokeApiKey(elsewhere, first.id)).toBe(false);
      expect(await storage.revokeApiKey(project, first.id)).toBe(true);
      expect(await storage.revokeApiKey(project, first.id)).toBe(false);
      // Announced once, in the key's project, so that its open event streams end (stream/open-streams.ts).
      const announced = await storage.listStreamEventsAfter(project, 0, 100);
      expect(announced.map((e) => [e.type, e.data])).toEqual([['key.revoked', { keyId: first.id }]]);
      await vi.waitFor(() => expect(streamed).toEqual(announced));
      unsubscribe();
      const revoked = await storage.findApiKeyByHash(`${project}-hash-1`);
      expect(revoked?.revokedAt).toEqual(expect.any(Number));
      expect((await storage.findApiKeyByHash(`${project}-hash-2`))?.revokedAt).toBeNull();

      await storage.touchApiKey(second.id, 5_000);
      await storage.touchApiKey(second.id, 4_000);
      expect((await storage.findApiKeyByHash(`${project}-hash-2`))?.lastUsedAt).toBe(5_000);
    });

    it('refuses a second key with the same hash', async () => {
      const id = await newProject();
      const key = {
        projectId: id,
        name: 'k',
        scopes: ['read' as const],
        prefix: 'arc_dddd',
        keyHash: `${id}-dup`,
      };
      await storage.createApiKey(key);
      await expect(storage.createApiKey(key)).rejects.toThrow();
    });
  });

  describe('ingest', () => {
    it('counts occurrences, first and last seen, and says which patterns are new', async () => {
      project = await newProject();
      const first = await storage.ingest(
        project,
        [
          failure('p-a', { timestamp: 2_000 }),
          failure('p-b', { timestamp: 2_500, category: 'timeout' }),
          success('search', { timestamp: 2_100 }),
          failure('p-a', { timestamp: 1_500 }),
        ],
        options(1),
      );
      expect(first).toMatchObject({ accepted: 4, duplicates: 0 });
      expect(first.patterns).toEqual([
        { id: 'p-a', category: 'parsing_error', occurrences: 2, created: true },
        { id: 'p-b', category: 'timeout', occurrences: 1, created: true },
      ]);

      const second = await storage.ingest(
        project,
        [
          failure('p-c', { timestamp: 900 }),
          failure('p-a', { timestamp: 3_000 }),
          failure('p-a', { timestamp: 1_000 }),
        ],
        options(2),
      );
      expect(second.patterns).toEqual([
        { id: 'p-c', category: 'parsing_error', occurrences: 1, created: true },
        { id: 'p-a', category: 'parsing_error', occurrences: 4, created: false },
      ]);
      const a = await storage.getPattern(project, 'p-a');
      expect(a).toEqual({
        id: 'p-a',
        projectId: project,
        category: 'parsing_error',
        function: 'search',
        errorType: 'TypeError',
        normalizedMessage: 'cannot read <var> p-a',
        signature: { function: 'search', errorType: 'TypeError', input: { query: 'string' } },
        occurrences: 4,
        firstSeen: 1_000,
        lastSeen: 3_000,
        overflow: false,
      });
      expect(await storage.getPattern(project, 'p-zzz')).toBeUndefined();
      expect(await storage.getPattern(await newProject(), 'p-a')).toBeUndefined();
      expect((await storage.getPatterns(project, ['p-c', 'p-zzz', 'p-a'])).map((p) => p.id)).toEqual([
        'p-c',
        'p-a',
      ]);
      expect(await storage.getPatterns(project, ['p-a'])).toEqual([a]);
      expect(await storage.getPatterns(project, [])).toEqual([]);
      expect(await storage.getPatterns(await newProject(), ['p-a'])).toEqual([]);
      expect(await storage.countEvents(project)).toBe(7);
    });

    it('skips event ids it has stored and ids repeated inside a batch, without counting them', async () => {
      project = await newProject();
      const a = failure('p-dup', { id: 'e-1' });
      const s = success('search', { id: 'e-2' });
      expect(await storage.ingest(project, [a, s, a], options(3))).toMatchObject({
        accepted: 2,
        duplicates: 1,
      });
      const retry = await storage.ingest(project, [a, s, failure('p-dup', { id: 'e-3' })], options(4));
      expect(retry).toMatchObject({ accepted: 1, duplicates: 2 });
      expect(retry.patterns).toEqual([
        { id: 'p-dup', category: 'parsing_error', occurrences: 2, created: false },
      ]);
      const onlyRepeats = await storage.ingest(project, [a, s], options(5));
      expect(onlyRepeats).toMatchObject({ accepted: 0, duplicates: 2, patterns: [], streamEvents: [] });
      expect(await storage.listEventIds(project)).toEqual(['e-1', 'e-2', 'e-3']);
      expect(await storage.listFunctionStats(project)).toEqual([
        { function: 'search', successes: 1, failures: 2, lastSeen: 1_000 },
      ]);
      // The same id in another project is another event.
      expect(await storage.ingest(await newProject(), [a], options(6))).toMatchObject({ accepted: 1 });
    });

    it('stores the whole event and serves it back as a replay example', async () => {
      project = await newProject();
      const event = failure('p-ex', { input: { query: 'naïve ✓', nested: [1, null, { deep: '\u0000' }] } });
      await storage.ingest(project, [event], options(7));
      expect(await storage.listFailureExamples(project, 'p-ex')).toEqual([
        {
          eventId: event.id,
          agentId: 'agent-7',
          timestamp: 1_000,
          input: event.input,
          output: { partial: true },
          error: event.error,
          traceId: null,
        },
      ]);
      expect(await storage.listFailureExamples(project, 'p-none')).toEqual([]);
    });

    describe('is all or nothing', () => {
      const before = async () => {
        project = await newProject();
        await storage.ingest(project, [failure('p-keep'), success('search')], options(8));
        return snapshot(storage, project);
      };

      it('when an event cannot be serialised midway', async () => {
        const state = await before();
        const poisoned = failure('p-keep', { input: { big: 1n } });
        const batch = [failure('p-keep'), failure('p-new'), poisoned, success('search')];
        await expect(storage.ingest(project, batch, options(9))).rejects.toThrow(/BigInt/);
        expect(await snapshot(storage, project)).toEqual(state);
      });

      it('when the batch fails after its rows were written', async () => {
        const state = await before();
        const failing: IngestOptions = {
          failureReservoirSize: 1,
          successReservoirSize: 1,
          random: () => {
            throw new Error('forced failure after the writes');
          },
        };
        const batch = [
          failure('p-keep'),
          failure('p-new'),
          failure('p-new'),
          success('search'),
          success('search'),
        ];
        await expect(storage.ingest(project, batch, failing)).rejects.toThrow(
          'forced failure after the writes',
        );
        expect(await snapshot(storage, project)).toEqual(state);
        // The ids were not burnt: the same batch goes through afterwards.
        expect(await storage.ingest(project, batch, options(10))).toMatchObject({
          accepted: 5,
          duplicates: 0,
        });
      });

      it('when the project does not exist', async () => {
        await expect(
          storage.ingest('no-such-project', [failure('p-x'), success('f')], options(11)),
        ).rejects.toThrow();
        expect(await snapshot(storage, 'no-such-project')).toEqual(await snapshot(storage, 'nothing-at-all'));
        expect(await storage.countEvents('no-such-project')).toBe(0);
      });
    });

    it('keeps failure and success reservoirs at their size, filled by Algorithm R across batches', async () => {
      project = await newProject();
      const size = 6;
      const seed = 12;
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 25 }, (_, i) =>
          i % 5 === 4 ? success('search') : failure('p-res', { timestamp: b }),
        ),
      );
      const random = new SeededRandom(seed);
      const ingestOptions: IngestOptions = {
        failureReservoirSize: size,
        successReservoirSize: 4,
        random: () => random.next(),
      };
      for (const batch of batches) await storage.ingest(project, batch, ingestOptions);

      // The same draws in the same order, in memory (failures of the pattern first, then successes).
      const reference = new SeededRandom(seed);
      const expectedFailures = new Map<number, string>();
      const expectedSuccesses = new Map<number, string>();
      let failuresSeen = 0;
      let successesSeen = 0;
      for (const batch of batches) {
        const fails = batch.filter((e) => e.kind === 'failure').map((e) => e.id);
        const succs = batch.filter((e) => e.kind === 'success').map((e) => e.id);
        for (const [slot, id] of reservoirPlacements(fails, failuresSeen, size, () => reference.next())) {
          expectedFailures.set(slot, id);
        }
        for (const [slot, id] of reservoirPlacements(succs, successesSeen, 4, () => reference.next())) {
          expectedSuccesses.set(slot, id);
        }
        failuresSeen += fails.length;
        successesSeen += succs.length;
      }
      const slotsInOrder = (m: Map<number, string>) => [...m].sort(([a], [b]) => a - b).map(([, id]) => id);

      const failures = await storage.listFailureExamples(project, 'p-res');
      expect(failures).toHaveLength(size);
      expect(failures.map((e) => e.eventId)).toEqual(slotsInOrder(expectedFailures));
      const successes = await storage.listSuccessExamples(project, 'search');
      expect(successes).toHaveLength(4);
      expect(successes.map((e) => e.eventId)).toEqual(slotsInOrder(expectedSuccesses));
      expect(successes[0]).toMatchObject({ agentId: null, error: null, output: { ok: expect.any(Number) } });
      expect(await storage.listSuccessExamples(project, 'no-such-function')).toEqual([]);
    });

    it('samples replay examples roughly uniformly over every occurrence', async () => {
      project = await newProject();
      const total = 2_000;
      const size = 100;
      const ingestOptions = options(13, size);
      const ids: string[] = [];
      for (let b = 0; b < total / 250; b++) {
        const batch = Array.from({ length: 250 }, () => failure('p-uniform'));
        ids.push(...batch.map((e) => e.id));
        await storage.ingest(project, batch, ingestOptions);
      }
      const position = new Map(ids.map((id, i) => [id, i]));
      const kept = (await storage.listFailureExamples(project, 'p-uniform')).map(
        (e) => position.get(e.eventId)!,
      );
      expect(new Set(kept).size).toBe(size);
      // Each quarter of the stream holds 25 of 100 in expectation (sd ≈ 4.3): a reservoir stuck on the
      // first or last items, or biased to either end, lands far outside.
      for (let quarter = 0; quarter < 4; quarter++) {
        const inQuarter = kept.filter((i) => Math.floor(i / (total / 4)) === quarter).length;
        expect(inQuarter).toBeGreaterThanOrEqual(12);
        expect(inQuarter).toBeLessThanOrEqual(38);
      }
    });

    it('counts successes and failures per function', async () => {
      project = await newProject();
      await storage.ingest(
        project,
        [
          success('b-fn', { timestamp: 50 }),
          success('a-fn', { timestamp: 10 }),
          failure('p-fn', { fn: 'a-fn', timestamp: 70 }),
          success('b-fn', { timestamp: 40 }),
        ],
        options(14),
      );
      await storage.ingest(project, [success('a-fn', { timestamp: 30 })], options(15));
      expect(await storage.listFunctionStats(project)).toEqual([
        { function: 'a-fn', successes: 2, failures: 1, lastSeen: 70 },
        { function: 'b-fn', successes: 2, failures: 0, lastSeen: 50 },
      ]);
      expect(await storage.listFunctionStats(await newProject())).toEqual([]);
      // A page: names after `after`, at most `limit`; the failures added up without listing them.
      expect(await storage.listFunctionStats(project, { limit: 1 })).toEqual([
        { function: 'a-fn', successes: 2, failures: 1, lastSeen: 70 },
      ]);
      expect(await storage.listFunctionStats(project, { limit: 5, after: 'a-fn' })).toEqual([
        { function: 'b-fn', successes: 2, failures: 0, lastSeen: 50 },
      ]);
      // Names that start with `prefix`, exactly: case counts, and LIKE's wildcards are plain text.
      await storage.ingest(
        project,
        ['a_fnX', 'A-fn', 'aé-fn', 'aé😀-fn'].map((fn) => success(fn, { timestamp: 80 })),
        options(16),
      );
      const names = async (page: { limit: number; after?: string; prefix?: string }) =>
        (await storage.listFunctionStats(project, page)).map((f) => f.function);
      expect(await names({ limit: 10, prefix: 'a-' })).toEqual(['a-fn']);
      expect(await names({ limit: 10, prefix: 'a_' })).toEqual(['a_fnX']);
      // Each backend orders names by its own collation; pages follow that order.
      const accented = await names({ limit: 10, prefix: 'aé' });
      expect([...accented].sort()).toEqual(['aé-fn', 'aé😀-fn']);
      expect(await names({ limit: 10, prefix: 'aé😀' })).toEqual(['aé😀-fn']);
      expect(await names({ limit: 1, prefix: 'aé', after: accented[0]! })).toEqual([accented[1]]);
      expect(await names({ limit: 10, prefix: 'z' })).toEqual([]);
      expect(await storage.countFailures(project)).toBe(1);
      expect(await storage.countFailures(await newProject())).toBe(0);
      expect(await storage.ingest(project, [], options(16))).toEqual({
        accepted: 0,
        duplicates: 0,
        patterns: [],
        streamEvents: [],
      });
    });
  });

  describe('listPatterns', () => {
    // occurrences, lastSeen, category, function for p-0 … p-8: ties on both sort keys on purpose.
    const shape: [number, number, Category, string][] = [
      [3, 100, 'timeout', 'search'],
      [5, 300, 'parsing_error', 'search'],
      [3, 300, 'timeout', 'fetch'],
      [1, 200, 'network', 'fetch'],
      [5, 50, 'timeout', 'search'],
      [2, 300, 'timeout', 'search'],
      [3, 400, 'parsing_error', 'fetch'],
      [7, 10, 'timeout', 'fetch'],
      [3, 100, 'timeout', 'search'],
    ];
    let all: PatternRecord[];

    beforeAll(async () => {
      project = await newProject();
      const events = shape.flatMap(([n, last, category, fn], i) =>
        Array.from({ length: n }, (_, k) =>
          failure(`p-${i}`, { category, fn, timestamp: k === 0 ? last : Math.max(0, last - k) }),
        ),
      );
      await storage.ingest(project, events, options(17));
      all = (await storage.listPatterns(project, { sort: 'occurrences', limit: 100 })).patterns;
    });

    const expected = (key: 'occurrences' | 'lastSeen', keep: (p: PatternRecord) => boolean = () => true) =>
      all
        .filter(keep)
        .sort((a, b) => b[key] - a[key] || (a.id < b.id ? -1 : 1))
        .map((p) => p.id);

    it('orders by occurrences or last seen, newest and largest first, ties by id', async () => {
      expect(all).toHaveLength(shape.length);
      expect(all.map((p) => p.id)).toEqual(['p-7', 'p-1', 'p-4', 'p-0', 'p-2', 'p-6', 'p-8', 'p-5', 'p-3']);
      const byLastSeen = await storage.listPatterns(project, { sort: 'lastSeen', limit: 100 });
      expect(byLastSeen.patterns.map((p) => p.id)).toEqual([
        'p-6',
        'p-1',
        'p-2',
        'p-5',
        'p-3',
        'p-0',
        'p-8',
        'p-4',
        'p-7',
      ]);
      expect(byLastSeen.nextCursor).toBeNull();
    });

    it.each([1, 2, 4])('pages through both orders with a cursor (limit %i)', async (limit) => {
      for (const sort of ['occurrences', 'lastSeen'] as const) {
        const paged = await allPages(storage, project, { sort, limit });
        expect(paged.map((p) => p.id)).toEqual(expected(sort));
      }
    });

    it('filters by category and function, also across pages', async () => {
      const timeouts = await allPages(storage, project, {
        sort: 'occurrences',
        limit: 2,
        category: 'timeout',
      });
      expect(timeouts.map((p) => p.id)).toEqual(expected('occurrences', (p) => p.category === 'timeout'));
      const fetches = await allPages(storage, project, { sort: 'lastSeen', limit: 2, function: 'fetch' });
      expect(fetches.map((p) => p.id)).toEqual(expected('lastSeen', (p) => p.function === 'fetch'));
      const both = await storage.listPatterns(project, {
        sort: 'lastSeen',
        limit: 10,
        category: 'timeout',
        function: 'fetch',
      });
      expect(both.patterns.map((p) => p.id)).toEqual(['p-2', 'p-7']);
      const none = await storage.listPatterns(project, {
        sort: 'lastSeen',
        limit: 10,
        category: 'auth_failure',
      });
      expect(none).toEqual({ patterns: [], nextCursor: null });
    });

    it('continues after the last row served, even when patterns moved meanwhile', async () => {
      const first = await storage.listPatterns(project, { sort: 'occurrences', limit: 3 });
      expect(first.patterns.map((p) => p.id)).toEqual(['p-7', 'p-1', 'p-4']);
      // p-3 (1) jumps above the cursor, p-5 (2 -> 4) moves up but stays below it.
      const more = (id: string, n: number) => Array.from({ length: n }, () => failure(id, { fn: 'fetch' }));
      await storage.ingest(project, [...more('p-3', 10), ...more('p-5', 2)], options(18));
      const next = await storage.listPatterns(project, {
        sort: 'occurrences',
        limit: 3,
        cursor: first.nextCursor!,
      });
      expect(next.patterns.map((p) => p.id)).toEqual(['p-5', 'p-0', 'p-2']);
    });

    it('rejects cursors it did not issue for that order', async () => {
      const page = await storage.listPatterns(project, { sort: 'occurrences', limit: 1 });
      await expect(
        storage.listPatterns(project, { sort: 'lastSeen', limit: 1, cursor: page.nextCursor! }),
      ).rejects.toBeInstanceOf(InvalidCursorError);
      for (const cursor of ['not-a-cursor', '', Buffer.from('{"a":1}').toString('base64url')]) {
        await expect(
          storage.listPatterns(project, { sort: 'occurrences', limit: 1, cursor }),
        ).rejects.toBeInstanceOf(InvalidCursorError);
      }
    });
  });

  describe('scanEvents', () => {
    it('pages through events by id, as stored, filtered by time and by patterns with their functions', async () => {
      const project = await newProject();
      const other = await newProject();
      const events = [
        failure('p-a', { id: 'e-3', timestamp: 300 }),
        failure('p-b', { id: 'e-1', timestamp: 100, fn: 'lookup' }),
        success('search', { id: 'e-2', timestamp: 200 }),
        success('lookup', { id: 'e-5', timestamp: 500 }),
        failure('p-a', { id: 'e-4', timestamp: 400 }),
      ];
      await storage.ingest(project, events, options(3));
      await storage.ingest(other, [failure('p-a', { id: 'e-0' })], options(3));

      const ids: string[] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await storage.scanEvents(project, { limit: 2, ...(afterId ? { afterId } : {}) });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(2);
        ids.push(...page.map((e) => e.id));
        afterId = page.at(-1)!.id;
      }
      expect(ids).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);

      const [stored] = await storage.scanEvents(project, { limit: 1, afterId: 'e-2' });
      expect(stored).toEqual(events[0]);

      const since = await storage.scanEvents(project, { limit: 10, since: 300 });
      expect(since.map((e) => e.id)).toEqual(['e-3', 'e-4', 'e-5']);

      const onlyA = await storage.scanEvents(project, {
        limit: 10,
        only: { patternIds: ['p-a'], functions: ['search'] },
      });
      expect(onlyA.map((e) => e.id)).toEqual(['e-2', 'e-3', 'e-4']);
      const onlyB = await storage.scanEvents(project, {
        limit: 10,
        since: 150,
        only: { patternIds: ['p-b'], functions: ['lookup'] },
      });
      expect(onlyB.map((e) => e.id)).toEqual(['e-5']);
      const none = await storage.scanEvents(project, { limit: 10, only: { patternIds: [], functions: [] } });
      expect(none).toEqual([]);
    });
  });

  describe('a failure stored without the fingerprint its pattern holds', () => {
    /** Each event's `data` column as stored, by id, read past the storage (its own connection). */
    const storedData = async (projectId: string): Promise<Map<string, Record<string, unknown>>> => {
      const sqlText = 'SELECT id, data FROM events WHERE project_id = $1';
      let rows: { id: string; data: string }[];
      if (backend.name === 'sqlite') {
        const file = new BetterSqlite3(backend.location(), { readonly: true });
        try {
          rows = file.prepare(sqlText.replace('$1', '?')).all(projectId) as typeof rows;
        } finally {
          file.close();
        }
      } else {
        const client = new pg.Client({ connectionString: backend.location() });
        await client.connect();
        try {
          rows = (
            await client.query(`SELECT id, data::text AS data FROM events WHERE project_id = $1`, [projectId])
          ).rows;
        } finally {
          await client.end();
        }
      }
      return new Map(rows.map((r) => [r.id, JSON.parse(r.data) as Record<string, unknown>]));
    };

    it('reads back exactly as prepared, and only a repeat of a known pattern is stored without it', async () => {
      const project = await newProject();
      const capped: IngestOptions = { ...options(21), maxPatternsPerFunction: 1 };
      // New patterns: stored whole, as every event was before (the rows older servers wrote).
      const first = [failure('p-lean', { id: 'e-01' }), success('search', { id: 'e-02' })];
      await storage.ingest(project, first, capped);
      const repeat = failure('p-lean', { id: 'e-03' });
      const otherShape = failure('p-lean', { id: 'e-04' });
      const fp = otherShape.fingerprint!;
      otherShape.fingerprint = { ...fp, signature: { ...fp.signature, input: { query: 'number' } } };
      // Past the cap of 1: counted in the function's overflow pattern, new in this batch.
      const overflowing = failure('p-over', { id: 'e-05' });
      await storage.ingest(project, [repeat, otherShape, overflowing], capped);
      // The overflow pattern is known now: its next failure is stored without the fingerprint too.
      const overflowRepeat = failure('p-over-2', { id: 'e-06' });
      await storage.ingest(project, [overflowRepeat], capped);

      const data = await storedData(project);
      expect(
        [...data]
          .filter(([, d]) => !('fingerprint' in d))
          .map(([id]) => id)
          .sort(),
      ).toEqual(['e-03', 'e-06']);
      expect(data.get('e-04')!.fingerprint).toEqual(otherShape.fingerprint);

      // What every reader sees: the events as prepared (the overflow ones as the cap moved them),
      // to the key order, from this instance and from a replica that remembers nothing.
      const { patterns } = await storage.listPatterns(project, { sort: 'occurrences', limit: 10 });
      const overflow = patterns.find((p) => p.overflow)!;
      const overflowFingerprint = {
        patternId: overflow.id,
        category: overflow.category,
        normalizedMessage: overflow.normalizedMessage,
        errorType: overflow.errorType,
        signature: overflow.signature,
      };
      const expected = [
        ...first,
        repeat,
        otherShape,
        { ...overflowing, fingerprint: overflowFingerprint },
        { ...overflowRepeat, fingerprint: overflowFingerprint },
      ];
      const replica = await backend.open({ onError });
      for (const reader of [storage, replica]) {
        const scanned = await reader.scanEvents(project, { limit: 10 });
        expect(scanned).toEqual(expected);
        expect(scanned.map((e) => JSON.stringify(e))).toEqual(expected.map((e) => JSON.stringify(e)));
        const examples = await reader.listFailureExamples(project, 'p-lean');
        expect(examples.map((x) => x.eventId).sort()).toEqual(['e-01', 'e-03', 'e-04']);
        expect(examples.find((x) => x.eventId === 'e-03')).toEqual({
          eventId: 'e-03',
          agentId: repeat.agentId,
          timestamp: repeat.timestamp,
          input: repeat.input,
          output: repeat.output,
          error: repeat.error,
          traceId: null,
        });
      }
    });

    it('is remembered only once committed: a batch rolled back leaves its new pattern unknown', async () => {
      const project = await newProject();
      // The second failure's reservoir draw throws, after the pattern's upsert.
      const failing: IngestOptions = {
        ...options(22, 1),
        random: () => {
          throw new Error('forced failure after the writes');
        },
      };
      const rolledBack = [failure('p-gone', { id: 'r-1' }), failure('p-gone', { id: 'r-1b' })];
      await expect(storage.ingest(project, rolledBack, failing)).rejects.toThrow('forced failure');
      // Another writer creates the pattern with another signature; this instance must not take
      // the rolled-back batch's for it.
      const other = failure('p-gone', { id: 'r-2' });
      other.fingerprint = { ...other.fingerprint!, signature: { other: true } };
      const replica = await backend.open({ onError });
      await replica.ingest(project, [other], options(23));
      const repeat = failure('p-gone', { id: 'r-3' });
      await storage.ingest(project, [repeat], options(24));
      expect((await storedData(project)).get('r-3')!.fingerprint).toEqual(repeat.fingerprint);
      expect(await storage.scanEvents(project, { limit: 10 })).toEqual([other, repeat]);
    });
  });

  describe('stream', () => {
    it('writes pattern.created per new pattern and failures.ingested per batch, listed after an id', async () => {
      project = await newProject();
      const first = await storage.ingest(
        project,
        [failure('p-s1'), failure('p-s2', { category: 'network' }), failure('p-s1'), success('search')],
        options(19),
      );
      expect(first.streamEvents.map((e) => e.type)).toEqual([
        'pattern.created',
        'pattern.created',
        'failures.ingested',
      ]);
      expect(first.streamEvents[0]?.data).toEqual({
        patternId: 'p-s1',
        category: 'parsing_error',
        function: 'search',
        errorType: 'TypeError',
        normalizedMessage: 'cannot read <var> p-s1',
        firstSeen: 1_000,
      } satisfies PatternCreatedData);
      expect(first.streamEvents[2]?.data).toEqual({
        failures: 3,
        patterns: [
          { id: 'p-s1', category: 'parsing_error', count: 2, occurrences: 2 },
          { id: 'p-s2', category: 'network', count: 1, occurrences: 1 },
        ],
      } satisfies FailuresIngestedData);
      const second = await storage.ingest(project, [failure('p-s2'), success('search')], options(20));
      expect(second.streamEvents.map((e) => e.type)).toEqual(['failures.ingested']);
      const onlySuccesses = await storage.ingest(project, [success('search')], options(21));
      expect(onlySuccesses.streamEvents).toEqual([]);
      const appended = await storage.appendStreamEvent(project, 'learner.step', { step: 1 }, 123);
      expect(appended).toMatchObject({
        projectId: project,
        type: 'learner.step',
        at: 123,
        data: { step: 1 },
      });

      const written = [...first.streamEvents, ...second.streamEvents, appended];
      const ids = written.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
      expect(await storage.listStreamEventsAfter(project, 0, 100)).toEqual(written);
      expect(await storage.listStreamEventsAfter(project, ids[1]!, 2)).toEqual(written.slice(2, 4));
      expect(await storage.listStreamEventsAfter(project, ids.at(-1)!, 10)).toEqual([]);
      expect(await storage.listStreamEventsAfter(await newProject(), 0, 10)).toEqual([]);
    });

    it('keeps a bounded tail per project', async () => {
      const small = await backend.open({ streamRetention: 10, onError });
      project = await newProjectOn(small);
      const quiet = await newProjectOn(small);
      const kept = await small.appendStreamEvent(quiet, 'quiet', {}, 1);
      const appended: StreamEvent[] = [];
      for (let i = 0; i < 35; i++) appended.push(await small.appendStreamEvent(project, 'tick', { i }, i));
      expect(await small.listStreamEventsAfter(project, 0, 100)).toEqual(appended.slice(-10));
      expect(await small.listStreamEventsAfter(quiet, 0, 100)).toEqual([kept]);
    });

    it('notifies subscribers of committed events, and stops after unsubscribe', async () => {
      project = await newProject();
      const received: StreamEvent[] = [];
      const thrown = vi.fn(() => {
        throw new Error('a broken listener');
      });
      // This project's events only: on PostgreSQL, notifications of an earlier test's commits on
      // another connection can still arrive while this one runs (seen in a CI run at load 8).
      const unsubscribeBroken = storage.subscribe((event) => event.projectId === project && thrown());
      const unsubscribe = storage.subscribe((event) => {
        if (event.projectId === project) received.push(event);
      });
      const ingested = await storage.ingest(project, [failure('p-live')], options(22));
      const appended = await storage.appendStreamEvent(project, 'approval.requested', { fix: 'x' }, 5);
      await vi.waitFor(() => expect(received).toEqual([...ingested.streamEvents, appended]));
      expect(thrown).toHaveBeenCalledTimes(3);
      expect(reported.splice(0)).toEqual(Array.from({ length: 3 }, () => new Error('a broken listener')));
      unsubscribe();
      unsubscribeBroken();
      await storage.appendStreamEvent(project, 'after', {}, 6);
      const marker = await newProject();
      const markers: StreamEvent[] = [];
      const unsubscribeMarker = storage.subscribe((e) => e.projectId === marker && markers.push(e));
      await storage.appendStreamEvent(marker, 'marker', {}, 7);
      await vi.waitFor(() => expect(markers).toHaveLength(1));
      unsubscribeMarker();
      expect(received).toHaveLength(3);
    });

    it("hands subscribers another connection's events in id order: before its own next ones, or on catchUpStream", async () => {
      project = await newProject();
      // Another connection to the database, as the learner thread has.
      const other = await backend.open({ onError });
      const received: StreamEvent[] = [];
      const unsubscribe = storage.subscribe((e) => e.projectId === project && received.push(e));
      const theirs = await other.appendStreamEvent(project, 'learner.step', { step: 1 }, 1);
      const own = await storage.appendStreamEvent(project, 'approval.requested', {}, 2);
      await vi.waitFor(() => expect(received).toEqual([theirs, own]));
      const later = await other.appendStreamEvent(project, 'learner.step', { step: 2 }, 3);
      await storage.catchUpStream();
      await vi.waitFor(() => expect(received).toEqual([theirs, own, later]));
      unsubscribe();
    });
  });

  if (backend.name === 'postgres') {
    describe('across replicas', () => {
      let a: Storage;
      let b: Storage;

      beforeAll(async () => {
        a = storage;
        b = await backend.open({ onError });
      });

      it('counts every occurrence exactly once when two replicas ingest the same patterns at once', async () => {
        project = await newProject();
        const patterns = ['p-r0', 'p-r1', 'p-r2', 'p-r3', 'p-r4'];
        const batchesPer = 12;
        const batch = (replica: string, n: number) =>
          Array.from({ length: 60 }, (_, i) =>
            i % 6 === 5
              ? success('search', { id: `${replica}-${n}-${i}` })
              : failure(patterns[(i + n) % patterns.length]!, { id: `${replica}-${n}-${i}`, timestamp: n }),
          );
        // Each replica also receives the other's first batch again, as a client retrying elsewhere would.
        const run = async (replica: Storage, name: string, other: string) => {
          const results = [];
          for (let n = 0; n < batchesPer; n++) {
            const events = n === 1 ? [...batch(other, 0), ...batch(name, n)] : batch(name, n);
            results.push(replica.ingest(project, events, options(100 + n, 4, 2)));
          }
          return Promise.all(results);
        };
        const [fromA, fromB] = await Promise.all([run(a, 'A', 'B'), run(b, 'B', 'A')]);
        const results = [...fromA, ...fromB];

        const failuresPerPattern = (batchesPer * 2 * 50) / patterns.length;
        expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(batchesPer * 2 * 60);
        expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(2 * 60);
        expect(await a.countEvents(project)).toBe(batchesPer * 2 * 60);
        const listed = await b.listPatterns(project, { sort: 'occurrences', limit: 100 });
        expect(listed.patterns.map((p) => [p.id, p.occurrences]).sort()).toEqual(
          patterns.map((id) => [id, failuresPerPattern]),
        );
        const created = results.flatMap((r) => r.patterns.filter((p) => p.created).map((p) => p.id));
        expect(created.sort()).toEqual(patterns);
        expect(await a.listFunctionStats(project)).toEqual([
          {
            function: 'search',
            successes: batchesPer * 2 * 10,
            failures: batchesPer * 2 * 50,
            lastSeen: 1_000,
          },
        ]);
        for (const id of patterns) expect(await a.listFailureExamples(project, id)).toHaveLength(4);
        const stream = await a.listStreamEventsAfter(project, 0, 1_000);
        expect(stream.filter((e) => e.type === 'pattern.created')).toHaveLength(patterns.length);
        const ingestedEvents = stream.filter((e) => e.type === 'failures.ingested');
        // A batch whose events all arrived first through the other replica writes none.
        expect(ingestedEvents).toHaveLength(results.filter((r) => r.patterns.length > 0).length);
        const failuresReported = ingestedEvents.reduce(
          (sum, e) => sum + (e.data as FailuresIngestedData).failures,
          0,
        );
        expect(failuresReported).toBe(batchesPer * 2 * 50);
      });

      it("delivers to one replica's subscribers what another replica committed, large events included", async () => {
        project = await newProject();
        const seenByB: StreamEvent[] = [];
        const unsubscribe = b.subscribe((e) => e.projectId === project && seenByB.push(e));
        const ingested = await a.ingest(project, [failure('p-x1'), failure('p-x2')], options(30));
        const large = await a.appendStreamEvent(project, 'large', { text: 'x'.repeat(20_000) }, 9);
        const own = await b.appendStreamEvent(project, 'own', {}, 10);
        await vi.waitFor(() => expect(seenByB).toEqual([...ingested.streamEvents, large, own]));
        unsubscribe();
      });

      it('listens again after losing its connection and delivers what committed meanwhile', async () => {
        project = await newProject();
        const seenByB: StreamEvent[] = [];
        const unsubscribe = b.subscribe((e) => e.projectId === project && seenByB.push(e));
        const before = await a.appendStreamEvent(project, 'before', {}, 1);
        await vi.waitFor(() => expect(seenByB).toEqual([before]));

        const database = new URL(backend.location()).pathname.slice(1);
        const admin = new pg.Client({ connectionString: testPostgresAdminUrl() });
        await admin.connect();
        try {
          const killed = await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'`,
            [database],
          );
          expect(killed.rowCount).toBeGreaterThanOrEqual(2);
        } finally {
          await admin.end();
        }
        await vi.waitFor(() => expect(reported.length).toBeGreaterThanOrEqual(2));
        const during: StreamEvent[] = [];
        for (let i = 0; i < 5; i++) during.push(await a.appendStreamEvent(project, 'during', { i }, 2 + i));
        await vi.waitFor(() => expect(seenByB).toEqual([before, ...during]), { timeout: 10_000 });
        const after = await a.appendStreamEvent(project, 'after', {}, 20);
        await vi.waitFor(() => expect(seenByB).toEqual([before, ...during, after]));
        unsubscribe();
        const lost = reported.splice(0).map(String);
        expect(lost.filter((message) => !/terminat/.test(message))).toEqual([]);
      });
    });
  }

  it('reported no unexpected errors', () => {
    expect(reported).toEqual([]);
  });
});
