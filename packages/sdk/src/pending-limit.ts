// A bound on work Arc starts beside the host's calls and then waits on (runs of track's `verify`,
// async validators of sync calls): each waiting run holds its call's input and output until it
// settles or times out, so a host whose hooks never answer must not grow memory with its call rate.

/** Runs waiting at once, at most, per kind of work. */
export const MAX_PENDING_RUNS = 1000;

export class PendingLimit {
  #pending = 0;

  constructor(readonly max = MAX_PENDING_RUNS) {}

  /** Whether `max` runs are waiting: the caller starts no other and counts what it left undone. */
  get full(): boolean {
    return this.#pending >= this.max;
  }

  /** Counts `run` as waiting until it settles. */
  wait<T>(run: Promise<T>): Promise<T> {
    this.#pending++;
    return run.finally(() => this.#pending--);
  }
}
