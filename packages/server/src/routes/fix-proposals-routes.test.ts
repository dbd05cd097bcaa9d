// POST /v1/patterns/:id/fixes over real HTTP, on both backends: a person's fix waits for approval
// with an honest impact assessment (nothing measured), is never auto-approved, and once approved
// deploys as a canary like a learned fix.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Fix, fixId } from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../json-depth-guard.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const NOW = T0 + 2 * HOUR;
const CAP_TOKENS: Fix = { type: 'param_patch', params: { maxTokens: 12 } };
const REPAIR: Fix = { type: 'output_repair', json: true, coerce: false };

describe.each(openTestStorages())('POST /v1/patterns/:id/fixes ($name)', (backend) => {
  let server: TestServer;
  let ops: { key: string; id: string };
  let patternId: string;
  let authPatternId: string;
  let futurePatternId: string;

  const ingest = async (events: Record<string, unknown>[]) =>
    (await server.request('POST', '/v1/events', { key: server.adminKey, body: { events } })).body.patterns[0]
      .id as string;
  const propose = (id: string, body: unknown, key = ops.key) =>
    server.request('POST', `/v1/patterns/${encodeURIComponent(id)}/fixes`, { key, body });

  beforeAll(async () => {
    server = await startTestServer(await backend.open(), { now: () => NOW });
    ops = (
      await server.request('POST', '/v1/keys', {
        key: server.adminKey,
        body: { name: 'ops on call', scopes: ['admin'] },
      })
    ).body;
    const failure = (agentId: string, timestamp: number) => ({
      kind: 'failure',
      function: 'answer',
      agentId,
      timestamp,
      error: { type: 'SyntaxError', message: 'Unexpected token } in JSON' },
    });
    // Three failures from two agents since T0, two hours ago: 36 a day, severity medium.
    patternId = await ingest([failure('a', T0), failure('b', T0 + HOUR), failure('a', T0 + HOUR)]);
    authPatternId = await ingest([
      {
        kind: 'failure',
        function: 'answer',
        timestamp: T0,
        error: { type: 'AuthError', status: 401, message: 'bad key' },
      },
    ]);
    // An agent whose clock runs an hour ahead.
    futurePatternId = await ingest([
      {
        kind: 'failure',
        function: 'lookup',
        timestamp: NOW + HOUR,
        error: { type: 'TypeError', message: 'x is undefined' },
      },
    ]);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  it('puts the fix up for approval, measured by nothing, proposed by the key, audited and streamed', async () => {
    const before = (await server.storage.listStreamEventsAfter(server.projectId, 0, 1_000)).at(-1)!.id;
    const proposed = await propose(patternId, { fix: CAP_TOKENS, comment: 'Cap answers to cut the bill.' });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toEqual({
      id: expect.any(String),
      status: 'pending',
      impact: {
        severity: 'medium',
        agentsAffected: 2,
        failuresPerDay: 36,
        failuresPerDayPrevented: null,
        riskLevel: 'medium',
        reasons: ['proposed by ops on call: not measured, so a person decides whatever its risk'],
      },
      decidedBy: null,
      decidedByKeyId: null,
      comment: null,
      createdAt: new Date(NOW).toISOString(),
      decidedAt: null,
      result: {
        id: expect.any(String),
        step: 0,
        patternId,
        function: 'answer',
        candidateId: fixId(CAP_TOKENS),
        fix: CAP_TOKENS,
        risk: 'medium',
        origin: 'person',
        rationale: 'Cap answers to cut the bill.',
        improvement: 0,
        confidence: 0,
        successRate: 0,
        incumbentSuccessRate: 0,
        trials: 0,
        examples: 0,
        source: 'person',
        proposedBy: 'ops on call',
        proposedByKeyId: ops.id,
        createdAt: new Date(NOW).toISOString(),
      },
    });
    const { id } = proposed.body;

    const queued = await server.request('GET', '/v1/approvals?status=pending', { key: server.adminKey });
    expect(queued.body.approvals).toEqual([proposed.body]);
    const detail = await server.request('GET', `/v1/approvals/${id}`, { key: server.adminKey });
    expect(detail.body.audit).toEqual([
      expect.objectContaining({
        action: 'approval.created',
        actor: 'ops on call',
        actorKeyId: ops.id,
        detail: {
          resultId: proposed.body.result.id,
          proposed: true,
          comment: 'Cap answers to cut the bill.',
        },
      }),
    ]);
    const streamed = await server.storage.listStreamEventsAfter(server.projectId, before, 100);
    expect(streamed.map((e) => [e.type, (e.data as { id: string }).id])).toEqual([['approval.created', id]]);
    // Not a learned result: the learner's transfer and the results list never see it.
    const learned = await server.request('GET', '/v1/learning/results', { key: server.adminKey });
    expect(learned.body.results).toEqual([]);

    const twice = await propose(patternId, { fix: CAP_TOKENS });
    expect(twice.status).toBe(409);
    expect(twice.body).toEqual({ error: 'This fix already waits for approval for this pattern' });
  });

  it('never auto-approves, not even a low-risk fix Arc would deploy by itself', async () => {
    await server.request('PUT', '/v1/learning/config', {
      key: server.adminKey,
      body: { canaryShare: 0.3, autoApproveRisks: ['low', 'medium', 'high'] },
    });
    const proposed = await propose(patternId, { fix: REPAIR });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ status: 'pending', result: { risk: 'low', rationale: '' } });
    const live = await server.request('GET', '/v1/fixes', { key: server.adminKey });
    expect(live.body.fixes).toEqual([]);
  });

  it('deploys as a canary once approved, like a learned fix; a live fix cannot be proposed again', async () => {
    const pending = (
      await server.request('GET', '/v1/approvals?status=pending', { key: server.adminKey })
    ).body.approvals.find((a: { result: { fix: Fix } }) => a.result.fix.type === REPAIR.type);
    expect(pending.result.fix).toEqual(REPAIR);
    const approved = await server.request('POST', `/v1/approvals/${pending.id}/approve`, {
      key: server.adminKey,
      body: { comment: 'fine' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.deployment).toMatchObject({
      status: 'canary',
      fixId: fixId(REPAIR),
      canaryShare: 0.3,
      source: 'person',
      confidence: 0,
      approvalId: pending.id,
    });
    const live = await server.request('GET', '/v1/fixes', { key: server.adminKey });
    expect(live.body.fixes).toEqual([
      expect.objectContaining({ id: fixId(REPAIR), patternId, confidence: 0, canaryShare: 0.3 }),
    ]);
    const again = await propose(futurePatternId, { fix: REPAIR });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'This fix is already deployed' });
  });

  it("tells the project's approval webhook, saying who proposed it", async () => {
    const received: Record<string, unknown>[] = [];
    const hook = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      req.on('end', () => {
        received.push(JSON.parse(text));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/arc`;
      const config = { key: server.adminKey, body: { approvalWebhookUrl: url } };
      expect((await server.request('PUT', '/v1/learning/config', config)).status).toBe(200);
      const fix: Fix = { type: 'prompt_adjustment', instructions: 'Answer in JSON only.' };
      const proposed = await propose(patternId, { fix });
      expect(proposed.status).toBe(201);
      const deadline = Date.now() + 5_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual([
        {
          type: 'approvals.pending',
          projectId: server.projectId,
          approvals: [
            expect.objectContaining({
              id: proposed.body.id,
              patternId,
              fixType: 'prompt_adjustment',
              source: 'person',
              proposedBy: 'ops on call',
              confidence: 0,
            }),
          ],
        },
      ]);
    } finally {
      await server.request('PUT', '/v1/learning/config', {
        key: server.adminKey,
        body: { approvalWebhookUrl: null },
      });
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });

  it('assesses risk as the learner does: anything for an authentication failure is high', async () => {
    const proposed = await propose(authPatternId, {
      fix: { type: 'prompt_adjustment', instructions: 'Be careful.' },
    });
    expect(proposed.status).toBe(201);
    expect(proposed.body.result.risk).toBe('high');
    // One failure in two hours is medium volume, one level up for credentials.
    expect(proposed.body.impact).toMatchObject({ riskLevel: 'high', severity: 'high' });
  });

  it('assesses a pattern whose agent clock runs ahead of the server', async () => {
    const proposed = await propose(futurePatternId, { fix: CAP_TOKENS });
    expect(proposed.status).toBe(201);
    expect(proposed.body.impact).toMatchObject({ failuresPerDay: 24, agentsAffected: 1 });
  });

  it("refuses a fix past core's size limits with a 400 naming the field, and keeps nothing of it", async () => {
    const pendingBefore = await server.storage.listApprovals(server.projectId, {
      limit: 100,
      status: 'pending',
    });
    // [{"input":"q","output":"a…a"}] is 40,027 characters: under the body limit, over the 32,768 a
    // few-shot fix may prepend to every call.
    const fewShot = await propose(patternId, {
      fix: { type: 'few_shot', examples: [{ input: 'q', output: 'a'.repeat(40_000) }] },
    });
    expect(fewShot.status).toBe(400);
    expect(fewShot.body).toEqual({
      error: 'Invalid fix: fix.examples must be at most 32768 characters as JSON in all (is 40027)',
      details: [
        { path: '/fix/examples', message: 'must be at most 32768 characters as JSON in all (is 40027)' },
      ],
    });
    // Schemas nested past core's 32 levels, and 100,000 deep, sent as text (stringifying them would
    // overflow the stack here too): the second never gets past the body's own nesting bound.
    const nestedSchema = (depth: number) =>
      `{"fix":{"type":"composite","fixes":[{"type":"output_repair","json":true},{"type":"response_format","name":"r","schema":{"items":${'['.repeat(depth)}${']'.repeat(depth)}}}]}}`;
    const deepSchema = await propose(patternId, nestedSchema(40));
    expect(deepSchema.status).toBe(400);
    expect(deepSchema.body.details).toEqual([
      {
        path: '/fix/fixes/1/schema',
        message: expect.stringMatching(/^must hold only JSON data, found nesting deeper than 32/),
      },
    ]);
    const deeper = await propose(patternId, nestedSchema(100_000));
    expect(deeper.status).toBe(400);
    expect(deeper.body.details).toEqual([
      { path: '/fix/fixes/1/schema', message: `nests deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
    const pending = await server.storage.listApprovals(server.projectId, { limit: 100, status: 'pending' });
    expect(pending).toHaveLength(pendingBefore.length);
  });

  it('answers 400 naming the field, 404 for unknown patterns, 403 without admin, 401 without a key', async () => {
    const pendingBefore = await server.storage.listApprovals(server.projectId, {
      limit: 100,
      status: 'pending',
    });
    const badFix = await propose(patternId, { fix: { type: 'param_patch', params: { maxTokens: 'many' } } });
    expect(badFix.status).toBe(400);
    expect(badFix.body).toEqual({
      error: 'Invalid fix: fix.params.maxTokens must be a number',
      details: [{ path: '/fix/params/maxTokens', message: 'must be a number' }],
    });
    const badPart = await propose(patternId, {
      fix: { type: 'composite', fixes: [REPAIR, { type: 'teleport' }] },
    });
    expect(badPart.status).toBe(400);
    expect(badPart.body.details).toEqual([{ path: '/fix/fixes/1/type', message: expect.any(String) }]);
    for (const [body, path] of [
      [{}, '/fix'],
      [{ fix: 'retry' }, '/fix'],
      [{ fix: REPAIR, proposedBy: 'someone else' }, '/proposedBy'],
      [{ fix: REPAIR, comment: 'a\u0000b' }, '/comment'],
      [{ fix: REPAIR, comment: 'x'.repeat(2_001) }, '/comment'],
    ] as const) {
      const response = await propose(patternId, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.details).toContainEqual({ path, message: expect.any(String) });
    }
    expect((await propose('a'.repeat(201), { fix: REPAIR })).status).toBe(400);

    const unknown = await propose('p-nowhere', { fix: CAP_TOKENS });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'Pattern not found' });
    const otherProject = await propose(
      patternId,
      { fix: CAP_TOKENS },
      await server.key(['admin'], 'another'),
    );
    expect(otherProject.status).toBe(404);

    for (const scopes of [['read'], ['ingest', 'worker', 'read']] as const) {
      const forbidden = await propose(patternId, { fix: CAP_TOKENS }, await server.key([...scopes]));
      expect(forbidden.status).toBe(403);
    }
    const anonymous = await server.request('POST', `/v1/patterns/${patternId}/fixes`, {
      body: { fix: REPAIR },
    });
    expect(anonymous.status).toBe(401);
    const pending = await server.storage.listApprovals(server.projectId, { limit: 100, status: 'pending' });
    // None of the refused requests left anything behind.
    expect(pending).toHaveLength(pendingBefore.length);
  });
});
