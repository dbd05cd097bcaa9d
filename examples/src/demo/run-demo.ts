// `arc demo` (DESIGN.md section 9, issue 7): a real local model answers real BFCL tasks, Arc
// captures the agent's failures, learns fixes by SEC-driven rollouts scored with BFCL's checker,
// gets them approved and deploys them; the held-out set, which learning never sees, is scored
// before and after. The Arc server and its dashboard run in this process the whole time.
//
// The held-out set is answered untracked (both times), so none of its inputs can become a replayed
// example; the learning pool is served as tracked production calls, whose failures are what Arc
// learns from. Steps run on demand (`runLearnerStep`), not on the server's triggers, so the demo
// controls their number; canaries are judged after each round of traffic as the runner would.
// The agent routes first (a router picks the function, judged against BFCL's expected function),
// then calls; after the first step a person proposes a harmful fix for the router through the
// approvals API and approves it, and the canary test is there to roll it back. The model samples with a seed per call and answers one
// call at a time, each from an empty context, the agent takes up deployed fixes at known points
// (before each round of traffic), its events reach the server at known points (after each task), and
// the server's example reservoirs draw from the seed, so a run repeats under its seed.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Fix, SeededRandom } from '@arc-agent/core';
import { createArc } from '@arc-agent/sdk';
import {
  generateApiKey,
  issueApiKey,
  type LearnerStepReport,
  monitorDeployments,
  resolveLearningSettings,
  runLearnerStep,
  startServer,
} from '@arc-agent/server';
import pino from 'pino';
import { createBfclAgent, type ExplicitFixes, taskKey } from '../bfcl-agent.js';
import { BFCL_ROUTE_FUNCTION, bfclRouteVerdict } from '../bfcl-route.js';
import { type BfclTask, loadBfclTasks, splitByCategory } from '../bfcl-tasks.js';
import { bfclVerdict } from '../bfcl-verdict.js';
import {
  AssetUnavailableError,
  EXIT_ASSETS_UNAVAILABLE,
  fetchBfclData,
  fetchModel,
} from '../fetch-assets.js';
import { EXIT_INVALID_MODEL_FILE, InvalidModelFileError } from '../gguf-model-file.js';
import type { LlmBackend } from '../llm-backend.js';
import { LocalLlm } from '../local-llm.js';
import { OpenAiCompatibleLlm } from '../openai-compatible-llm.js';
import { pathExists } from '../path-exists.js';
import { answerTasks } from './answer-tasks.js';
import { formatBeforeAfter } from './before-after-table.js';
import { canaryNews } from './canary-outcomes.js';
import { DEMO_CANARY_SETTINGS } from './demo-canary-settings.js';
import { type DemoInput, DemoOptionError, type DemoOptions, resolveDemoOptions } from './demo-options.js';
import { DemoProgress } from './demo-progress.js';
import {
  type ArmCalls,
  type CurriculumSnapshot,
  type DemoReport,
  type DeployedFixReport,
  failuresByCategory,
  type HeldOutPoint,
  type ReportedPattern,
  type RollbackReport,
  scoreOf,
  successByTaskCategory,
  type TaskOutcome,
} from './demo-report.js';
import { HARMFUL_FIX, HARMFUL_FIX_COMMENT } from './harmful-fix.js';
import { formatModelUsage, MeteredLlm } from './model-usage.js';
import { agentProductionFixes, agentPromotedFixes, type LiveDeployment } from './production-fixes.js';
import { trafficRounds } from './traffic-rounds.js';

export const EXIT_DEMO_OPTIONS = 2;

/** The label of the final held-out pass's progress bar (the screenshot script waits for it). */
export const FINAL_PASS_LABEL = 'held-out, fixes as production applies them';

/** What a caller learns once the server is up: where the dashboard is and the key that opens it. */
export interface DemoStarted {
  dashboardUrl: string;
  adminKey: string;
}

export interface RunDemoHooks {
  progress?: DemoProgress;
  /** Awaited once the dashboard is being served, before the model works. */
  onStarted?: (started: DemoStarted) => void | Promise<void>;
}

