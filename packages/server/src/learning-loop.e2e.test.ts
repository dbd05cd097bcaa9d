// The learning loop end to end (DESIGN.md section 1, issue 5), on SQLite and on PostgreSQL. Every
// part of Arc is the real one: the SDK (`track` with validators, the fix cache, canary assignment,
// the rollout worker), the HTTP API on a real port, storage, and the learner runner with its canary
// monitor. People act through the API with an admin key. Only the agent is built here, the way a
// user builds one:
//
// - `invoice.answer` looks an invoice up on a tool server (node:http) and has a model write the
//   answer as JSON; its own validators reject output that is not JSON or has no numeric `amount`.
// - The tool server has three real failure modes: for accounts already moved to its v2 API it
//   answers `amount_cents` instead of `amount` (schema drift); it rate-limits free-tier customers
//   on a share of their requests (429 with Retry-After); and it never answers a share of the
//   requests for archived invoices, so the agent's deadline passes (a TimeoutError, as from
//   AbortSignal.timeout). The deadline passes when the tool server stalls, not after a set time:
//   on a loaded machine an answered request may take seconds, and must not time out.
// - The model is a deterministic generator standing in for an LLM's raw text. It follows explicit
//   instructions in its system prompt (`amount` is required; answer in plain prose), honours its
//   parameters (`maxTokens` truncates), and has a formatting quirk: for some prompts it wraps the
//   JSON in a markdown fence with a trailing comma.
//
// Which invoices fail how is fixed by seeds; transient failures (429, stalls) are drawn per request.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Fix, fixId, fixParts, SeededRandom } from '@arc-agent/core';
import { type Arc, canaryArm, createArc, pathCallShape, type RolloutWorker } from '@arc-agent/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitLearnedFix } from './learned-fix.fixture.js';
import { LearnerRunner } from './learner/learner-runner.js';
import type { CanaryCounters } from './storage/storage.js';
import { openTestStorages } from './storage/test-databases.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

const FUNCTION = 'invoice.answer';
/** Share of a free-tier customer's requests the tool server refuses with 429. */
const RATE_LIMIT_SHARE = 0.4;
/** Share of the requests for an archived invoice the tool server never answers. */
const STALL_SHARE = 0.4;
/** Share of prompts for which the model fences its JSON and leaves a trailing comma. */
const QUIRK_SHARE = 0.15;
/** Calls the agent makes at once. */
const CONCURRENCY = 10;

/**
 * Learning settings a person sets through the API: small B, G and s, fast triggers, quick canaries,
 * and a wide guard margin: replays of working calls fail at random here (429s, stalls) fix or no fix,
 * and showing a fix within 5 points of the incumbent there takes hundreds of rollouts; within 20,
 * a few dozen. The harmful fix this test deploys breaks every call. A step ends as soon as its
 * rollouts are back; its time limit is only a bound, far above what they take even on a loaded
 * machine, so that no step learns from just the rollouts that happened to finish first.
 */
const SETTINGS = {
  // Every pattern must get a fix within the test's deadline: SEC spreads the budget over them, while
  // the product default (learnable-traffic, by recent failures) puts it on the busiest first.
  curriculum: 'sec',
  batchSize: 24,
  groupSize: 4,
  syncInterval: 2,
  minTrials: 4,
  minGuardTrials: 1,
  maxRegression: 0.2,
  triggerFailures: 5,
  triggerIntervalMs: 300,
  stepTimeoutMs: 120_000,
  canaryShare: 0.25,
  canaryMaxTrials: 30,
};
const PAUSED = { ...SETTINGS, triggerFailures: 1_000_000, triggerIntervalMs: 3_600_000 };

/** What an operator trying to cut token costs deploys: answers capped at 12 tokens. It breaks every call. */
const HARMFUL: Fix = { type: 'param_patch', params: { maxTokens: 12 } };
/**
 * A fix the learner judged confidently on replays that did not show its harm: the model follows it
 * and answers in prose, which breaks every call. Confident enough for the SDK's rescue retries
 * (0.8), so a control call that fails is one an SDK could retry with it.
 */
const PROSE = 'Answer in plain prose.';
const LEARNED_HARMFUL: Fix = { type: 'prompt_adjustment', instructions: PROSE };

// --- the agent ---------------------------------------------------------------------------------

type Kind = 'normal' | 'migrated' | 'freeTier' | 'archived' | 'quirky';

