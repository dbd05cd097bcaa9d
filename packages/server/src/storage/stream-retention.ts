// The live stream keeps a bounded tail per project. Pruning on every append would scan `keep`
// index entries per batch, so each storage instance prunes a project once per tenth of `keep`
// appends: the tail stays between `keep` and about 1.1 × `keep` (plus one batch).

export const DEFAULT_STREAM_RETENTION = 10_000;

export class StreamRetention {
  readonly #appendedSincePrune = new Map<string, number>();
  readonly #interval: number;

  constructor(readonly keep: number = DEFAULT_STREAM_RETENTION) {
    if (!Number.isSafeInteger(keep) || keep < 1)
      throw new RangeError('stream retention must be a positive integer');
    this.#interval = Math.max(1, Math.ceil(keep / 10));
  }

  /** Records `appended` new events of a project; true when its tail is due for pruning now. */
  due(projectId: string, appended: number): boolean {
    const count = (this.#appendedSincePrune.get(projectId) ?? 0) + appended;
    if (count < this.#interval) {
      this.#appendedSincePrune.set(projectId, count);
      return false;
    }
    this.#appendedSincePrune.set(projectId, 0);
    return true;
  }
}
