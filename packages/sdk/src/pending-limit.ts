// A bound on work Arc starts beside the host's calls and then waits on (runs of track's `verify`,
// async validators of sync calls): each waiting run holds its call's input and output until it
// settles or times out, so a host whose hooks never answer must not grow memory with its call rate.
// A hook that answers at once holds nothing, so the bound leaves it alone: past the bound only a
// hook known to answer later (one that once did) is not started, and one that turns out to is left
// unwaited (its answer dropped), which happens once per hook.

/** Runs waiting at once, at most, per kind of work. */
export const MAX_PENDING_RUNS = 1000;

export class PendingLimit {
  #pending = 0;
  /** Hooks (validators, verifiers) that once answered with a promise. */
  readonly #answersLater = new WeakSet<object>();

  constructor(readonly max = MAX_PENDING_RUNS) {}

  /** Whether `max` runs are waiting: the caller waits on no other and counts what it left undone. */
  get full(): boolean {
    return this.#pending >= this.max;
  }

  /** Whether `hook` may be started now: a run may wait, or it has always answered at once. */
  admits(hook: object): boolean {
    return !this.full || !this.#answersLater.has(hook);
  }

  /** `hook` answered with a promise: past the bound it is not started again. */
  answeredLater(hook: object): void {
    this.#answersLater.add(hook);
  }

  /** Counts `run` as waiting until it settles. */
  wait<T>(run: Promise<T>): Promise<T> {
    this.#pending++;
    return run.finally(() => this.#pending--);
  }
}