/** The exit code for an error that ends the demo: options, assets and model files each have their own. */
export function demoExitCode(error: unknown): number {
  if (error instanceof DemoOptionError) return EXIT_DEMO_OPTIONS;
  if (error instanceof AssetUnavailableError) return EXIT_ASSETS_UNAVAILABLE;
  if (error instanceof InvalidModelFileError) return EXIT_INVALID_MODEL_FILE;
  return 1;
}

/** Learning settings that fit this machine: small B and G, a policy sync at every step, quick canaries. */
function demoSettings(options: DemoOptions) {
  return {
    curriculum: options.curriculum,
    batchSize: options.batchSize,
    groupSize: options.groupSize,
    syncInterval: options.syncInterval,
    // Nothing succeeds at first, so there are no working inputs to guard; rollouts go to failures.
    successShare: 0,
    confidence: 0.8,
    minTrials: 2,
    minGuardTrials: 0,
    // Steps are run by the demo, never by triggers.
    triggerFailures: 1_000_000,
    triggerIntervalMs: 86_400_000,
    rolloutBudgetPerHour: 100_000,
    stepTimeoutMs: 600_000,
    ...DEMO_CANARY_SETTINGS,
  };
}

async function openLlm(options: DemoOptions, progress: DemoProgress): Promise<LlmBackend> {
  if (options.llmBaseUrl !== undefined) {
    return new OpenAiCompatibleLlm({
      baseUrl: options.llmBaseUrl,
      model: options.llmModel!,
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    });
  }
  const modelPath = options.model ?? (await fetchModel({ log: (m) => progress.line(m) }));
  return LocalLlm.load({ modelPath, sequences: options.sequences, threads: options.threads });
}

/** The fixes of a step's deployments that agents apply now (canaries and promoted ones). */
const LIVE = new Set(['canary', 'promoted']);

