// The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against a real
// `arc serve` (startServer on a temporary SQLite file, port 0) serving the freshly built dashboard:
// sign-in, failures ingested through the API showing up live, approving a fix, rolling a
// deployment back, and a read key that can neither see nor use the admin actions. Screenshots of
// every page at laptop and phone widths go to test-artifacts/dashboard/.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Curriculum, drawProbabilities, type Fix, learnerStateFromJSON } from '@arc-agent/core';
import { generateApiKey, issueApiKey, type RunningServer, startServer } from '@arc-agent/server';
import pino from 'pino';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitLearnedFix } from '../../server/src/learned-fix.fixture.js';
import { FEED_LENGTH, MAX_FEED_TEXT } from './feed-entry.js';
import { percent } from './format.js';

const CHROMIUM = '/usr/bin/chromium';
/** Patterns per function the test server allows. */
const FLOOD_CAP = 3;
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/dashboard/', import.meta.url));
const VIEWPORTS = {
  laptop: { viewport: { width: 1366, height: 860 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} as const;
type Width = keyof typeof VIEWPORTS;

const RETRY_ON_TIMEOUT: Fix = {
  type: 'retry_policy',
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  jitter: 'full',
  retryOn: { categories: ['timeout'], statuses: [] },
};
const RETRY_ON_429: Fix = {
  type: 'retry_policy',
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  jitter: 'full',
  retryOn: { categories: ['rate_limit'], statuses: [429] },
};

describe('the dashboard in Chromium', () => {
  let folder: string;
  let server: RunningServer;
  let browser: Browser;
  let projectId: string;
  const adminKey = generateApiKey();
  let readKey: string;
  let admin: Page;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`No browser at ${CHROMIUM}: install Debian's (apt-get install -y chromium)`);
    // The package's own build, so the browser sees the sources as they are now.
    await build({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      logLevel: 'warn',
    });
    folder = mkdtempSync(join(tmpdir(), 'arc-dashboard-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startServer({
      port: 0,
      db: join(folder, 'arc.db'),
      adminKey,
      logger: pino({ level: 'silent' }),
      // Room for every function the tests use; one test floods a function past it.
      limits: { maxPatternsPerFunction: FLOOD_CAP },
    });
    projectId = (await server.storage.ensureProject('default')).id;
    readKey = (await issueApiKey(server.storage, projectId, 'viewer', ['read'])).key;
    // The learning records come from the test: keep any learner of `arc serve` from taking steps.
    expect((await call('PUT', '/v1/learning/config', { rolloutBudgetPerHour: 0 })).status).toBe(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    });
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** A request to the API with the admin key, as an agent or script would make it. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field; checking their shape is what the tests do
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  }

  async function ingest(events: unknown[]): Promise<{ id: string }[]> {
    const response = await call('POST', '/v1/events', { events });
    expect(response.status).toBe(202);
    return response.body.patterns;
  }

  const minutesAgo = (m: number) => Date.now() - m * 60_000;

  function parseFailure(m: number, position: number) {
    return {
      kind: 'failure',
      function: 'parse_answer',
      agentId: 'agent-1',
      timestamp: minutesAgo(m),
      error: { type: 'SyntaxError', message: `Unexpected token } in JSON at position ${position}` },
      input: {
        question: 'Which flights leave Oslo tomorrow?',
        apiKey: 'sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c',
      },
      output: { text: '{"flights": [}' },
    };
  }

  async function newPage(width: Width): Promise<Page> {
    const context = await browser.newContext({ ...VIEWPORTS[width], baseURL: server.url });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.goto('/');
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  }

  /** Opens a page by its hash route, without reloading, and waits until nothing is loading. */
  async function open(page: Page, hash: string, heading: string): Promise<void> {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
    await page.locator('.state-loading').first().waitFor({ state: 'detached' });
  }

  /** Types a function's name in the patterns page's filter and applies it ('' for every function). */
  async function filterByFunction(page: Page, name: string): Promise<void> {
    await page.getByLabel('Function').fill(name);
    await page.getByLabel('Function').press('Enter');
  }

  async function shoot(page: Page, name: string): Promise<void> {
    // Charts size themselves on the next frame.
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  it('signs in with a key held in an HttpOnly cookie, and refuses a wrong one', async () => {
    admin = await newPage('laptop');
    await admin.goto('/');
    await shoot(admin, 'sign-in-laptop');
    await admin.getByLabel('API key').fill(`arc_${'x'.repeat(32)}`);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await expect(admin.getByRole('alert').textContent()).resolves.toBe('Not signed in: Invalid API key');

    await signIn(admin, adminKey);
    const cookies = await admin.context().cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'arc_session', path: '/v1', httpOnly: true, sameSite: 'Strict' }),
    ]);
    expect(cookies[0]!.value).not.toContain(adminKey);
    expect(await admin.evaluate('document.cookie')).toBe('');
    await admin.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
    await expect(admin.getByText('admin', { exact: true }).count()).resolves.toBe(1);
    await shoot(admin, 'overview-empty-laptop');
  });

  it('shows failures ingested through the API in the pattern list and charts, live', async () => {
    await open(admin, '#/patterns', 'Patterns');
    await admin.getByText('No failures yet').waitFor();
    // Marks this document: were the page to reload, the mark would be gone.
    await admin.evaluate('window.__arcNoReload = true');

    await ingest([
      ...[5, 12, 20, 31, 44].map((m, i) => parseFailure(m, 10 + i)),
      ...[3, 9, 27].map((m) => ({
        kind: 'failure',
        function: 'search_flights',
        agentId: 'agent-2',
        timestamp: minutesAgo(m),
        error: {
          type: 'TimeoutError',
          message: `request to https://api.example.com/flights timed out after ${3000 + m} ms`,
          code: 'ETIMEDOUT',
        },
        input: { from: 'OSL', to: 'CDG' },
      })),
      ...[15, 50].map((m) => ({
        kind: 'failure',
        function: 'book_hotel',
        agentId: 'agent-1',
        timestamp: minutesAgo(m),
        error: { type: 'HttpError', message: 'HTTP 429 Too Many Requests', status: 429 },
        input: { city: 'Paris', nights: 2 },
      })),
      { kind: 'success', function: 'parse_answer', timestamp: minutesAgo(1) },
    ]);
    const list = admin.getByTestId('pattern-list');
    await list.getByText('Unexpected token } in JSON at position <int>').waitFor();
    await list.getByText('HTTP 429 Too Many Requests').waitFor();
    await expect(list.locator('li').count()).resolves.toBe(3);

    await admin.getByLabel('Category').selectOption('timeout');
    await admin
      .getByTestId('pattern-count')
      .filter({ hasText: /^1 pattern$/ })
      .waitFor();
    await expect(list.locator('li').first().textContent()).resolves.toContain('search_flights');
    await shoot(admin, 'patterns-filtered-laptop');
    await admin.getByLabel('Category').selectOption('');
    await filterByFunction(admin, 'book_hotel');
    await admin
      .getByTestId('pattern-count')
      .filter({ hasText: /^1 pattern$/ })
      .waitFor();
    await filterByFunction(admin, '');
    await admin
      .getByTestId('pattern-count')
      .filter({ hasText: /^3 patterns$/ })
      .waitFor();
    await admin.getByRole('searchbox').fill('json');
    await admin.getByRole('button', { name: 'Search' }).click();
    await admin
      .getByTestId('pattern-count')
      .filter({ hasText: '1 of the 3 patterns loaded match “json”' })
      .waitFor();
    await open(admin, '#/patterns', 'Patterns');

    await open(admin, '#/', 'Overview');
    await admin.getByTestId('metric-failures-hour').filter({ hasText: '10' }).waitFor();
    await admin.getByTestId('metric-patterns').filter({ hasText: '3' }).waitFor();
    const chart = admin.getByTestId('failures-chart');
    await expect(chart.getAttribute('data-total')).resolves.toBe('10');
    await expect(chart.locator('canvas').count()).resolves.toBe(1);

    await ingest([parseFailure(0, 90), parseFailure(2, 91), parseFailure(70, 92), parseFailure(0, 93)]);
    await admin
      .getByTestId('metric-failures-hour')
      .filter({ hasText: /^Failures in the last hour13/ })
      .waitFor();
    await admin.locator('[data-testid="failures-chart"][data-total="14"]').waitFor();
    expect(await admin.evaluate('window.__arcNoReload')).toBe(true);
  });

  it('approves a pending fix', async () => {
    const parse = (await call('GET', '/v1/patterns?function=parse_answer')).body.patterns[0];
    await open(admin, '#/approvals', 'Approvals');
    await admin.getByText('Nothing to approve').waitFor();
    await commitLearnedFix(
      server.storage,
      projectId,
      (await server.storage.getPattern(projectId, parse.id))!,
      {
        at: Date.now(),
      },
    );
    const card = admin.getByTestId('approval');
    await card.waitFor();
    await expect(card.getByTestId('impact').textContent()).resolves.toMatch(/Agents affected1/);
    await expect(card.textContent()).resolves.toContain('success rate 0.875 < 0.9');
    await shoot(admin, 'approvals-pending-laptop');

    await card.getByRole('button', { name: 'Approve' }).click();
    await admin.getByText('Nothing to approve').waitFor();
    await admin.getByTestId('decided-approvals').getByText('approved').waitFor();
    const [approval] = (await server.storage.listApprovals(projectId, { limit: 10 })).filter(
      (a) => a.result.patternId === parse.id,
    );
    expect(approval).toMatchObject({ status: 'approved', decidedBy: 'admin (ARC_ADMIN_KEY)' });
    expect(approval!.decidedByKeyId).not.toBeNull();
    const [deployment] = await server.storage.listDeployments(projectId, { limit: 10 });
    expect(deployment).toMatchObject({ status: 'canary', patternId: parse.id, approvalId: approval!.id });
  });

  it('shows canary figures as they arrive, and rolls the deployment back', async () => {
    const [deployment] = await server.storage.listDeployments(projectId, { limit: 1 });
    const fixId = deployment!.fixId;
    await open(admin, '#/deployments', 'Deployments');
    const card = admin.getByTestId('deployment');
    await card.getByText('Figures appear as calls report in both arms.').waitFor();

    const tags = { canaryFixIds: fixId };
    await ingest([
      { kind: 'success', function: 'parse_answer', fixIds: [fixId], tags: { ...tags, 'arc.count': '20' } },
      { ...parseFailure(0, 200), fixIds: [fixId], tags },
      { kind: 'success', function: 'parse_answer', tags: { ...tags, 'arc.count': '80' } },
      ...Array.from({ length: 12 }, (_, i) => ({ ...parseFailure(0, 300 + i), tags })),
    ]);
    const figures = card.getByTestId('canary-figures');
    await figures.getByRole('row', { name: /With fix 21 4\.8%/ }).waitFor();
    await figures.getByRole('row', { name: /Control 92 13\.0%/ }).waitFor();
    await expect(card.textContent()).resolves.toContain('−8.3 pp');
    await shoot(admin, 'deployments-canary-laptop');

    await card.getByRole('button', { name: 'Roll back' }).click();
    await card.getByRole('button', { name: 'Confirm roll back' }).click();
    await admin.getByText('No fix is live').waitFor();
    await admin.getByTestId('past-deployments').getByText('rolled back', { exact: true }).waitFor();
    const stored = await server.storage.getDeployment(projectId, deployment!.id);
    expect(stored).toMatchObject({ status: 'rolled_back', reason: 'rolled back by admin (ARC_ADMIN_KEY)' });
  });

  it('gives a read key no approve button, and the server refuses it a forged approval (403)', async () => {
    const patterns = (await call('GET', '/v1/patterns')).body.patterns as { id: string; function: string }[];
    const pattern = (fn: string) =>
      server.storage.getPattern(projectId, patterns.find((p) => p.function === fn)!.id);
    await commitLearnedFix(server.storage, projectId, (await pattern('search_flights'))!, {
      at: Date.now(),
      fix: RETRY_ON_TIMEOUT,
      rationale: 'Timeouts of this endpoint are transient: a retry with backoff gets through',
      successes: [2, 8],
      reward: 0.62,
      autoApproveShare: 0.1,
    });
    await commitLearnedFix(server.storage, projectId, (await pattern('book_hotel'))!, {
      at: Date.now(),
      fix: RETRY_ON_429,
      rationale: 'The hotel API rate-limits bursts: waiting and retrying succeeds most of the time',
      successes: [0, 6],
      reward: 0.93,
    });
    const [pending] = await server.storage.listApprovals(projectId, { limit: 1, status: 'pending' });
    const [live] = await server.storage.listDeployments(projectId, { limit: 1, statuses: ['canary'] });

    const viewer = await newPage('laptop');
    await signIn(viewer, readKey);
    await viewer.getByText('read-only', { exact: true }).waitFor();
    await open(viewer, '#/approvals', 'Approvals');
    const card = viewer.getByTestId('approval');
    await card.waitFor();
    await viewer.getByTestId('read-only-note').waitFor();
    await expect(viewer.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    await expect(viewer.getByRole('button', { name: 'Deny' }).count()).resolves.toBe(0);
    await shoot(viewer, 'approvals-read-only-laptop');

    // The same requests the buttons would make, from the signed-in page itself (same origin, cookie sent).
    const forge = (path: string) =>
      viewer.evaluate(
        `fetch(${JSON.stringify(path)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
           .then(async (r) => [r.status, (await r.json()).error])`,
      );
    await expect(forge(`/v1/approvals/${pending!.id}/approve`)).resolves.toEqual([
      403,
      'This key lacks the `admin` scope',
    ]);
    await expect(forge(`/v1/deployments/${live!.id}/rollback`)).resolves.toEqual([
      403,
      'This key lacks the `admin` scope',
    ]);
    expect((await server.storage.getApproval(projectId, pending!.id))?.status).toBe('pending');
    expect((await server.storage.getDeployment(projectId, live!.id))?.status).toBe('canary');

    await open(viewer, '#/deployments', 'Deployments');
    await viewer.getByTestId('deployment').waitFor();
    await expect(viewer.getByRole('button', { name: 'Roll back' }).count()).resolves.toBe(0);
  });

  it("shows what the learner's next step draws from: the project's curriculum, over the patterns it can draw", async () => {
    const stored = await server.storage.getLearnerState(projectId);
    let state = learnerStateFromJSON(stored!.state);
    // One pattern is exhausted: it cannot be drawn, whatever its Q.
    const [tired] = state.patterns;
    state = {
      ...state,
      step: state.step + 1,
      patterns: state.patterns.map((p) => (p === tired ? { ...p, exhausted: true } : p)),
    };
    await server.storage.commitLearningStep(
      projectId,
      {
        step: state.step,
        state,
        failuresSeen: 0,
        summary: {},
        results: [],
        approvals: [],
        pruneRolloutsBefore: 0,
      },
      Date.now(),
    );
    for (const curriculum of ['uniform', 'random', 'sec'] as Curriculum[]) {
      expect((await call('PUT', '/v1/learning/config', { rolloutBudgetPerHour: 0, curriculum })).status).toBe(
        200,
      );
      // What core's learner would draw from, as the API must say and the page must show.
      const drawn = drawProbabilities(state, { curriculum });
      expect(drawn.length).toBeGreaterThanOrEqual(2);
      expect(drawn.map((a) => a.patternId)).not.toContain(tired!.id);
      await open(admin, '#/patterns', 'Patterns');
      await open(admin, '#/curriculum', 'Curriculum');
      await admin.getByTestId('curriculum-draw').getByText(curriculum, { exact: true }).waitFor();
      const bars = admin.getByRole('list', { name: 'Probability of each pattern in the next draw' });
      const shown = (await bars.locator('.bar-value').allTextContents()).map((t) => t.split(' · ')[0]);
      expect(shown.sort()).toEqual(drawn.map((a) => percent(a.probability)).sort());
      if (curriculum === 'uniform') expect(new Set(shown)).toEqual(new Set([percent(1 / drawn.length)]));
      const row = admin.getByRole('row').filter({ has: admin.locator(`a[title="${tired!.id}"]`) });
      await expect(row.getByText('not drawn').count()).resolves.toBe(1);
    }
    await shoot(admin, 'curriculum-next-draw-laptop');
    expect((await call('PUT', '/v1/learning/config', { rolloutBudgetPerHour: 0 })).status).toBe(200);
  });

  it('renders every page at laptop and phone widths', async () => {
    const parseId = (await call('GET', '/v1/patterns?function=parse_answer')).body.patterns[0].id;
    const [live] = await server.storage.listDeployments(projectId, { limit: 1, statuses: ['canary'] });
    const tags = { canaryFixIds: live!.fixId };
    const timeout = {
      kind: 'failure',
      function: 'search_flights',
      error: {
        type: 'TimeoutError',
        message: 'request to https://api.example.com/flights timed out after 3000 ms',
        code: 'ETIMEDOUT',
      },
      input: { from: 'OSL', to: 'CDG' },
    };
    await ingest([
      {
        kind: 'success',
        function: 'search_flights',
        fixIds: [live!.fixId],
        tags: { ...tags, 'arc.count': '38' },
      },
      { ...timeout, fixIds: [live!.fixId], tags },
      { kind: 'success', function: 'search_flights', tags: { ...tags, 'arc.count': '301' } },
      ...Array.from({ length: 41 }, () => ({ ...timeout, tags })),
    ]);
    const pages: [string, string, string][] = [
      ['overview', '#/', 'Overview'],
      ['curriculum', '#/curriculum', 'Curriculum'],
      ['patterns', '#/patterns', 'Patterns'],
      ['pattern', `#/patterns/${parseId}`, 'Unexpected token } in JSON at position <int>'],
      ['approvals', '#/approvals', 'Approvals'],
      ['deployments', '#/deployments', 'Deployments'],
    ];
    for (const width of ['laptop', 'phone'] as const) {
      const page = await newPage(width);
      await signIn(page, adminKey);
      for (const [name, hash, heading] of pages) {
        await open(page, hash, heading);
        if (name === 'curriculum') await page.getByTestId('q-chart').locator('canvas').waitFor();
        if (name === 'pattern') await page.getByTestId('candidates').waitFor();
        await shoot(page, `${name}-${width}`);
      }
      // The feed holds what a page saw since it opened: on the laptop, the page open since sign-in.
      const feedPage = width === 'laptop' ? admin : page;
      await open(feedPage, '#/live', 'Live feed');
      await ingest([parseFailure(0, 500 + (width === 'phone' ? 1 : 0))]);
      await feedPage.getByTestId('feed').getByText('1 failure ingested').first().waitFor();
      await shoot(feedPage, `live-${width}`);
      if (width === 'phone') {
        await page.goto('/');
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByLabel('API key').waitFor();
        await shoot(page, 'sign-in-phone');
      }
    }
    expect(await admin.evaluate('window.__arcNoReload')).toBe(true);
  });

  it("marks a function's overflow pattern, past the limit of patterns per function, in the list and on its page", async () => {
    await ingest(
      ['A', 'B', 'C', 'D', 'E'].map((letter) => ({
        kind: 'failure',
        function: 'flood_tool',
        timestamp: minutesAgo(1),
        error: { type: `Flood${letter}Error`, message: 'flooded' },
      })),
    );
    await open(admin, '#/patterns', 'Patterns');
    await filterByFunction(admin, 'flood_tool');
    await admin
      .getByTestId('pattern-count')
      .filter({ hasText: `${FLOOD_CAP + 1} patterns` })
      .waitFor();
    const list = admin.getByTestId('pattern-list');
    await expect(list.getByTestId('overflow-badge').count()).resolves.toBe(1);
    const overflowRow = list.locator('li').filter({ has: admin.getByTestId('overflow-badge') });
    await overflowRow.getByRole('link').click();
    await admin
      .getByTestId('overflow-note')
      .filter({ hasText: `(${5 - FLOOD_CAP} so far)` })
      .waitFor();
    await shoot(admin, 'pattern-overflow-laptop');
  });

  it('shows the trace id of a failure sent as an OpenTelemetry span on its pattern page', async () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const nanos = `${BigInt(minutesAgo(1)) * 1_000_000n}`;
    const response = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otel-agent' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId,
                    spanId: 'eee19b7ec3c1b174',
                    name: 'execute_tool traced_tool',
                    startTimeUnixNano: nanos,
                    endTimeUnixNano: nanos,
                    attributes: [
                      { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
                      { key: 'gen_ai.tool.name', value: { stringValue: 'traced_tool' } },
                    ],
                    status: { code: 2, message: 'tool crashed' },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const [pattern] = (await call('GET', '/v1/patterns?function=traced_tool')).body.patterns;
    await open(admin, `#/patterns/${pattern.id}`, 'Examples of failing calls');
    await expect(admin.getByTestId('example-trace').textContent()).resolves.toBe(traceId);
  });

  it('lists wrong answers reported as feedback as patterns of their own category', async () => {
    const verdict = (id: string, got: string) => ({
      id,
      callId: `call-${id}`,
      function: 'quote_fare',
      score: 0,
      message: `expected currency 'EUR', got '${got}'`,
      input: { route: 'OSL-CDG' },
      output: { fare: 120, currency: got },
      timestamp: minutesAgo(1),
    });
    const response = await call('POST', '/v1/feedback', {
      feedback: [verdict('v1', 'USD'), verdict('v2', 'GBP')],
    });
    expect(response.status).toBe(202);
    await open(admin, '#/patterns', 'Patterns');
    await filterByFunction(admin, '');
    await admin.getByLabel('Category').selectOption('wrong_answer');
    await admin
      .getByTestId('pattern-count')
      .filter({ hasText: /^1 pattern$/ })
      .waitFor();
    const item = admin.getByTestId('pattern-list').locator('li').first();
    await expect(item.textContent()).resolves.toContain("expected currency 'EUR', got <value>");
    await expect(item.textContent()).resolves.toContain('wrong answer');
    await admin.getByLabel('Category').selectOption('');
  });

  it('says what went wrong, never a blank page, when an answer is not what the page reads', async () => {
    await open(admin, '#/patterns', 'Patterns');
    // A success of another shape (a server of another version, say): the page says so, the rest stays.
    await admin.route('**/v1/overview?*', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: '{"unexpected":true}' }),
    );
    await admin.evaluate(`location.hash = '#/'`);
    const alert = admin.getByRole('alert').filter({ hasText: /^Something went wrong in the dashboard: / });
    await alert.waitFor();
    await admin.getByRole('navigation', { name: 'Pages' }).waitFor();
    // Once the answers are right again, trying again shows the page.
    await admin.unroute('**/v1/overview?*');
    await alert.getByRole('button', { name: 'Try again' }).click();
    await admin.getByTestId('metric-patterns').waitFor();

    // A success that is not JSON at all (a proxy's page).
    await admin.route('**/v1/patterns?*', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<html><body>proxy</body></html>' }),
    );
    await admin.evaluate(`location.hash = '#/patterns'`);
    await admin
      .getByRole('alert')
      .filter({ hasText: /GET \/v1\/patterns\?.* answered 200 with something that is not JSON/ })
      .waitFor();
    await admin.unroute('**/v1/patterns?*');
    await open(admin, '#/', 'Overview');
  });

  it('shows a pending approval older than the 500 newest requests, all decided', async () => {
    // The server's answers, as it orders them (newest first) and filters them (by status), for a
    // project whose one pending request is older than 500 decided ones.
    const [template] = (await call('GET', '/v1/approvals?status=approved&limit=1')).body.approvals;
    const decided = Array.from({ length: 500 }, (_, i) => ({
      ...template,
      id: `decided-${i}`,
      createdAt: new Date(Date.now() - i * 1_000).toISOString(),
    }));
    const pending = {
      ...template,
      id: 'pending-oldest',
      status: 'pending',
      decidedBy: null,
      decidedByKeyId: null,
      decidedAt: null,
      createdAt: new Date(Date.now() - 86_400_000).toISOString(),
    };
    await admin.route('**/v1/approvals?*', (route) => {
      const query = new URL(route.request().url()).searchParams;
      const status = query.get('status');
      const approvals = [...decided, pending]
        .filter((a) => status === null || a.status === status)
        .slice(0, Number(query.get('limit') ?? 50));
      return route.fulfill({ json: { approvals } });
    });
    try {
      await open(admin, '#/approvals', 'Approvals');
      await expect(admin.getByTestId('approval').count()).resolves.toBe(1);
      await expect(admin.getByTestId('decided-approvals').locator('li').count()).resolves.toBe(30);
    } finally {
      await admin.unroute('**/v1/approvals?*');
    }
  });

  it('shows a live fix older than the 500 newest deployments, all rolled back or replaced', async () => {
    // The server's answers, as it orders and filters them, for a project whose one promoted fix is
    // older than 500 deployments that were rolled back since.
    const [template] = (await call('GET', '/v1/deployments?limit=1')).body.deployments;
    const past = Array.from({ length: 500 }, (_, i) => ({
      ...template,
      id: `past-${i}`,
      status: 'rolled_back',
      createdAt: new Date(Date.now() - i * 1_000).toISOString(),
    }));
    const live = {
      ...template,
      id: 'live-oldest',
      status: 'promoted',
      createdAt: new Date(Date.now() - 86_400_000).toISOString(),
    };
    await admin.route('**/v1/deployments?*', (route) => {
      const query = new URL(route.request().url()).searchParams;
      const status = query.get('status');
      const deployments = [...past, live]
        .filter((d) => status === null || d.status === status)
        .slice(0, Number(query.get('limit') ?? 50));
      return route.fulfill({ json: { deployments } });
    });
    try {
      await open(admin, '#/deployments', 'Deployments');
      await expect(admin.getByTestId('live-deployments').getByTestId('deployment').count()).resolves.toBe(1);
    } finally {
      await admin.unroute('**/v1/deployments?*');
    }
  });

  it('keeps the patterns loaded past the first page when failures arriving refresh it', async () => {
    // More patterns than one page holds: FLOOD_CAP per function, over enough functions.
    await ingest(
      Array.from({ length: 105 }, (_, i) => ({
        kind: 'failure',
        function: `paged_fn_${String(Math.floor(i / FLOOD_CAP)).padStart(2, '0')}`,
        timestamp: minutesAgo(2),
        error: { type: `Paged${i % FLOOD_CAP}Error`, message: 'one of many' },
      })),
    );
    await open(admin, '#/patterns', 'Patterns');
    await admin.getByLabel('Order').selectOption('lastSeen');
    const count = admin.getByTestId('pattern-count');
    await count.filter({ hasText: /^100 patterns so far$/ }).waitFor();
    await admin.getByRole('button', { name: 'Load more' }).click();
    await count.filter({ hasText: /^\d+ patterns$/ }).waitFor();
    const loaded = Number.parseInt((await count.textContent())!, 10);
    expect(loaded).toBeGreaterThan(105);

    await ingest([
      {
        kind: 'failure',
        function: 'late_fn',
        timestamp: Date.now(),
        error: { type: 'LateError', message: 'arrived while the list was open' },
      },
    ]);
    await admin.getByTestId('pattern-list').getByText('arrived while the list was open').waitFor();
    // The new pattern heads the first page, the one it pushed off heads those loaded after it.
    await count.filter({ hasText: new RegExp(`^${loaded + 1} patterns$`) }).waitFor();
  });

  it('keeps the order chosen when a filter changes', async () => {
    await open(admin, '#/patterns', 'Patterns');
    await admin.getByLabel('Order').selectOption('lastSeen');
    await admin.getByLabel('Category').selectOption('timeout');
    await admin
      .getByTestId('pattern-count')
      .filter({ hasText: /^1 pattern$/ })
      .waitFor();
    await expect(admin.getByLabel('Order').inputValue()).resolves.toBe('lastSeen');
  });

  it('filters by any function, past the 200 that one page of GET /v1/functions holds, as its name is typed', async () => {
    // 201 functions named before the one with the failure: a list of the first 200 would miss it.
    const bulk = Array.from({ length: 201 }, (_, i) => ({
      kind: 'success',
      function: `bulk_${String(i).padStart(3, '0')}`,
      timestamp: minutesAgo(1),
    }));
    await ingest([
      ...bulk,
      {
        kind: 'failure',
        function: 'zz_last_function',
        timestamp: minutesAgo(1),
        error: { type: 'Error', message: 'only this function fails like this' },
      },
    ]);
    await open(admin, '#/patterns', 'Patterns');
    const input = admin.getByLabel('Function');
    await input.fill('zz');
    // The names offered are those that start with what is typed: this one alone.
    const offered = admin.getByTestId('function-names').locator('option');
    await offered.and(admin.locator('[value="zz_last_function"]')).waitFor({ state: 'attached' });
    await expect(offered.count()).resolves.toBe(1);
    await filterByFunction(admin, 'zz_last_function');
    await admin
      .getByTestId('pattern-count')
      .filter({ hasText: /^1 pattern$/ })
      .waitFor();
    await expect(admin.getByTestId('pattern-list').textContent()).resolves.toContain(
      'only this function fails like this',
    );
    expect(await admin.evaluate('location.hash')).toBe('#/patterns?function=zz_last_function');
  });

  it("names a pattern that curriculum, approvals and deployments refer to past the project's 200 most frequent", async () => {
    // 201 patterns failing twice each come before one failing once in every list by frequency.
    const frequent = Array.from({ length: 201 }, (_, i) => ({
      kind: 'failure',
      function: `frequent_fn_${String(Math.floor(i / FLOOD_CAP)).padStart(2, '0')}`,
      timestamp: minutesAgo(3),
      error: { type: `Frequent${i % FLOOD_CAP}Error`, message: 'one of the many' },
    }));
    await ingest([...frequent, ...frequent]);
    const [rare] = await ingest([
      {
        kind: 'failure',
        function: 'rare_fn',
        timestamp: minutesAgo(3),
        error: { type: 'RareError', message: 'seldom seen but fixed' },
      },
    ]);
    const top = (await call('GET', '/v1/patterns?limit=200')).body.patterns as { id: string }[];
    expect(top.map((p) => p.id)).not.toContain(rare!.id);

    const [deployment] = (await call('GET', '/v1/deployments?limit=1')).body.deployments;
    const [approval] = (await call('GET', '/v1/approvals?limit=1')).body.approvals;
    const curriculum = (await call('GET', '/v1/curriculum')).body;
    await admin.route('**/v1/deployments?*', (route) =>
      route.fulfill({ json: { deployments: [{ ...deployment, status: 'promoted', patternId: rare!.id }] } }),
    );
    await admin.route('**/v1/approvals?*', (route) =>
      route.fulfill({
        json: { approvals: [{ ...approval, result: { ...approval.result, patternId: rare!.id } }] },
      }),
    );
    await admin.route('**/v1/curriculum', (route) =>
      route.fulfill({
        json: {
          ...curriculum,
          arms: curriculum.arms.map((a: object, i: number) => (i === 0 ? { ...a, arm: rare!.id } : a)),
        },
      }),
    );
    try {
      for (const [hash, heading] of [
        ['#/deployments', 'Deployments'],
        ['#/approvals', 'Approvals'],
        ['#/curriculum', 'Curriculum'],
      ]) {
        await open(admin, hash!, heading!);
        await admin
          .locator(`a.pattern-link[title="${rare!.id}"]`)
          .filter({ hasText: 'rare_fn seldom seen but fixed' })
          .first()
          .waitFor();
      }
    } finally {
      await admin.unroute('**/v1/deployments?*');
      await admin.unroute('**/v1/approvals?*');
      await admin.unroute('**/v1/curriculum');
    }
  });

  it('keeps the newest FEED_LENGTH messages in the live feed, each cut to its bounded summary', async () => {
    const page = await newPage('laptop');
    await signIn(page, adminKey);
    await open(page, '#/live', 'Live feed');
    // The feed shows what arrives once the stream is up.
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
    const sent = FEED_LENGTH + 50;
    const long = 'x'.repeat(10 * MAX_FEED_TEXT);
    for (let i = 0; i < sent; i++) {
      await server.storage.appendStreamEvent(
        projectId,
        'pattern.created',
        { function: `feed_${i}`, normalizedMessage: long },
        Date.now(),
      );
    }
    const rows = page.getByTestId('feed').locator('li');
    await rows
      .first()
      .getByText(`feed_${sent - 1}:`)
      .waitFor();
    await expect(rows.count()).resolves.toBe(FEED_LENGTH);
    await expect(rows.last().locator('.row-main .muted').textContent()).resolves.toMatch(
      new RegExp(`^feed_${sent - FEED_LENGTH}: x+…$`),
    );
    const details = await rows.locator('.row-main .muted').allTextContents();
    expect(details).toHaveLength(FEED_LENGTH);
    for (const detail of details) expect(detail).toHaveLength(MAX_FEED_TEXT);
    await page.context().close();
  });

  it('signs out: the session ends on the server, not just in the page', async () => {
    const [cookie] = await admin.context().cookies();
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.getByLabel('API key').waitFor();
    const response = await fetch(`${server.url}/v1/patterns`, {
      headers: { cookie: `arc_session=${cookie!.value}` },
    });
    expect(response.status).toBe(401);
  });
});
