// The learner of one project (DESIGN.md sections 1 and 7): exactly one per project among every
// process sharing the database, the holder of the project's leader lock (embedded: this process;
// PostgreSQL: whichever replica holds the advisory lock). While it leads it runs a learning step
// every N new failures or every T seconds, within the hourly rollout budget, and watches the
// project's canary deployments. Losing the lock (its connection died) stops both at once; another
// replica takes over from the last committed step.

import type { Storage } from '../storage/storage.js';
import { sleep } from './abortable-sleep.js';
import { notifyApprovers } from './approval-webhook.js';
import { monitorDeployments } from './deployment-monitor.js';
import { type LearnerStepReport, runLearnerStep } from './learner-step.js';
import { loadLearningSettings } from './learning-settings.js';
import type { LlmAnalyst } from './llm-analyst.js';

export interface LearnerRunnerOptions {
  storage: Storage;
  projectId: string;
  now?: () => number;
  /** How often step triggers are checked and canaries judged, and leadership retried (default 1 s). */
  tickMs?: number;
  /** How often a step looks at its rollouts while waiting for them (default 100 ms). */
  pollMs?: number;
  analyst?: LlmAnalyst;
  /** Failures of the loop; it carries on (default: stderr). */
  onError?: (error: unknown) => void;
  /** After every step that ran. */
  onStep?: (report: LearnerStepReport) => void;
}

export const learnerLockName = (projectId: string) => `learner:${projectId}`;

const reportToStderr = (error: unknown) => {
  process.stderr.write(
    `arc learner: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
};

export class LearnerRunner {
  readonly #options: Required<Omit<LearnerRunnerOptions, 'analyst' | 'onStep'>> &
    Pick<LearnerRunnerOptions, 'analyst' | 'onStep'>;
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  #leading = false;
  #stepRequested = false;
  /** Wakes the step loop before its tick is over. */
  #wake = new AbortController();

  constructor(options: LearnerRunnerOptions) {
    this.#options = {
      now: Date.now,
      tickMs: 1_000,
      pollMs: 100,
      onError: reportToStderr,
      ...options,
    };
  }

  /** Whether this runner holds the project's leader lock now. */
  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Runs a step at the next chance, triggers or not (the budget still applies). */
  requestStep(): void {
    this.#stepRequested = true;
    this.#wake.abort();
  }

  /** Stops after abandoning any step in flight (uncommitted) and gives the lock back. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { storage, projectId, tickMs, onError } = this.#options;
    const stopping = this.#stopping.signal;
    while (!stopping.aborted) {
      const lock = await storage.tryLock(learnerLockName(projectId)).catch((error: unknown) => {
        onError(error);
        return null;
      });
      if (lock === null) {
        await sleep(tickMs, stopping);
        continue;
      }
      this.#leading = true;
      try {
        const signal = AbortSignal.any([stopping, lock.signal]);
        await Promise.all([this.#stepLoop(signal), this.#monitorLoop(signal)]);
      } finally {
        this.#leading = false;
        await lock.release().catch(onError);
      }
    }
  }

  async #monitorLoop(signal: AbortSignal): Promise<void> {
    const { storage, projectId, now, tickMs, onError } = this.#options;
    while (!signal.aborted) {
      try {
        const settings = await loadLearningSettings(storage, projectId);
        await monitorDeployments(storage, projectId, settings, now);
      } catch (error) {
        if (!signal.aborted) onError(error);
      }
      await sleep(tickMs, signal);
    }
  }

  async #stepLoop(signal: AbortSignal): Promise<void> {
    const { storage, projectId, now, tickMs, pollMs, onError } = this.#options;
    // Resume the schedule where the last committed step left it.
    const stored = await storage.getLearnerState(projectId).catch((error: unknown) => {
      onError(error);
      return undefined;
    });
    let last = { at: stored?.updatedAt ?? Number.NEGATIVE_INFINITY, failures: stored?.failuresSeen ?? 0 };
    while (!signal.aborted) {
      try {
        const settings = await loadLearningSettings(storage, projectId);
        const failures = await storage.countFailures(projectId);
        const due =
          this.#stepRequested ||
          failures - last.failures >= settings.triggerFailures ||
          now() - last.at >= settings.triggerIntervalMs;
        if (due) {
          this.#stepRequested = false;
          // Also after a step that could not run (budget, nothing to learn): wait for new triggers.
          last = { at: now(), failures };
          const outcome = await runLearnerStep({
            storage,
            projectId,
            settings,
            now,
            pollMs,
            signal,
            sourcing: { ...(this.#options.analyst ? { analyst: this.#options.analyst } : {}), onError },
          });
          if (outcome.ran) {
            this.#options.onStep?.(outcome.report);
            if (settings.approvalWebhookUrl !== null) {
              await notifyApprovers(settings.approvalWebhookUrl, projectId, outcome.report.approvals).catch(
                onError,
              );
            }
          }
        }
      } catch (error) {
        if (!signal.aborted) onError(error);
      }
      if (this.#stepRequested) continue;
      this.#wake = new AbortController();
      await sleep(tickMs, AbortSignal.any([signal, this.#wake.signal]));
    }
  }
}
