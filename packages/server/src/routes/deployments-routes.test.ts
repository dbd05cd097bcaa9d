import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { learningResult, PROMPT_FIX, seedApprovals } from './learning-seed.fixture.js';

describe.each(openTestStorages())('/v1/deployments ($name)', (backend) => {
  let server: TestServer;
  let reader: string;
  let ids: string[];

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
    reader = await server.key(['read']);
    const seeded = await seedApprovals(server.storage, server.projectId, [
      { result: learningResult(), autoApproveAt: 0.1 },
      {
        result: learningResult({
          patternId: 'p-parse',
          function: 'parse',
          candidateId: 'fix_prompt',
          fix: PROMPT_FIX,
        }),
        autoApproveAt: 0.1,
      },
    ]);
    ids = seeded.deployments.map((d) => d.id);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('lists and shows deployments with their canary counters', async () => {
    const all = await server.request('GET', '/v1/deployments', { key: reader });
    expect(all.status).toBe(200);
    expect(all.body.deployments.map((d: { id: string }) => d.id).sort()).toEqual([...ids].sort());
    const parse = await server.request('GET', '/v1/deployments?function=parse&status=canary', {
      key: reader,
    });
    expect(parse.body.deployments.map((d: { fixId: string }) => d.fixId)).toEqual(['fix_prompt']);
    const one = await server.request('GET', `/v1/deployments/${ids[0]}`, { key: reader });
    expect(one.body).toMatchObject({
      id: ids[0],
      status: 'canary',
      fixId: 'fix_retry',
      treatment: { trials: 0, failures: 0, patternFailures: 0 },
      control: { trials: 0, failures: 0, patternFailures: 0 },
      decidedAt: null,
      reason: null,
    });
    expect((await server.request('GET', '/v1/deployments/nope', { key: reader })).status).toBe(404);
  });

  it('rolls back for an admin, once: agents stop getting the fix', async () => {
    expect((await server.request('POST', `/v1/deployments/${ids[0]}/rollback`, { key: reader })).status).toBe(
      403,
    );
    const rolled = await server.request('POST', `/v1/deployments/${ids[0]}/rollback`, {
      key: server.adminKey,
      body: { reason: 'customers complain' },
    });
    expect(rolled.status).toBe(200);
    expect(rolled.body).toMatchObject({
      status: 'rolled_back',
      reason: 'customers complain',
      decidedAt: expect.any(String),
    });
    const again = await server.request('POST', `/v1/deployments/${ids[0]}/rollback`, {
      key: server.adminKey,
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('Deployment already rolled back');
    const fixes = await server.request('GET', '/v1/fixes', { key: reader });
    expect(fixes.body.fixes.map((f: { id: string }) => f.id)).toEqual(['fix_prompt']);
    const audit = await server.storage.listAuditLog(server.projectId, { subjectId: ids[0]!, limit: 10 });
    expect(audit[0]).toMatchObject({
      action: 'deployment.rolled_back',
      detail: { reason: 'customers complain' },
    });
    const stream = await server.storage.listStreamEventsAfter(server.projectId, 0, 100);
    expect(stream.at(-1)).toMatchObject({
      type: 'deployment.rolled_back',
      data: { id: ids[0], status: 'rolled_back' },
    });

    const defaultReason = await server.request('POST', `/v1/deployments/${ids[1]}/rollback`, {
      key: server.adminKey,
    });
    expect(defaultReason.body.reason).toMatch(/^rolled back by /);
    expect(
      (await server.request('POST', '/v1/deployments/nope/rollback', { key: server.adminKey })).status,
    ).toBe(404);
    const bad = await server.request('POST', `/v1/deployments/${ids[1]}/rollback`, {
      key: server.adminKey,
      body: { why: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toContainEqual({ path: '/why', message: 'is not allowed' });
    const nul = await server.request('POST', `/v1/deployments/${ids[1]}/rollback`, {
      key: server.adminKey,
      body: { reason: 'broke\u0000it' },
    });
    expect(nul.status).toBe(400);
    expect(nul.body.details).toContainEqual({ path: '/reason', message: expect.any(String) });
  });
});