interface Invoice {
  id: string;
  amountCents: number;
  currency: string;
  kind: Kind;
}

interface Question {
  invoiceId: string;
  customer: string;
}

interface ModelCall {
  system: string;
  temperature: number;
  maxTokens: number;
}

/** What the tool server answers: `amount` (v1) or `amount_cents` (v2). */
interface ToolInvoice {
  id: string;
  amount?: number;
  amount_cents?: number;
  currency: string;
}

const MODEL: ModelCall = {
  system: 'You answer questions about invoices with a JSON object: invoice, customer, amount, currency.',
  temperature: 0.7,
  maxTokens: 256,
};

class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The model's formatting quirk, a fixed property of the prompt (seeded by the invoice it is about). */
function fencesItsJson(invoiceId: string): boolean {
  return new SeededRandom(`style:${invoiceId}`).next() < QUIRK_SHARE;
}

/** The model: writes the answer from the tool's data, as raw text. */
function writeAnswer(question: Question, data: ToolInvoice, model: ModelCall): string {
  let amount = typeof data.amount === 'number' ? data.amount : undefined;
  // Told explicitly that `amount` is required, it works the amount out from what the tool sent.
  if (
    amount === undefined &&
    /`amount`[^\n]*\brequired\b/.test(model.system) &&
    data.amount_cents !== undefined
  ) {
    amount = data.amount_cents / 100;
  }
  if (model.system.includes(PROSE)) return `Invoice ${data.id} comes to ${amount} ${data.currency}.`;
  const answer = { invoice: data.id, customer: question.customer, amount, currency: data.currency };
  let text = JSON.stringify(answer, null, 2);
  if (model.temperature > 0 && fencesItsJson(question.invoiceId)) {
    text = `\`\`\`json\n${text.replace(/\n}$/, ',\n}')}\n\`\`\``;
  }
  // About four characters a token.
  return text.slice(0, model.maxTokens * 4);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The agent's own checks, as a production agent validates its output. */
const validators = [
  (text: string) => parseJson(text) !== undefined || 'output is not valid JSON',
  (text: string) =>
    typeof (parseJson(text) as { amount?: unknown } | null)?.amount === 'number' ||
    'field `amount` is required',
];

/** The tool server the agent calls, with its failure modes. */
class ToolServer {
  readonly invoices = new Map<string, Invoice>();
  readonly #random = new SeededRandom('tool-server');
  readonly #server: Server = createServer((req, res) => this.#handle(req, res));
  /** The deadlines of the requests in flight, by the id the agent sends as `x-request-id`. */
  readonly #deadlines = new Map<string, AbortController>();
  #requests = 0;
  url = '';

  /**
   * The agent's deadline for one request: it passes the moment this server decides never to answer
   * the request, with the error AbortSignal.timeout gives, so a stall always times out and an
   * answered request never does, however slowly this machine runs. release() once the call is over.
   */
  deadline(): { requestId: string; signal: AbortSignal; release(): void } {
    const requestId = String(++this.#requests);
    const controller = new AbortController();
    this.#deadlines.set(requestId, controller);
    return { requestId, signal: controller.signal, release: () => this.#deadlines.delete(requestId) };
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const reply = this.#reply(req.url ?? '');
    if (reply === undefined) {
      // Cold storage: the request is never answered, and the agent's deadline passes.
      const timedOut = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      this.#deadlines.get(String(req.headers['x-request-id']))?.abort(timedOut);
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  #reply(url: string): { status: number; body: unknown; headers?: Record<string, string> } | undefined {
    const id = /^\/invoices\/([\w-]+)$/.exec(url)?.[1];
    const invoice = id === undefined ? undefined : this.invoices.get(id);
    if (invoice === undefined) return { status: 404, body: { error: 'no such invoice' } };
    if (invoice.kind === 'archived' && this.#random.next() < STALL_SHARE) return undefined;
    if (invoice.kind === 'freeTier' && this.#random.next() < RATE_LIMIT_SHARE) {
      return { status: 429, body: { error: 'rate limit exceeded' }, headers: { 'retry-after': '1' } };
    }
    const { amountCents, currency } = invoice;
    return invoice.kind === 'migrated'
      ? { status: 200, body: { id: invoice.id, amount_cents: amountCents, currency } }
      : { status: 200, body: { id: invoice.id, amount: amountCents / 100, currency } };
  }
}

/**
 * While `live` is set: per invoice, the fixes deployed to the agent when its call began (the ones
 * the SDK chose its fixes from) and the system prompt of each attempt.
 */
const attemptsSeen: {
  live: (() => string[]) | undefined;
  byInvoice: Map<string, { liveFixIds: string[]; systems: string[] }>;
} = { live: undefined, byInvoice: new Map() };

function agent(tool: ToolServer) {
  return async function answerInvoice(question: Question, model: ModelCall): Promise<string> {
    if (attemptsSeen.live !== undefined) {
      // The first attempt starts in the same tick as the SDK's choice of fixes.
      const seen = attemptsSeen.byInvoice.get(question.invoiceId) ?? {
        liveFixIds: attemptsSeen.live(),
        systems: [],
      };
      seen.systems.push(model.system);
      attemptsSeen.byInvoice.set(question.invoiceId, seen);
    }
    const deadline = tool.deadline();
    try {
      const response = await fetch(`${tool.url}/invoices/${encodeURIComponent(question.invoiceId)}`, {
        headers: { 'x-request-id': deadline.requestId },
        signal: deadline.signal,
      });
      if (!response.ok) {
        await response.body?.cancel();
        const hint =
          response.status === 429
            ? ` (rate limit exceeded, retry after ${response.headers.get('retry-after')} s)`
            : '';
        throw new ToolError(`invoice API answered HTTP ${response.status}${hint}`, response.status);
      }
      return writeAnswer(question, (await response.json()) as ToolInvoice, model);
    } finally {
      deadline.release();
    }
  };
}

/** `count` fresh invoices of the tool server, and a question about each. */
function freshQuestions(tool: ToolServer, label: string, count: number): Question[] {
  const random = new SeededRandom(`invoices:${label}`);
  return Array.from({ length: count }, (_, i) => {
    const id = `INV-${label}-${String(i).padStart(4, '0')}`;
    const r = random.next();
    const kind: Kind = fencesItsJson(id)
      ? 'quirky'
      : r < 0.18
        ? 'migrated'
        : r < 0.36
          ? 'freeTier'
          : r < 0.54
            ? 'archived'
            : 'normal';
    const currency = ['EUR', 'USD', 'GBP'][random.nextInt(3)]!;
    tool.invoices.set(id, { id, amountCents: 100 + random.nextInt(99_900), currency, kind });
    return { invoiceId: id, customer: `customer-${random.nextInt(50)}` };
  });
}

interface Tally {
  calls: number;
  ok: number;
  /** Failed calls by error type and message. */
  failures: Record<string, number>;
}

const rate = (t: Tally) => t.ok / t.calls;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- the test ------------------------------------------------------------------------------------

describe.each(openTestStorages())('the learning loop end to end ($name)', (backend) => {
  const tool = new ToolServer();
  const learnerErrors: unknown[] = [];
  let server: TestServer;
  let arc: Arc;
  let answer: (question: Question, model: ModelCall) => Promise<string>;
  let runner: LearnerRunner | undefined;
  let worker: RolloutWorker | undefined;
  let liveCalls = 0;
  let before: Tally;
  let after: Tally;
  const patterns = { rateLimit: '', timeout: '', brokenJson: '', drift: '' };

  const admin = (method: string, path: string, body?: unknown) =>
    server.request(method, path, { key: server.adminKey, ...(body === undefined ? {} : { body }) });

  function startLearner(): void {
    runner = new LearnerRunner({
      storage: server.storage,
      projectId: server.projectId,
      tickMs: 100,
      pollMs: 20,
      onError: (error) => learnerErrors.push(error),
    });
    runner.start();
  }

  async function call(question: Question, tally: Tally): Promise<void> {
    tally.calls++;
    try {
      await answer(question, MODEL);
      tally.ok++;
    } catch (error) {
      const key = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      tally.failures[key] = (tally.failures[key] ?? 0) + 1;
    }
  }

  /** Calls the agent on each question, CONCURRENCY at a time. */
  async function serve(questions: Question[]): Promise<Tally> {
    const tally: Tally = { calls: 0, ok: 0, failures: {} };
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < questions.length) await call(questions[next++]!, tally);
      }),
    );
    return tally;
  }

  /** Production traffic: fresh calls, CONCURRENCY at a time, until stopped. */
  function liveTraffic(): { tally: Tally; asked: Set<string>; stop(): Promise<Tally> } {
    const tally: Tally = { calls: 0, ok: 0, failures: {} };
    const asked = new Set<string>();
    let stopped = false;
    const callers = Array.from({ length: CONCURRENCY }, async () => {
      while (!stopped) {
        const question = freshQuestions(tool, `live${++liveCalls}`, 1)[0]!;
        asked.add(question.invoiceId);
        await call(question, tally);
      }
    });
    return {
      tally,
      asked,
      async stop() {
        stopped = true;
        await Promise.all(callers);
        return tally;
      },
    };
  }

  beforeAll(async () => {
    await tool.start();
    server = await startTestServer(await backend.open());
    expect((await admin('PUT', '/v1/learning/config', SETTINGS)).status).toBe(200);
    arc = createArc({
      endpoint: server.url,
      // What an agent host needs, no more: ingest (which fetches the deployed fixes) and worker.
      apiKey: await server.key(['ingest', 'worker']),
      agentId: 'invoice-bot',
      flushIntervalMs: 100,
      successSampleRate: 0.5,
      fixes: { pollIntervalMs: 200 },
      retry: { maxAttempts: 5, maxTotalMs: 4_000 },
    });
    answer = arc.track(FUNCTION, agent(tool), {
      validators,
      throwOnInvalid: true,
      // A call's canary arms follow its invoice, so this test can tell which arm each call was in.
      callKey: (question) => question.invoiceId,
      callShape: pathCallShape({
        system: '1.system',
        params: { temperature: '1.temperature', maxTokens: '1.maxTokens' },
      }),
    });
  });

  afterAll(async () => {
    await worker?.stop({ timeoutMs: 1_000 });
    await runner?.stop();
    await arc?.shutdown();
    await server?.close();
    await tool.close();
    await backend.cleanup();
  });

  it('ingests the failures of fresh calls and groups them into one pattern per failure mode', {
    timeout: 30_000,
  }, async () => {
    before = await serve(freshQuestions(tool, 'before', 100));
    await arc.flush();
    const listed = await admin('GET', `/v1/patterns?function=${FUNCTION}`);
    expect(listed.status).toBe(200);
    const found: { id: string; category: string; normalizedMessage: string }[] = listed.body.patterns;
    expect(found.map((p) => p.category).sort()).toEqual([
      'rate_limit',
      'timeout',
      'validation',
      'validation',
    ]);
    patterns.rateLimit = found.find((p) => p.category === 'rate_limit')!.id;
    patterns.timeout = found.find((p) => p.category === 'timeout')!.id;
    patterns.brokenJson = found.find((p) => /not valid JSON/.test(p.normalizedMessage))!.id;
    patterns.drift = found.find((p) => /`amount` is required/.test(p.normalizedMessage))!.id;
    console.log(
      `[${backend.name}] before learning: ${before.ok}/${before.calls} fresh calls succeeded`,
      before.failures,
    );
    expect(rate(before)).toBeLessThan(0.75);
  });

  it('learns fixes, deploys low-risk ones by itself and a medium-risk one once a person approves it', {
    timeout: 360_000,
  }, async () => {
    startLearner();
    worker = arc.worker({ [FUNCTION]: answer }, { concurrency: 32, pollIntervalMs: 25, leaseMs: 20_000 });
    const approvedByPerson: { patternId: string; risk: string }[] = [];
    const promotedFor = (deployments: { patternId: string; status: string }[], patternId: string) =>
      deployments.some((d) => d.patternId === patternId && d.status === 'promoted');
    let deployments: {
      id: string;
      patternId: string;
      status: string;
      fix: Fix;
      approvalId: string;
      reason: string | null;
    }[] = [];
    const deadline = Date.now() + 300_000;
    // The agent keeps serving while Arc learns; its calls are what the canaries are judged on.
    const traffic = liveTraffic();
    try {
      for (;;) {
        await pause(200);
        const pending = await admin('GET', '/v1/approvals?status=pending');
        for (const approval of pending.body.approvals) {
          expect(approval.impact).toMatchObject({
            severity: expect.any(String),
            riskLevel: approval.result.risk,
          });
          const decided = await admin('POST', `/v1/approvals/${approval.id}/approve`, {
            comment: 'looks right',
          });
          expect(decided.status).toBe(200);
          expect(decided.body.deployment).toMatchObject({
            status: 'canary',
            canaryShare: SETTINGS.canaryShare,
          });
          approvedByPerson.push({ patternId: approval.result.patternId, risk: approval.result.risk });
        }
        deployments = (await admin('GET', `/v1/deployments?function=${FUNCTION}&limit=100`)).body.deployments;
        if (Object.values(patterns).every((id) => promotedFor(deployments, id))) break;
        if (Date.now() > deadline) {
          throw new Error(
            `not every pattern got a promoted fix in time: ${JSON.stringify(deployments, null, 1)}`,
          );
        }
      }
    } finally {
      await traffic.stop();
    }
    expect(learnerErrors).toEqual([]);
    expect((await admin('PUT', '/v1/learning/config', PAUSED)).status).toBe(200);

    const approvals: {
      id: string;
      status: string;
      decidedBy: string;
      result: { patternId: string; risk: string; fix: Fix };
    }[] = (await admin('GET', '/v1/approvals?limit=100')).body.approvals;
    const promoted = (patternId: string) =>
      deployments.filter((d) => d.patternId === patternId && d.status === 'promoted');
    const partsOf = (patternId: string) =>
      promoted(patternId).flatMap((d) => fixParts(d.fix).map((p) => p.type));
    // Transient failures: retries. Broken JSON: repair. Drift: the model is told what is required.
    expect(partsOf(patterns.rateLimit)).toContain('retry_policy');
    expect(partsOf(patterns.timeout)).toContain('retry_policy');
    expect(partsOf(patterns.brokenJson)).toContain('output_repair');
    expect(partsOf(patterns.drift)).toContain('prompt_adjustment');
    // The repair is low-risk and its evidence clear: Arc approved it by itself.
    const repair = promoted(patterns.brokenJson).find((d) => d.fix.type === 'output_repair')!;
    expect(approvals.find((a) => a.id === repair.approvalId)).toMatchObject({
      status: 'approved',
      decidedBy: 'arc',
    });
    // The prompt fix is medium-risk: it waited for a person, who approved it through the API.
    expect(approvedByPerson).toContainEqual({ patternId: patterns.drift, risk: 'medium' });
    for (const d of promoted(patterns.drift)) {
      expect(approvals.find((a) => a.id === d.approvalId)).toMatchObject({ decidedBy: 'test admin' });
    }
    for (const d of deployments.filter((x) => x.status === 'promoted'))
      expect(d.reason).toMatch(/^canary test: /);

    await arc.refreshFixes();
    after = await serve(freshQuestions(tool, 'after', 100));
    console.log(
      `[${backend.name}] after learning: ${after.ok}/${after.calls} fresh calls succeeded`,
      after.failures,
    );
    console.log(
      `[${backend.name}] success rate on fresh calls: before ${rate(before).toFixed(2)}, after ${rate(after).toFixed(2)}; ` +
        `auto-approved: ${approvals
          .filter((a) => a.decidedBy === 'arc')
          .map((a) => a.result.fix.type)
          .join(', ')}; ` +
        `approved by a person: ${approvedByPerson.map((a) => a.risk).join(', ')}`,
    );
    expect(rate(after)).toBeGreaterThanOrEqual(0.9);
    expect(rate(after) - rate(before)).toBeGreaterThanOrEqual(0.25);
  });

  it('rolls harmful fixes back by the canary test before they reach every call, a learned one with rescue on', {
    timeout: 240_000,
  }, async () => {
    // An operator proposes a fix through the API; it waits for approval like a learned fix (with
    // nothing measured about it) and is approved through the API.
    const candidateId = fixId(HARMFUL);
    const proposed = await admin('POST', `/v1/patterns/${patterns.brokenJson}/fixes`, {
      fix: HARMFUL,
      comment: 'Cap answers at 12 tokens to cut the model bill.',
    });
    expect(proposed.status).toBe(201);
    const request = proposed.body;
    expect(request).toMatchObject({
      status: 'pending',
      result: { candidateId, risk: 'medium', source: 'person', proposedBy: 'test admin' },
    });
    expect((await admin('GET', '/v1/approvals?status=pending')).body.approvals).toContainEqual(request);
    // The learner puts up a fix it is confident in (as when its replays miss what breaks): pending
    // approval as a medium-risk fix, with a confidence above the SDK's rescue threshold. The step is
    // committed here, so the learner stops first (a step of its own may still have been running);
    // a new one judges the canaries.
    await runner?.stop();
    const pattern = (await server.storage.getPattern(server.projectId, patterns.drift))!;
    const learned = await commitLearnedFix(server.storage, server.projectId, pattern, {
      fix: LEARNED_HARMFUL,
      rationale: 'Answers in prose never miss a field',
      successes: [1, 8],
      at: Date.now(),
    });
    startLearner();
    const [learnedResult] = learned.results;
    expect(learnedResult!.confidence).toBeGreaterThanOrEqual(0.99);
    const canaries: { id: string; fixId: string }[] = [];
    for (const approval of [request, ...learned.approvals]) {
      const approved = await admin('POST', `/v1/approvals/${approval.id}/approve`, { comment: 'go ahead' });
      expect(approved.status).toBe(200);
      expect(approved.body.deployment).toMatchObject({ status: 'canary', canaryShare: SETTINGS.canaryShare });
      canaries.push(approved.body.deployment);
    }
    const learnedCanary = canaries.find((c) => c.fixId === learnedResult!.candidateId)!;
    await arc.refreshFixes();
    expect(
      arc.fixesFor(FUNCTION).find((f) => f.id === learnedCanary.fixId)?.confidence,
    ).toBeGreaterThanOrEqual(0.8);

    let decided: {
      id: string;
      fixId: string;
      status: string;
      reason: string;
      treatment: CanaryCounters;
      control: CanaryCounters;
    }[] = [];
    const deadline = Date.now() + 180_000;
    attemptsSeen.live = () => arc.fixesFor(FUNCTION).map((f) => f.id);
    const traffic = liveTraffic();
    try {
      for (;;) {
        decided = await Promise.all(
          canaries.map(async (c) => (await admin('GET', `/v1/deployments/${c.id}`)).body),
        );
        if (decided.every((d) => d.status !== 'canary')) break;
        if (Date.now() > deadline)
          throw new Error(`the harmful canaries were not decided: ${JSON.stringify(decided)}`);
        await pause(100);
      }
    } finally {
      await traffic.stop();
      attemptsSeen.live = undefined;
    }
    const served = traffic.tally.calls;
    for (const deployment of decided) {
      console.log(
        `[${backend.name}] harmful canary ${deployment.fixId} ${deployment.status} (${deployment.reason}) after ${served} calls; ` +
          `treatment ${deployment.treatment.failures}/${deployment.treatment.trials} failed, ` +
          `control ${deployment.control.failures}/${deployment.control.trials}`,
      );
      // The test decided, not the failure-limit backstop.
      expect(deployment).toMatchObject({
        status: 'rolled_back',
        reason: expect.stringMatching(/^canary test: (function|pattern): harm$/),
      });
      // It never reached every call: only its treatment arm ever got it, and it was never promoted.
      expect(deployment.treatment.trials).toBeLessThan(served);
      const audit = await server.storage.listAuditLog(server.projectId, {
        subjectId: deployment.id,
        limit: 100,
      });
      expect(audit.map((e) => e.action)).not.toContain('deployment.promoted');
    }

    // A call's arm decides every fix it gets, retries included: a call in the learned canary's
    // control arm never ran with it, though many were retried (rate limits, stalls) and it was
    // confident enough to rescue them.
    let retriedInControl = 0;
    for (const [invoiceId, { liveFixIds, systems }] of attemptsSeen.byInvoice) {
      // Rollouts the learner queued before it stopped may still replay older calls, with their own fixes.
      if (!traffic.asked.has(invoiceId)) continue;
      const arm = liveFixIds.includes(learnedCanary.fixId)
        ? canaryArm(learnedCanary.fixId, invoiceId, SETTINGS.canaryShare)
        : 'none';
      expect(systems.map((system) => system.includes(PROSE))).toEqual(systems.map(() => arm === 'treatment'));
      if (arm === 'control' && systems.length > 1) retriedInControl++;
    }
    console.log(
      `[${backend.name}] ${retriedInControl} control calls of the learned canary were retried, none with it`,
    );
    expect(retriedInControl).toBeGreaterThan(0);

    const live = (await admin('GET', `/v1/fixes?function=${FUNCTION}`)).body.fixes as { id: string }[];
    await arc.refreshFixes();
    for (const { fixId: id } of canaries) {
      expect(live.map((f) => f.id)).not.toContain(id);
      expect(arc.fixesFor(FUNCTION).map((f) => f.id)).not.toContain(id);
    }

    const recovered = await serve(freshQuestions(tool, 'recovered', 60));
    console.log(
      `[${backend.name}] after the rollbacks: ${recovered.ok}/${recovered.calls} fresh calls succeeded`,
    );
    expect(rate(recovered)).toBeGreaterThanOrEqual(0.85);
    expect(learnerErrors).toEqual([]);
  });
});
