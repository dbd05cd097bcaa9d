import { parseDeployedFix } from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewRolloutJob } from '../storage/storage.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { learningResult, PROMPT_FIX, RETRY_FIX, seedApprovals } from './learning-seed.fixture.js';

function job(fn: string, i: number): NewRolloutJob {
  return {
    patternId: 'p-1',
    exampleId: `e-${i}`,
    source: i === 0 ? 'success' : 'failure',
    input: { city: `c${i}` },
    candidateId: i % 2 === 0 ? 'none' : 'fix_retry',
    fix: i % 2 === 0 ? null : RETRY_FIX,
    function: fn,
    group: `g-${i}`,
  };
}

describe.each(openTestStorages())('/v1/rollouts ($name)', (backend) => {
  let server: TestServer;
  let worker: string;
  let clock = Date.UTC(2025, 0, 1);

  beforeAll(async () => {
    server = await startTestServer(await backend.open(), { now: () => clock });
    worker = await server.key(['worker']);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const lease = (body: unknown, key = worker) => server.request('POST', '/v1/rollouts/lease', { key, body });
  const report = (id: string, body: unknown, key = worker) =>
    server.request('POST', `/v1/rollouts/${id}/result`, { key, body });

  it('leases jobs of the asked functions with input and fix, and takes the holder’s reward', async () => {
    const queued = await server.storage.enqueueRollouts(
      server.projectId,
      1,
      [job('weather', 0), job('weather', 1), job('search', 2)],
      clock,
    );
    const first = await lease({ workerId: 'w-1', functions: ['weather'] });
    expect(first.status).toBe(200);
    expect(first.body.jobs).toHaveLength(1);
    const weather = await lease({
      workerId: 'w-1',
      functions: ['weather', 'other'],
      max: 10,
      leaseMs: 5_000,
    });
    expect(weather.body.jobs).toHaveLength(1);
    const jobs = [...first.body.jobs, ...weather.body.jobs];
    expect(jobs.map((j: { id: string }) => j.id).sort()).toEqual(
      queued
        .slice(0, 2)
        .map((q) => q.id)
        .sort(),
    );
    const withFix = jobs.find((j: { candidateId: string }) => j.candidateId === 'fix_retry');
    expect(withFix).toEqual({
      id: queued[1]!.id,
      function: 'weather',
      patternId: 'p-1',
      exampleId: 'e-1',
      source: 'failure',
      input: { city: 'c1' },
      candidateId: 'fix_retry',
      fix: RETRY_FIX,
      baseFixes: [],
      leaseExpiresAt: new Date(clock + (withFix.id === first.body.jobs[0].id ? 60_000 : 5_000)).toISOString(),
      attempt: 1,
    });
    expect(jobs.find((j: { candidateId: string }) => j.candidateId === 'none').fix).toBeNull();
    expect((await lease({ workerId: 'w-2', functions: ['weather'] })).body.jobs).toEqual([]);

    const done = await report(withFix.id, {
      workerId: 'w-1',
      reward: 0.75,
      output: { temp: 3 },
      durationMs: 41,
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      id: withFix.id,
      status: 'done',
      reward: 0.75,
      completedAt: new Date(clock).toISOString(),
    });
    const stored = (await server.storage.listRollouts(server.projectId, 1)).find((j) => j.id === withFix.id);
    expect(stored).toMatchObject({
      status: 'done',
      reward: 0.75,
      output: { temp: 3 },
      durationMs: 41,
      leaseOwner: 'w-1',
    });
  });

  it('hands each job the fixes promoted for its function’s other patterns, as agents get them, and documents them', async () => {
    const projectName = 'base-fixes';
    const key = await server.key(['worker', 'read'], projectName);
    const { id } = await server.storage.ensureProject(projectName);
    const seeded = await seedApprovals(
      server.storage,
      id,
      [
        { result: learningResult({ patternId: 'p-2', function: 'weather' }), autoApproveAt: 0.5 },
        {
          result: learningResult({
            patternId: 'p-3',
            function: 'weather',
            candidateId: 'fix_prompt',
            fix: PROMPT_FIX,
            risk: 'medium',
          }),
          autoApproveAt: 0.5,
        },
      ],
      clock,
    );
    const promoted = seeded.deployments.find((d) => d.patternId === 'p-2')!;
    await server.storage.concludeDeployment(
      id,
      promoted.id,
      { status: 'promoted', reason: 'test', actor: { name: 'arc', keyId: null }, from: ['canary'] },
      clock,
    );
    await server.storage.enqueueRollouts(
      id,
      2,
      [job('weather', 1), { ...job('weather', 2), patternId: 'p-2' }],
      clock,
    );
    const leased = await lease({ workerId: 'w', functions: ['weather'], max: 10 }, key);
    expect(leased.status).toBe(200);
    const baseFixes = Object.fromEntries(
      leased.body.jobs.map((j: { exampleId: string; baseFixes: unknown }) => [j.exampleId, j.baseFixes]),
    );
    // The canary (p-3) is not in; the job of p-2 itself does not get p-2's fix.
    const fixes = await server.request('GET', '/v1/fixes?function=weather', { key });
    const p2 = fixes.body.fixes.find((f: { patternId: string }) => f.patternId === 'p-2');
    expect(p2).toMatchObject({ canaryShare: 1, fix: RETRY_FIX });
    expect(baseFixes).toEqual({ 'e-1': [p2], 'e-2': [] });
    expect(parseDeployedFix(baseFixes['e-1'][0])).toEqual({ ok: true, value: p2 });

    const doc = (await server.request('GET', '/openapi.json')).body;
    const answer = doc.paths['/v1/rollouts/lease'].post.responses['200'].content['application/json'].schema;
    expect(answer.properties.jobs.items.required).toContain('baseFixes');
    expect(answer.properties.jobs.items.properties.baseFixes).toMatchObject({
      type: 'array',
      items: { properties: { canaryShare: { type: 'number' }, fix: { type: 'object' } } },
    });
  });

  it('answers 409 to a worker whose lease passed to another, 404 to an unknown job', async () => {
    const [queued] = await server.storage.enqueueRollouts(server.projectId, 2, [job('rank', 1)], clock);
    const leased = await lease({ workerId: 'slow', functions: ['rank'], leaseMs: 1_000 });
    expect(leased.body.jobs[0].id).toBe(queued!.id);
    clock += 1_000;
    const again = await lease({ workerId: 'fast', functions: ['rank'] });
    expect(again.body.jobs.map((j: { id: string; attempt: number }) => [j.id, j.attempt])).toEqual([
      [queued!.id, 2],
    ]);
    const late = await report(queued!.id, { workerId: 'slow', reward: 1 });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatch(/not leased to this worker/);
    expect((await report(queued!.id, { workerId: 'fast', reward: 0 })).status).toBe(200);
    expect((await report('no-such-job', { workerId: 'fast', reward: 0 })).status).toBe(404);
  });

  it('keeps projects apart', async () => {
    await server.storage.enqueueRollouts(server.projectId, 3, [job('private', 1)], clock);
    const other = await server.key(['worker'], 'other-project');
    expect((await lease({ workerId: 'w', functions: ['private'] }, other)).body.jobs).toEqual([]);
    const mine = await lease({ workerId: 'w', functions: ['private'] });
    expect((await report(mine.body.jobs[0].id, { workerId: 'w', reward: 1 }, other)).status).toBe(404);
  });

  it('needs the worker scope', async () => {
    const reader = await server.key(['read', 'ingest']);
    expect((await lease({ workerId: 'w', functions: ['f'] }, reader)).status).toBe(403);
    expect((await report('x', { workerId: 'w', reward: 1 }, reader)).status).toBe(403);
    expect((await server.request('POST', '/v1/rollouts/lease', { body: {} })).status).toBe(401);
  });

  it('answers 400 naming the field for bad bodies', async () => {
    const leases: [unknown, string][] = [
      [{ functions: ['f'] }, '/workerId'],
      [{ workerId: 'w' }, '/functions'],
      [{ workerId: 'w', functions: [] }, '/functions'],
      [{ workerId: 'w', functions: ['f'], max: 0 }, '/max'],
      [{ workerId: 'w', functions: ['f'], max: 1.5 }, '/max'],
      [{ workerId: 'w', functions: ['f'], leaseMs: 10 }, '/leaseMs'],
      [{ workerId: 'w', functions: ['f'], extra: 1 }, '/extra'],
    ];
    for (const [body, path] of leases) {
      const response = await lease(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.details).toContainEqual({ path, message: expect.any(String) });
    }
    const results: [unknown, string][] = [
      [{ workerId: 'w' }, '/reward'],
      [{ workerId: 'w', reward: 1.5 }, '/reward'],
      [{ workerId: 'w', reward: -0.1 }, '/reward'],
      [{ workerId: 'w', reward: '1' }, '/reward'],
      [{ reward: 1 }, '/workerId'],
      [{ workerId: 'w', reward: 1, durationMs: -1 }, '/durationMs'],
    ];
    for (const [body, path] of results) {
      const response = await report('some-job', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.details).toContainEqual({ path, message: expect.any(String) });
    }
  });
});
