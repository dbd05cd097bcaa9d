import {
  addCandidates,
  createLearnerState,
  DEFAULT_LEARNER_CONFIG,
  planLearningStep,
  SecCurriculum,
  softmax,
} from '@arc-agent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ARMS } from '../schemas/curriculum-schemas.js';
import { openTestStorages } from '../storage/test-databases.js';
import { startTestServer, type TestServer } from '../test-server.fixture.js';
import { RETRY_FIX } from './learning-seed.fixture.js';

describe.each(openTestStorages())('/v1/curriculum ($name)', (backend) => {
  let server: TestServer;
  let reader: string;
  let trainer: string;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
    reader = await server.key(['read']);
    trainer = await server.key(['worker']);
    admin = await server.key(['admin']);
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  const sample = (body: unknown, key = trainer) =>
    server.request('POST', '/v1/curriculum/sample', { key, body });
  const update = (body: unknown, key = trainer) =>
    server.request('POST', '/v1/curriculum/update', { key, body });

  it("shows the learner's curriculum: its patterns with Q, pulls, Q history and what the next draw gives them", async () => {
    const none = await server.request('GET', '/v1/curriculum', { key: reader });
    expect(none.body).toEqual({
      curriculum: 'learner',
      draw: DEFAULT_LEARNER_CONFIG.curriculum,
      step: 0,
      alpha: 0.1,
      temperature: 1,
      arms: [],
    });

    // p-a, p-b and p-c can be drawn; p-d has no candidate to try and p-e is exhausted.
    let state = createLearnerState({ seed: 1 });
    for (const id of ['p-a', 'p-b', 'p-c', 'p-d', 'p-e']) {
      state = addCandidates(
        state,
        { id, function: 'f', category: 'timeout' },
        id === 'p-d' ? [] : [{ id: 'fix_retry', fix: RETRY_FIX, origin: 'rule', rationale: 'retry' }],
      );
    }
    const occurrences = { 'p-a': 6, 'p-b': 3, 'p-c': 1, 'p-d': 20, 'p-e': 30 };
    state = planLearningStep(state, {
      patterns: Object.entries(occurrences).map(([id, n]) => ({
        id,
        exampleIds: [`${id}-1`],
        occurrences: n,
      })),
      config: { batchSize: 1, curriculum: 'sec' },
    }).nextState;
    const sec = SecCurriculum.fromJSON(state.sec);
    sec.update({ 'p-a': 0.8 });
    sec.update({ 'p-a': 0.4, 'p-b': 0.2 });
    state = {
      ...state,
      step: 2,
      sec: sec.toJSON(),
      patterns: state.patterns.map((p) => (p.id === 'p-e' ? { ...p, exhausted: true } : p)),
    };
    await server.storage.commitLearningStep(
      server.projectId,
      { step: 1, state, failuresSeen: 0, summary: {}, results: [], approvals: [], pruneRolloutsBefore: 0 },
      1,
    );
    const drawnWith = async (config: Record<string, unknown>) => {
      expect((await server.request('PUT', '/v1/learning/config', { key: admin, body: config })).status).toBe(
        200,
      );
      const view = await server.request('GET', '/v1/curriculum', { key: reader });
      return [view.body.draw, view.body.arms.map((a: { probability: number }) => a.probability)];
    };
    await drawnWith({ curriculum: 'sec' });
    const shown = await server.request('GET', '/v1/curriculum', { key: reader });
    expect(shown.status).toBe(200);
    // TD(0) exactly as SEC computes it: Q ← α·r + (1 − α)·Q; softmax over the arms that can be drawn only.
    const qa1 = 0.1 * 0.8 + 0.9 * 0;
    const qa = 0.1 * 0.4 + 0.9 * qa1;
    const qb = 0.1 * 0.2 + 0.9 * 0;
    const [pa, pb, pc] = softmax([qa, qb, 0], 1);
    const notDrawn = {
      q: 0,
      probability: 0,
      eligible: false,
      pulls: expect.any(Number),
      updates: 0,
      history: [],
    };
    expect(shown.body).toEqual({
      curriculum: 'learner',
      draw: 'sec',
      step: 2,
      alpha: 0.1,
      temperature: 1,
      arms: [
        {
          arm: 'p-a',
          q: qa,
          probability: pa,
          eligible: true,
          recentFailures: 6,
          pulls: expect.any(Number),
          updates: 2,
          history: [
            { step: 1, q: qa1 },
            { step: 2, q: qa },
          ],
        },
        {
          arm: 'p-b',
          q: qb,
          probability: pb,
          eligible: true,
          recentFailures: 3,
          pulls: expect.any(Number),
          updates: 1,
          history: [{ step: 2, q: qb }],
        },
        {
          arm: 'p-c',
          q: 0,
          probability: pc,
          eligible: true,
          recentFailures: 1,
          pulls: expect.any(Number),
          updates: 0,
          history: [],
        },
        { arm: 'p-d', ...notDrawn, recentFailures: 20 },
        { arm: 'p-e', ...notDrawn, recentFailures: 30 },
      ],
    });
    expect(shown.body.arms.reduce((n: number, a: { pulls: number }) => n + a.pulls, 0)).toBe(1);

    // Under the other curricula, their own distributions over the same arms; τ from the settings.
    expect(await drawnWith({ curriculum: 'random' })).toEqual(['random', [0.6, 0.3, 0.1, 0, 0]]);
    expect(await drawnWith({ curriculum: 'uniform' })).toEqual(['uniform', [1 / 3, 1 / 3, 1 / 3, 0, 0]]);
    expect(await drawnWith({ curriculum: 'greedy', batchSize: 4 })).toEqual([
      'greedy',
      [0.5, 0.25, 0.25, 0, 0],
    ]);
    // learnable-traffic: failures × unprevented share (0.5: no replay evidence yet) × learnability,
    // Q + (1 − α)^rewards · 0.1, with the project's α (0.5 here: p-a rewarded twice, p-b once).
    const [, learnable] = await drawnWith({ curriculum: 'learnable-traffic', alpha: 0.5 });
    const weights = [6 * 0.5 * (qa + 0.25 * 0.1), 3 * 0.5 * (qb + 0.5 * 0.1), 1 * 0.5 * 0.1];
    const total = weights.reduce((s, w) => s + w, 0);
    for (const [i, w] of weights.entries()) expect(learnable[i]).toBeCloseTo(w / total, 14);
    expect(learnable.slice(3)).toEqual([0, 0]);
    const [, cold] = await drawnWith({ curriculum: 'sec-weighted', temperature: 0.5 });
    for (const [i, p] of softmax([qa, qb, 0], 0.5).entries()) expect(cold[i]).toBeCloseTo(p, 14);
    expect(cold.slice(3)).toEqual([0, 0]);
    await drawnWith({});
  });

  it('samples and updates a trainer curriculum of its own, leaving the learner’s alone', async () => {
    const drawn = await sample({ arms: ['math', 'code', 'chat'], batchSize: 6 });
    expect(drawn.status).toBe(200);
    expect(drawn.body.draws).toHaveLength(6);
    for (const arm of drawn.body.draws) expect(['math', 'code', 'chat']).toContain(arm);
    expect(drawn.body.probabilities).toEqual({ math: 1 / 3, code: 1 / 3, chat: 1 / 3 });
    expect(drawn.body.step).toBe(0);

    const updated = await update({ rewards: { math: 0.5, code: 0 } });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      step: 1,
      arms: [
        { arm: 'math', q: 0.05 },
        { arm: 'code', q: 0 },
      ],
    });
    await update({ rewards: { math: 1 } });

    const shown = await server.request('GET', '/v1/curriculum?curriculum=trainer', { key: reader });
    const math = shown.body.arms.find((a: { arm: string }) => a.arm === 'math');
    const q2 = 0.1 * 1 + 0.9 * 0.05;
    expect(math).toMatchObject({
      q: q2,
      updates: 2,
      history: [
        { step: 1, q: 0.05 },
        { step: 2, q: q2 },
      ],
    });
    expect(shown.body.arms.reduce((n: number, a: { pulls: number }) => n + a.pulls, 0)).toBe(6);
    const favoured = await sample({ arms: ['math', 'code'], batchSize: 1 });
    expect(favoured.body.probabilities.math).toBe(softmax([q2, 0], 1)[0]);

    const learner = await server.request('GET', '/v1/curriculum', { key: reader });
    expect(learner.body.arms.map((a: { arm: string }) => a.arm)).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
    expect(shown.body).toMatchObject({ curriculum: 'trainer', draw: 'sec' });
    expect(shown.body.arms.every((a: { eligible: boolean }) => a.eligible)).toBe(true);
  });

  it('answers a sample in the arm names the trainer sent, also those it keeps redacted', async () => {
    const key = await server.key(['worker', 'read'], 'secret-arms');
    const secret = 'success:token=abcd1234abcd1234';
    const updated = await update({ rewards: { [secret]: 1 } }, key);
    expect(updated.body.arms).toEqual([{ arm: secret, q: 0.1 }]);
    const drawn = await sample({ arms: ['plain', secret], batchSize: 40 }, key);
    expect(drawn.status).toBe(200);
    expect(new Set(drawn.body.draws)).toEqual(new Set(['plain', secret]));
    expect(drawn.body.probabilities).toEqual({
      plain: softmax([0, 0.1], 1)[0],
      [secret]: softmax([0, 0.1], 1)[1],
    });
    const shown = await server.request('GET', '/v1/curriculum?curriculum=trainer', { key });
    const kept = shown.body.arms.map((a: { arm: string }) => a.arm);
    expect(kept).toHaveLength(2);
    expect(kept).toContain('plain');
    expect(kept).not.toContain(secret);
    expect(JSON.stringify(shown.body)).not.toContain('abcd1234abcd1234');
  });

  it("draws from the project's patterns when no arms are given, and refuses when there are none", async () => {
    const other = await server.key(['worker', 'ingest'], 'empty-project');
    const none = await sample({ batchSize: 2 }, other);
    expect(none.status).toBe(409);
    await server.request('POST', '/v1/events', {
      key: other,
      body: { events: [{ kind: 'failure', function: 'f', error: { type: 'Error', message: 'boom' } }] },
    });
    const drawn = await sample({ batchSize: 3 }, other);
    expect(drawn.status).toBe(200);
    expect(new Set(drawn.body.draws).size).toBe(1);
    expect(Object.keys(drawn.body.probabilities)).toEqual([drawn.body.draws[0]]);
  });

  it('keeps every concurrent change: updates racing through two replicas all count', async () => {
    const project = await server.storage.ensureProject('racing');
    const key = await server.key(['worker'], 'racing');
    const replica = await backend.open();
    const second = await startTestServer(replica);
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? server : second).request('POST', '/v1/curriculum/update', {
            key,
            body: { rewards: { x: 1 } },
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      const stored = await server.storage.getCurriculum(project.id, 'trainer');
      expect(stored?.version).toBe(8);
      expect(SecCurriculum.fromJSON(stored!.state as never).armStats('x').updates).toBe(8);
    } finally {
      await second.close();
    }
  });

  it('keeps at most MAX_ARMS arms: new ones past it are a 409 naming the field, known ones still change', async () => {
    const key = await server.key(['worker', 'read'], 'arm-bound');
    const full = Object.fromEntries(Array.from({ length: MAX_ARMS }, (_, i) => [`a${i}`, 0.5]));
    expect((await update({ rewards: full }, key)).status).toBe(200);
    const cases: [() => ReturnType<typeof sample>, string][] = [
      [() => update({ rewards: { a0: 1, fresh: 1 } }, key), '/rewards'],
      [() => sample({ arms: ['fresh'], batchSize: 1 }, key), '/arms'],
    ];
    for (const [call, path] of cases) {
      const refused = await call();
      expect(refused.status, path).toBe(409);
      expect(refused.body.details, path).toEqual([{ path, message: expect.stringContaining(`${MAX_ARMS}`) }]);
    }
    expect((await update({ rewards: { a0: 1 } }, key)).status).toBe(200);
    expect((await sample({ arms: ['a0', 'a1'], batchSize: 4 }, key)).status).toBe(200);
    const shown = await server.request('GET', '/v1/curriculum?curriculum=trainer', { key });
    expect(shown.body.step).toBe(2);
    expect(shown.body.arms).toHaveLength(MAX_ARMS);
  });

  it('starts the trainer curriculum afresh on DELETE, so a full one takes new arms again', async () => {
    const key = await server.key(['worker', 'read'], 'arm-reset');
    const reset = () => server.request('DELETE', '/v1/curriculum/trainer', { key });
    expect((await reset()).body).toEqual({ removedArms: 0, step: 0 });
    const full = Object.fromEntries(Array.from({ length: MAX_ARMS }, (_, i) => [`a${i}`, 0.5]));
    expect((await update({ rewards: full }, key)).status).toBe(200);
    const refused = await sample({ arms: ['fresh'], batchSize: 1 }, key);
    expect(refused.body.details).toEqual([
      { path: '/arms', message: expect.stringContaining('DELETE /v1/curriculum/trainer') },
    ]);
    expect((await server.request('DELETE', '/v1/curriculum/trainer', { key: reader })).status).toBe(403);

    const learnerBefore = await server.request('GET', '/v1/curriculum', { key });
    const dropped = await reset();
    expect(dropped.status).toBe(200);
    expect(dropped.body).toEqual({ removedArms: MAX_ARMS, step: 0 });
    const fresh = await sample({ arms: ['fresh', 'other'], batchSize: 2 }, key);
    expect(fresh.status).toBe(200);
    expect(fresh.body.probabilities).toEqual({ fresh: 0.5, other: 0.5 });
    const shown = await server.request('GET', '/v1/curriculum?curriculum=trainer', { key });
    expect(shown.body.step).toBe(0);
    // Only the arms drawn since: the 10,000 before are gone.
    expect(shown.body.arms.length).toBeGreaterThan(0);
    for (const { arm } of shown.body.arms) expect(['fresh', 'other']).toContain(arm);
    // The learner's curriculum is not the trainer's: untouched.
    expect((await server.request('GET', '/v1/curriculum', { key })).body).toEqual(learnerBefore.body);
  });

  it('needs the worker scope to change it and answers 400 naming the field', async () => {
    expect((await sample({ batchSize: 1, arms: ['a'] }, reader)).status).toBe(403);
    expect((await update({ rewards: { a: 1 } }, reader)).status).toBe(403);
    const cases: [() => ReturnType<typeof sample>, string][] = [
      [() => sample({ arms: ['a'] }), '/batchSize'],
      [() => sample({ arms: [], batchSize: 1 }), '/arms'],
      [() => sample({ arms: [''], batchSize: 1 }), '/arms/0'],
      [() => sample({ arms: ['a'], batchSize: 0 }), '/batchSize'],
      [() => update({ rewards: {} }), '/rewards'],
      [() => update({ rewards: { a: 'high' } }), '/rewards/a'],
      [() => update({}), '/rewards'],
    ];
    for (const [call, path] of cases) {
      const response = await call();
      expect(response.status, path).toBe(400);
      expect(response.body.details, path).toContainEqual({ path, message: expect.any(String) });
    }
    const badQuery = await server.request('GET', '/v1/curriculum?curriculum=other', { key: reader });
    expect(badQuery.status).toBe(400);
  });
});