export async function runDemo(input: DemoInput, hooks: RunDemoHooks = {}): Promise<DemoReport> {
  const options = resolveDemoOptions(input);
  if (options.db !== undefined && !options.resume && (await pathExists(options.db))) {
    throw new DemoOptionError(
      '--db',
      `${options.db} exists: pass --resume to go on with it, or name a new file`,
    );
  }
  const progress = hooks.progress ?? new DemoProgress();
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

  const tasks = await loadBfclTasks(await fetchBfclData({ log: (m) => progress.line(m) }));
  if (options.heldOutTasks >= tasks.length) {
    throw new DemoOptionError('--tasks', `must be below the ${tasks.length} tasks there are`);
  }
  const split = splitByCategory(tasks, {
    seed: options.seed,
    heldOut: options.heldOutTasks,
    learning: options.learningTasks,
  });
  const heldOut = split.heldOut;
  const pool = split.learning;
  const taskByKey = new Map<string, BfclTask>(pool.map((t) => [taskKey(t), t]));
  const llm = new MeteredLlm(await openLlm(options, progress));

  const reservoirRandom = new SeededRandom(`${options.seed}\u0000reservoirs`);
  const temp = options.db === undefined ? await mkdtemp(join(tmpdir(), 'arc-demo-')) : undefined;
  const adminKey = generateApiKey();
  const server = await startServer({
    port: options.port,
    db: options.db ?? join(temp!, 'arc.db'),
    adminKey,
    logger: pino({ level: 'silent' }),
    // The demo runs its own steps; the server's learner would compete for them.
    learning: { enabled: false },
    // Which examples the reservoirs keep once more come than they hold: from the seed, so a run repeats.
    random: () => reservoirRandom.next(),
  });
  const arcClosers: (() => Promise<void>)[] = [];
  try {
    const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${adminKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok)
        throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const project = await server.storage.ensureProject('default');
    const projectId = project.id;
    await api('PUT', '/v1/learning/config', demoSettings(options));
    const settings = resolveLearningSettings((await server.storage.getLearningConfig(projectId)) ?? {});

    progress.line(`Arc demo: model ${llm.model}, ${tasks.length} BFCL tasks (seed ${options.seed})`);
    progress.line(`  dashboard  ${server.url}/  (admin key ${adminKey})`);
    progress.line(
      `  split      ${heldOut.length} held-out tasks, ${pool.length} learning-pool tasks; ${options.steps} learning steps`,
    );
    progress.line(
      `  learner    B ${options.batchSize}, G ${options.groupSize}, s ${options.syncInterval} ` +
        `(product defaults: B 32, s 50), curriculum ${options.curriculum}`,
    );
    await hooks.onStarted?.({ dashboardUrl: `${server.url}/`, adminKey });

    // The agent reports its calls and is the rollout worker too, as a production agent would be:
    // ingest (which fetches the deployed fixes) and worker, no read.
    const { key: agentKey } = await issueApiKey(server.storage, projectId, 'demo agent', [
      'ingest',
      'worker',
    ]);
    const arc = createArc({
      endpoint: server.url,
      apiKey: agentKey,
      agentId: 'bfcl-demo-agent',
      // The demo sends each task's events itself once the task is answered (`deliver`), so the
      // batches the server takes, and with them its reservoirs' draws, do not depend on timers.
      flushIntervalMs: 3_600_000,
      successSampleRate: 1,
      // The demo refreshes the deployed fixes itself before each round of traffic, so what a round
      // runs with does not depend on timing.
      fixes: { pollIntervalMs: 3_600_000 },
    });
    arcClosers.push(() => arc.shutdown());
    // The learning pool's calls are judged by BFCL's verdict after they return (standing in for a
    // labelled evaluation set, user feedback or a judge): wrong answers become failures Arc sees.
    const agent = createBfclAgent({
      llm,
      arc,
      findTask: (key) => taskByKey.get(key),
      seed: options.seed,
      verify: bfclVerdict,
      // A router picks the function first; its choices are judged against BFCL's expected function.
      routing: { verify: bfclRouteVerdict },
    });

    const measure = async (label: string, fixes: ExplicitFixes | ((task: BfclTask) => ExplicitFixes)) => {
      llm.phase(label);
      return answerTasks(agent, heldOut, {
        fixes,
        concurrency: options.sequences,
        onAnswered: (done, solved) => progress.bar(label, done, heldOut.length, `solved ${solved}`),
      });
    };

    const baseline = await measure('baseline (held-out)', { fixes: [], routeFixes: [] });
    progress.line(
      `baseline: ${scoreOf(baseline).successRate * 100} % of held-out tasks solved (${elapsed()})`,
    );

    // Rollouts: the SDK's worker replays a recorded call through the agent's model call with the
    // job's fixes, as production runs it; the agent's verify (BFCL's verdict) gives the reward.
    // It polls only while its queue is empty, which is most of the run (traffic, held-out passes).
    // Every 50 ms, those polls took about half of a quick run's main-thread CPU (22 s -> 11 s when
    // they went, measured); a step enqueues its jobs at once, so the SDK's 1 s delays a step by at
    // most a second.
    const worker = arc.worker(agent.rolloutFunctions, {
      concurrency: options.sequences,
      leaseMs: 600_000,
    });
    arcClosers.unshift(() => worker.stop());

    // Production traffic: the learning pool in rounds, one before the first step and one after each.
    const rounds = trafficRounds(pool, options.steps);
    const traffic: TaskOutcome[][] = [];
    const rollbacks: RollbackReport[] = [];
    const deliver = async () => {
      // The last call's verdict settles in microtasks, all run before setImmediate's callback.
      await new Promise((resolve) => setImmediate(resolve));
      await arc.flush();
    };
    const serve = async (round: number) => {
      const batch = rounds[round]!;
      await arc.refreshFixes();
      llm.phase('traffic');
      traffic.push(
        await answerTasks(agent, batch, {
          concurrency: options.sequences,
          onAnswered: (done, solved) =>
            progress.bar(`traffic round ${round + 1}`, done, batch.length, `ok ${solved}`),
          afterEach: deliver,
        }),
      );
      const news = canaryNews(await monitorDeployments(server.storage, projectId, settings, Date.now), round);
      rollbacks.push(...news.rollbacks);
      for (const line of news.lines) progress.line(line);
    };

    /** A person proposes the harmful fix for the router's most frequent pattern and approves it, all through the API. */
    const proposeHarmfulFix = async () => {
      const [top] = (await api('GET', `/v1/patterns?function=${BFCL_ROUTE_FUNCTION}&limit=1`)).patterns as {
        id: string;
        errorType: string;
      }[];
      if (top === undefined) return;
      const approval = await api('POST', `/v1/patterns/${top.id}/fixes`, {
        fix: HARMFUL_FIX,
        comment: HARMFUL_FIX_COMMENT,
      });
      await api('POST', `/v1/approvals/${approval.id as string}/approve`, {
        comment: 'approved by the person who proposed it',
      });
      progress.line(
        `  a person proposed ${JSON.stringify(HARMFUL_FIX)} for ${BFCL_ROUTE_FUNCTION} ${top.id.slice(0, 8)} (${top.errorType}): ` +
          `"${HARMFUL_FIX_COMMENT}", and approved it: a canary on ${100 * settings.canaryShare} % of calls`,
      );
    };

    const curriculum: CurriculumSnapshot[] = [];
    const heldOutByStep: HeldOutPoint[] = [
      { step: 0, rollouts: 0, successRate: scoreOf(baseline).successRate },
    ];
    const approvedBy = new Map<string, string>();
    let rollouts = 0;
    await serve(0);
    for (let k = 1; k <= options.steps; k++) {
      llm.phase('rollouts');
      const outcome = await runLearnerStep({
        storage: server.storage,
        projectId,
        settings,
        now: Date.now,
        sourcing: {
          onError: (error) => progress.line(`candidate sourcing: ${String(error)}`),
        },
        pollMs: 50,
        learnerSeed: options.seed,
      });
      if (!outcome.ran) {
        progress.line(`step ${k}: nothing to learn yet (${outcome.reason})`);
      } else {
        rollouts += outcome.report.completed;
        await showStep(outcome.report);
      }
      if (k === 1) await proposeHarmfulFix();
      await serve(k);
      // The last step's score is the final one, measured below.
      if (options.evaluateEachStep && k < options.steps) {
        const live = await liveDeployments();
        const score = scoreOf(
          await measure(`held-out after step ${k}`, (task) => agentProductionFixes(live, taskKey(task))),
        );
        heldOutByStep.push({ step: k, rollouts, successRate: score.successRate });
        progress.line(`held-out after step ${k}: ${score.successRate * 100} % solved (${rollouts} rollouts)`);
      }
    }

    async function showStep(report: LearnerStepReport): Promise<void> {
      const patterns = (await api('GET', '/v1/patterns?limit=100')).patterns as {
        id: string;
        function: string;
        category: string;
        errorType: string;
      }[];
      const view = (await api('GET', '/v1/curriculum')).arms as { arm: string; q: number }[];
      // The arms this step drew from, with the probabilities it drew with; Q after its update.
      const arms = report.draw.arms.map((id, i) => {
        const p = patterns.find((x) => x.id === id);
        return {
          patternId: id,
          category: p === undefined ? 'unknown' : `${p.function} ${p.errorType}`,
          probability: report.draw.probabilities[i]!,
          drawn: report.draw.drawn.filter((d) => d === id).length,
          ...(Object.hasOwn(report.patternRewards, id) ? { reward: report.patternRewards[id]! } : {}),
          q: view.find((a) => a.arm === id)?.q ?? 0,
        };
      });
      curriculum.push({ step: report.step, arms });
      progress.line(
        `step ${report.step}: ${report.completed}/${report.rollouts} rollouts, ${report.results.length} fixes beat the incumbent (${elapsed()})`,
      );
      progress.line(
        '  drew from (p) -> drawn, reward mean|A| (highest when about half the rollouts succeed), Q after:',
      );
      for (const a of arms) {
        progress.line(
          `  arm ${a.patternId.slice(0, 8)} ${a.category.padEnd(40)} p ${a.probability.toFixed(2)} -> ${a.drawn}x` +
            `${a.reward === undefined ? '' : `, reward ${a.reward.toFixed(3)}`}, Q ${a.q.toFixed(3)}`,
        );
      }
      for (const d of report.deployments) {
        approvedBy.set(d.approvalId, 'arc (auto-approved)');
        progress.line(
          `  auto-approved ${d.fix.type} for ${d.patternId.slice(0, 8)}: deployed as a ${d.status}`,
        );
      }
      // The demo's policy approves what the learner put up with a measured improvement, through the
      // API; fixes people proposed are theirs to decide.
      const pending = (await api('GET', '/v1/approvals?status=pending&limit=100')).approvals as {
        id: string;
        result: { fix: Fix; improvement: number; confidence: number; patternId: string; source: string };
      }[];
      for (const approval of pending.filter((a) => a.result.source !== 'person')) {
        const verb = approval.result.improvement > 0 ? 'approve' : 'deny';
        await api('POST', `/v1/approvals/${approval.id}/${verb}`, {
          comment: `${verb} by the demo's policy`,
        });
        if (verb === 'approve') approvedBy.set(approval.id, "the demo's policy");
        progress.line(
          `  ${verb === 'approve' ? 'approved' : 'denied'} by the demo's policy: ${approval.result.fix.type} ` +
            `(improvement ${(100 * approval.result.improvement).toFixed(1)} %, confidence ${approval.result.confidence.toFixed(3)})`,
        );
      }
    }

    /** The deployments agents apply now: canaries and promoted ones. */
    async function liveDeployments() {
      const { deployments } = (await api('GET', '/v1/deployments?limit=100')) as {
        deployments: (LiveDeployment & { approvalId: string; treatment: ArmCalls; control: ArmCalls })[];
      };
      return deployments.filter((d) => LIVE.has(d.status));
    }

    const live = await liveDeployments();
    const fixesDeployed: DeployedFixReport[] = [];
    for (const d of live) {
      const approval = (await api('GET', `/v1/approvals/${d.approvalId}`)) as {
        result: { risk: string; improvement: number; confidence: number };
        decidedBy: string | null;
      };
      fixesDeployed.push({
        function: d.function,
        patternId: d.patternId,
        fix: d.fix,
        status: d.status,
        risk: approval.result.risk,
        improvement: approval.result.improvement,
        confidence: approval.result.confidence,
        approvedBy: approvedBy.get(d.approvalId) ?? approval.decidedBy ?? 'unknown',
        treatment: { trials: d.treatment.trials, failures: d.treatment.failures },
        control: { trials: d.control.trials, failures: d.control.failures },
      });
    }
    const final = await measure(FINAL_PASS_LABEL, (task) => agentProductionFixes(live, taskKey(task)));
    // Production less its canaries. With no canary live that is the final pass's calls; with no
    // fix promoted it is no fix at all, the calls the baseline pass made: either is not asked again.
    const promoted = agentPromotedFixes(live);
    const promotedOnly = !live.some((d) => d.status === 'canary')
      ? final
      : promoted.fixes!.length + promoted.routeFixes!.length === 0
        ? baseline
        : await measure('held-out, promoted fixes only', promoted);
    heldOutByStep.push({ step: options.steps, rollouts, successRate: scoreOf(final).successRate });
    const patterns: ReportedPattern[] = (
      (await api('GET', '/v1/patterns?limit=100')).patterns as {
        id: string;
        function: string;
        category: string;
        errorType: string;
        normalizedMessage: string;
        occurrences: number;
      }[]
    ).map((p) => ({
      id: p.id,
      function: p.function,
      category: p.category,
      errorType: p.errorType,
      message: p.normalizedMessage,
      occurrences: p.occurrences,
    }));

    const cpu = process.cpuUsage(startedCpu);
    const usage = {
      ...llm.usage(),
      wallSeconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      loadAverage: loadavg()[0]!,
    };
    const report: DemoReport = {
      model: llm.model,
      seed: options.seed,
      baseline: scoreOf(baseline),
      final: scoreOf(final),
      promotedOnly: scoreOf(promotedOnly),
      byTaskCategory: successByTaskCategory(baseline, final),
      byCategory: failuresByCategory(baseline, final),
      patterns,
      fixesDeployed,
      rollbacks,
      rollouts,
      curriculum,
      ...(options.evaluateEachStep ? { heldOutByStep } : {}),
      heldOut: { baseline, final },
      traffic,
      usage,
    };
    progress.line('');
    progress.line(formatBeforeAfter(report));
    for (const line of formatModelUsage(usage)) progress.line(line);
    progress.line(
      `done in ${usage.wallSeconds.toFixed(0)} s (this process used ${usage.cpuSeconds.toFixed(0)} s of CPU; ` +
        `load average ${usage.loadAverage.toFixed(1)} on ${availableParallelism()} cores)`,
    );
    if (options.report !== undefined) await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    for (const close of arcClosers) await close();
    await server.close();
    await llm.close();
    if (temp !== undefined) await rm(temp, { recursive: true, force: true });
  }
}
