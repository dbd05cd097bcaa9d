// The calls that returned lately, by call id, so that a verdict given after the fact
// (`arc.feedback(callId, …)`) can be turned into a failure event that carries the replayable input.
// Bounded: past `capacity` the oldest call is forgotten. Entries hold the host's own input and
// output objects (capturing every call up front would cost every call what only judged ones need),
// so what a verdict reports is their state when the verdict comes.
//
// Every tracked call that returns passes through here, so the common case is kept cheap: a call
// the host did not name is numbered, kept in a ring at its number, and gets its id string only when
// someone asks for it (fresh strings as Map keys would cost about a microsecond a call to hash).

export interface ReturnedCall {
  /** The id the host named (track's `callId`); undefined when Arc numbers the call. */
  name: string | undefined;
  /** The call's number, given when it is remembered. */
  seq: number;
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

const BASE36 = /^[0-9a-z]{1,11}$/;

export class RecentCalls {
  /** Generated ids are this and the call's number in base 36; random, so no host's id looks like one. */
  readonly #prefix = `${globalThis.crypto.randomUUID()}-`;
  #seq = 0;
  /** Call `seq` lives at `seq % capacity` until a later call takes its place. */
  readonly #ring: (ReturnedCall | undefined)[];
  readonly #named = new Map<string, ReturnedCall>();

  constructor(readonly capacity: number) {
    this.#ring = new Array<ReturnedCall | undefined>(capacity);
  }

  /** Numbers the call and keeps it, in place of the oldest when full. */
  remember(call: ReturnedCall): void {
    call.seq = ++this.#seq;
    if (this.capacity === 0) return;
    const slot = call.seq % this.capacity;
    const oldest = this.#ring[slot];
    // A reused name names its latest call; the oldest is forgotten only if its name still names it.
    if (oldest?.name !== undefined && this.#named.get(oldest.name) === oldest)
      this.#named.delete(oldest.name);
    this.#ring[slot] = call;
    if (call.name !== undefined) this.#named.set(call.name, call);
  }

  /** The id `arc.feedback` takes for the call. */
  idOf(call: ReturnedCall): string {
    return call.name ?? `${this.#prefix}${call.seq.toString(36)}`;
  }

  /** The call with this id, which is forgotten: Arc counts one verdict per call. */
  take(callId: string): ReturnedCall | undefined {
    const call = callId.startsWith(this.#prefix) ? this.#numbered(callId) : this.#named.get(callId);
    if (call !== undefined) this.forget(call);
    return call;
  }

  forget(call: ReturnedCall): void {
    if (this.capacity === 0) return;
    const slot = call.seq % this.capacity;
    if (this.#ring[slot] === call) this.#ring[slot] = undefined;
    if (call.name !== undefined && this.#named.get(call.name) === call) this.#named.delete(call.name);
  }

  #numbered(callId: string): ReturnedCall | undefined {
    const digits = callId.slice(this.#prefix.length);
    if (this.capacity === 0 || !BASE36.test(digits)) return undefined;
    const seq = Number.parseInt(digits, 36);
    const call = this.#ring[seq % this.capacity];
    return call !== undefined && call.seq === seq && call.name === undefined ? call : undefined;
  }
}
