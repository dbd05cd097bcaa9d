import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { learningResult, PROMPT_FIX, seedApprovals } from './learning-seed.fixture.js';

describe.each(openTestStorages())('/v1/approvals ($name)', (backend) => {
  let server: TestServer;
  let reader: string;
  let ops: string;
  let pending: string[];
  const T0 = Date.UTC(2025, 0, 1);

  beforeAll(async () => {
    server = await startTestServer(await backend.open(), { now: () => T0 + 5_000 });
    reader = await server.key(['read']);
    const { key } = (
      await server.request('POST', '/v1/keys', {
        key: server.adminKey,
        body: { name: 'ops on call', scopes: ['admin'] },
      })
    ).body;
    ops = key;
    const seeded = await seedApprovals(
      server.storage,
      server.projectId,
      [
        { result: learningResult({ candidateId: 'fix_prompt', fix: PROMPT_FIX, risk: 'medium' }) },
        {
          result: learningResult({
            candidateId: 'fix_prompt_2',
            fix: { ...PROMPT_FIX, instructions: 'Be brief.' },
          }),
        },
        { result: learningResult({ patternId: 'p-other' }), autoApproveAt: 0.1 },
      ],
      T0,
    );
    pending = seeded.approvals.slice(0, 2).map((a) => a.id);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('lists approval requests with their result and impact, filtered by status', async () => {
    const all = await server.request('GET', '/v1/approvals', { key: reader });
    expect(all.status).toBe(200);
    expect(all.body.approvals).toHaveLength(3);
    const open = await server.request('GET', '/v1/approvals?status=pending', { key: reader });
    const first = open.body.approvals.find((a: { id: string }) => a.id === pending[0]);
    expect(first).toEqual({
      id: pending[0],
      status: 'pending',
      impact: {
        severity: 'medium',
        agentsAffected: 2,
        failuresPerDay: 48,
        failuresPerDayPrevented: 28.8,
        riskLevel: 'medium',
      },
      decidedBy: null,
      decidedByKeyId: null,
      comment: null,
      createdAt: new Date(T0).toISOString(),
      decidedAt: null,
      result: expect.objectContaining({
        candidateId: 'fix_prompt',
        fix: PROMPT_FIX,
        risk: 'medium',
        improvement: 0.6,
        step: 1,
      }),
    });
    expect(open.body.approvals).toHaveLength(2);
    const auto = await server.request('GET', '/v1/approvals?status=approved&limit=1', { key: reader });
    expect(auto.body.approvals.map((a: { decidedBy: string }) => a.decidedBy)).toEqual(['arc']);
  });

  it('approves: the fix deploys as a canary at the configured share, the decision is audited and streamed', async () => {
    await server.request('PUT', '/v1/learning/config', { key: server.adminKey, body: { canaryShare: 0.25 } });
    const before = (await server.storage.listStreamEventsAfter(server.projectId, 0, 1_000)).at(-1)!.id;
    const approved = await server.request('POST', `/v1/approvals/${pending[0]}/approve`, {
      key: ops,
      body: { comment: 'checked the prompt' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.approval).toMatchObject({
      status: 'approved',
      decidedBy: 'ops on call',
      comment: 'checked the prompt',
      decidedAt: new Date(T0 + 5_000).toISOString(),
    });
    expect(approved.body.deployment).toMatchObject({
      status: 'canary',
      fixId: 'fix_prompt',
      canaryShare: 0.25,
      version: 1,
      approvalId: pending[0],
    });

    const again = await server.request('POST', `/v1/approvals/${pending[0]}/deny`, { key: ops, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('Approval already approved');

    const detail = await server.request('GET', `/v1/approvals/${pending[0]}`, { key: reader });
    expect(detail.body.audit.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['approval.approved', 'ops on call'],
      ['approval.created', 'arc'],
    ]);
    expect(detail.body.audit[0].detail).toEqual({ comment: 'checked the prompt' });

    const streamed = await server.storage.listStreamEventsAfter(server.projectId, before, 100);
    expect(streamed.map((e) => e.type)).toEqual(['approval.approved', 'deployment.created']);
  });

  it('denies without a body: nothing deploys', async () => {
    const denied = await server.request('POST', `/v1/approvals/${pending[1]}/deny`, { key: ops });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ approval: { status: 'denied', comment: null }, deployment: null });
    const live = await server.request('GET', '/v1/fixes', { key: reader });
    expect(live.body.fixes.map((f: { id: string }) => f.id)).not.toContain('fix_prompt_2');
  });

  it('answers 404 for approvals of other projects, 403 without admin, 400 for bad input', async () => {
    const otherAdmin = await server.key(['admin'], 'another');
    expect(
      (await server.request('POST', `/v1/approvals/${pending[0]}/approve`, { key: otherAdmin })).status,
    ).toBe(404);
    expect((await server.request('GET', `/v1/approvals/${pending[0]}`, { key: otherAdmin })).status).toBe(
      404,
    );
    expect(
      (await server.request('POST', `/v1/approvals/${pending[0]}/approve`, { key: reader })).status,
    ).toBe(403);
    for (const comment of [7, 'looks\u0000fine']) {
      const badBody = await server.request('POST', `/v1/approvals/${pending[0]}/approve`, {
        key: ops,
        body: { comment },
      });
      expect(badBody.status).toBe(400);
      expect(badBody.body.details).toContainEqual({ path: '/comment', message: expect.any(String) });
    }
    const badQuery = await server.request('GET', '/v1/approvals?status=maybe', { key: reader });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.details).toContainEqual({ path: '/status', message: expect.any(String) });
  });
});
