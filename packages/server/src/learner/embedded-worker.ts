// The rollout worker inside the server's own process (the embedded shape): it leases and reports
// through the same rollout queue as `POST /v1/rollouts/lease` and `…/result`, so the learner cannot
// tell it from a remote worker. Handlers replay one input with `fixesToApply(rollout)` (the fixes
// promoted for the function's other patterns, then the candidate) and say how well it went (the
// verifier's reward in [0, 1]).

import { sleep } from './abortable-sleep.js';
import type { LeasedRollout, RolloutQueue } from './rollout-queue.js';

export interface RolloutOutcome {
  reward: number;
  output?: unknown;
  error?: string;
}

export type RolloutHandler = (
  rollout: LeasedRollout,
  signal: AbortSignal,
) => RolloutOutcome | Promise<RolloutOutcome>;

export interface EmbeddedWorkerOptions {
  queue: RolloutQueue;
  projectId: string;
  /** Handler per tracked function; only these functions' jobs are leased. */
  handlers: Readonly<Record<string, RolloutHandler>>;
  workerId?: string;
  /** Rollouts run at once (default 4). */
  concurrency?: number;
  /** Lease length (default 60 s): a handler still running then loses its job to another worker. */
  leaseMs?: number;
  /** Wait between empty leases (default 200 ms). */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

export interface EmbeddedWorkerStats {
  completed: number;
  /** Handlers that threw or returned no valid reward (reported with reward 0). */
  failed: number;
  /** Reports the server refused (the lease had passed to another worker, or the step ended). */
  refused: number;
}

export class EmbeddedWorker {
  readonly #options: EmbeddedWorkerOptions;
  readonly #workerId: string;
  readonly #stopping = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stats: EmbeddedWorkerStats = { completed: 0, failed: 0, refused: 0 };
  #loop: Promise<void> | undefined;

  constructor(options: EmbeddedWorkerOptions) {
    this.#options = options;
    this.#workerId = options.workerId ?? `embedded-${globalThis.crypto.randomUUID()}`;
  }

  get workerId(): string {
    return this.#workerId;
  }

  stats(): EmbeddedWorkerStats {
    return { ...this.#stats };
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops leasing, aborts running handlers and waits for them. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
    await Promise.all(this.#inFlight);
  }

  async #run(): Promise<void> {
    const { queue, projectId, handlers } = this.#options;
    const concurrency = this.#options.concurrency ?? 4;
    const functions = Object.keys(handlers);
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      let leased: LeasedRollout[] = [];
      const free = concurrency - this.#inFlight.size;
      if (free > 0 && functions.length > 0) {
        try {
          leased = await queue.lease(projectId, {
            workerId: this.#workerId,
            functions,
            max: free,
            leaseMs: this.#options.leaseMs ?? 60_000,
          });
        } catch (error) {
          this.#options.onError?.(error);
        }
      }
      for (const rollout of leased) {
        const running = this.#execute(rollout).finally(() => this.#inFlight.delete(running));
        this.#inFlight.add(running);
      }
      if (leased.length === 0 || this.#inFlight.size >= concurrency) {
        await Promise.race([sleep(this.#options.pollMs ?? 200, signal), ...this.#inFlight]);
      }
    }
  }

  async #execute(rollout: LeasedRollout): Promise<void> {
    const handler = this.#options.handlers[rollout.function]!;
    let outcome: RolloutOutcome;
    try {
      outcome = await handler(rollout, this.#stopping.signal);
      if (!(typeof outcome?.reward === 'number' && outcome.reward >= 0 && outcome.reward <= 1)) {
        throw new RangeError(`handler for ${rollout.function} returned no reward in [0, 1]`);
      }
    } catch (error) {
      this.#stats.failed++;
      outcome = { reward: 0, error: error instanceof Error ? error.message : String(error) };
    }
    if (this.#stopping.signal.aborted) return;
    try {
      const report = await this.#options.queue.report(this.#options.projectId, rollout.id, {
        workerId: this.#workerId,
        ...outcome,
      });
      if (report.ok) this.#stats.completed++;
      else this.#stats.refused++;
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}
