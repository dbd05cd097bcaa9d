// A learner runner for every project of the database, in a serving process: projects created
// later (a key made for a new project) get theirs within `discoverMs`. On PostgreSQL every replica
// runs a pool; the leader locks decide which replica's runner learns for which project.

import { LearnerRunner, type LearnerRunnerOptions } from './learner-runner.js';

export interface LearnerPoolOptions extends Omit<LearnerRunnerOptions, 'projectId'> {
  /** How often new projects are looked for (default 10 s). */
  discoverMs?: number;
}

export class LearnerPool {
  readonly #options: LearnerPoolOptions;
  readonly #runners = new Map<string, LearnerRunner>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #discovering: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LearnerPoolOptions) {
    this.#options = options;
  }

  /** Starts a runner per project now, then keeps looking for new projects. */
  async start(): Promise<void> {
    await this.discover();
    this.#timer = setInterval(() => void this.discover(), this.#options.discoverMs ?? 10_000);
    this.#timer.unref?.();
  }

  /** The runner of a project, once discovered. */
  runner(projectId: string): LearnerRunner | undefined {
    return this.#runners.get(projectId);
  }

  discover(): Promise<void> {
    this.#discovering ??= (async () => {
      try {
        for (const project of await this.#options.storage.listProjects()) {
          if (this.#stopped || this.#runners.has(project.id)) continue;
          const runner = new LearnerRunner({ ...this.#options, projectId: project.id });
          this.#runners.set(project.id, runner);
          runner.start();
        }
      } catch (error) {
        this.#options.onError?.(error);
      } finally {
        this.#discovering = undefined;
      }
    })();
    return this.#discovering;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#discovering;
    await Promise.all([...this.#runners.values()].map((r) => r.stop()));
  }
}
