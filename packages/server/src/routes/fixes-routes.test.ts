import { parseDeployedFix } from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARC_ACTOR } from '../storage/learning-queries.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { etagMatches } from './fixes-routes.js';
import { learningResult, PROMPT_FIX, RETRY_FIX, seedApprovals } from './learning-seed.fixture.js';

describe('etagMatches', () => {
  it('compares weakly, in lists, and matches * ', () => {
    expect(etagMatches('"abc"', '"abc"')).toBe(true);
    expect(etagMatches('W/"abc"', '"abc"')).toBe(true);
    expect(etagMatches('"x", "abc"', '"abc"')).toBe(true);
    expect(etagMatches('*', '"abc"')).toBe(true);
    expect(etagMatches('"abd"', '"abc"')).toBe(false);
    expect(etagMatches(undefined, '"abc"')).toBe(false);
  });
});

describe.each(openTestStorages())('GET /v1/fixes ($name)', (backend) => {
  let server: TestServer;
  let reader: string;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
    reader = await server.key(['read']);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const get = (query = '', headers: Record<string, string> = {}) =>
    server.request('GET', `/v1/fixes${query}`, { key: reader, headers });

  it('serves live fixes as the SDK parses them, with an ETag that changes only when they do', async () => {
    const empty = await get();
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ fixes: [] });
    const emptyTag = empty.headers.get('etag')!;
    expect(emptyTag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);

    const seeded = await seedApprovals(server.storage, server.projectId, [
      { result: learningResult(), autoApproveAt: 0.2 },
      {
        result: learningResult({
          patternId: 'p-parse',
          function: 'parse',
          candidateId: 'fix_prompt',
          fix: PROMPT_FIX,
          risk: 'medium',
        }),
        autoApproveAt: 0.3,
      },
      // Pending: not deployed, not served.
      { result: learningResult({ candidateId: 'fix_other', fix: { ...PROMPT_FIX, instructions: 'x' } }) },
    ]);
    const [retry, prompt] = seeded.deployments;
    const live = await get();
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect([...live.body.fixes].sort(byId)).toEqual([
      {
        id: 'fix_prompt',
        version: 1,
        patternId: 'p-parse',
        function: 'parse',
        fix: PROMPT_FIX,
        risk: 'medium',
        confidence: 0.97,
        canaryShare: 0.3,
      },
      {
        id: 'fix_retry',
        version: 1,
        patternId: 'p-timeout',
        function: 'search',
        fix: RETRY_FIX,
        risk: 'low',
        confidence: 0.97,
        canaryShare: 0.2,
      },
    ]);
    // The same fixes, the same answer: the ETag does not depend on when it is asked.
    expect((await get()).headers.get('etag')).toBe(live.headers.get('etag'));
    for (const fix of live.body.fixes) expect(parseDeployedFix(fix)).toEqual({ ok: true, value: fix });
    const tag = live.headers.get('etag')!;
    expect(tag).not.toBe(emptyTag);
    expect(live.headers.get('cache-control')).toBe('no-cache');

    const unchanged = await get('', { 'if-none-match': tag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeNull();
    expect(unchanged.headers.get('etag')).toBe(tag);
    expect((await get('', { 'if-none-match': emptyTag })).status).toBe(200);

    const searchOnly = await get('?function=search');
    expect(searchOnly.body.fixes.map((f: { id: string }) => f.id)).toEqual(['fix_retry']);
    expect(searchOnly.headers.get('etag')).not.toBe(tag);

    // Promoted: every call gets it; the ETag moves on.
    await server.storage.concludeDeployment(
      server.projectId,
      retry!.id,
      { status: 'promoted', reason: 'benefit', actor: ARC_ACTOR, from: ['canary'] },
      Date.now(),
    );
    await server.storage.concludeDeployment(
      server.projectId,
      prompt!.id,
      { status: 'rolled_back', reason: 'harm', actor: ARC_ACTOR, from: ['canary'] },
      Date.now(),
    );
    const after = await get('', { 'if-none-match': tag });
    expect(after.status).toBe(200);
    expect(after.body.fixes).toEqual([expect.objectContaining({ id: 'fix_retry', canaryShare: 1 })]);
  });

  it("serves an agent's ingest key, which reads nothing else: least privilege for agent hosts", async () => {
    const agent = await server.key(['ingest']);
    const fixes = await server.request('GET', '/v1/fixes', { key: agent });
    expect(fixes.status).toBe(200);
    expect(fixes.body).toEqual((await get()).body);
    for (const path of ['/v1/patterns', '/v1/functions', '/v1/overview', '/v1/approvals', '/v1/stream']) {
      expect([path, (await server.request('GET', path, { key: agent })).status]).toEqual([path, 403]);
    }
    const signIn = await server.request('POST', '/v1/session', { body: { key: agent } });
    expect(signIn.status).toBe(403);
  });

  it('needs a key with the ingest or read scope and a sane function name', async () => {
    expect((await server.request('GET', '/v1/fixes')).status).toBe(401);
    const worker = await server.request('GET', '/v1/fixes', { key: await server.key(['worker']) });
    expect(worker.status).toBe(403);
    expect(worker.body.error).toBe('This key lacks the `ingest` or `read` scope');
    const bad = await get(`?function=${'f'.repeat(300)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toContainEqual({ path: '/function', message: expect.any(String) });
    const other = await server.key(['read'], 'elsewhere');
    expect((await server.request('GET', '/v1/fixes', { key: other })).body).toEqual({ fixes: [] });
  });
});
