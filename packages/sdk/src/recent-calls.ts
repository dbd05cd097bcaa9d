// The calls that returned lately, by call id, so that a verdict given after the fact
// (`arc.feedback(callId, …)`) can be turned into a failure event that carries the replayable input.
// Bounded: past `capacity` the oldest call is forgotten. Entries hold the host's own input and
// output objects (capturing every call up front would cost every call what only judged ones need),
// so what a verdict reports is their state when the verdict comes.

export interface ReturnedCall {
  /** The id the host named (track's `callId`) or Arc generated. */
  callId: string;
  function: string;
  /** What the call was given (the arguments, or what track's `input` picked from them). */
  input: unknown;
  /** What the call returned (after any output repair), or the part of it track's `output` picks. */
  output: unknown;
  tags: Readonly<Record<string, string>>;
  fixIds: readonly string[];
  /** performance.now() when the call began (turned into a wall-clock time only when reported). */
  startedAt: number;
  /** Whether a right verdict on it carries its input and output (success sampling). */
  sampled: boolean;
}

export class RecentCalls {
  readonly #calls = new Map<string, ReturnedCall>();

  constructor(readonly capacity: number) {}

  remember(call: ReturnedCall): void {
    if (this.capacity === 0) return;
    // A reused id names its latest call: re-inserting moves it to the young end.
    this.#calls.delete(call.callId);
    this.#calls.set(call.callId, call);
    if (this.#calls.size > this.capacity) {
      this.#calls.delete(this.#calls.keys().next().value as string);
    }
  }

  /** The call, which is forgotten: Arc counts one verdict per call. */
  take(callId: string): ReturnedCall | undefined {
    const call = this.#calls.get(callId);
    if (call !== undefined) this.#calls.delete(callId);
    return call;
  }

  get size(): number {
    return this.#calls.size;
  }
}
