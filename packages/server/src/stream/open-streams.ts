// The event streams open on this server: caps per key and in total, and the checks that end a
// stream whose key was revoked or whose dashboard session expired or was signed out. Revocations
// and sign-outs made anywhere arrive as `key.revoked` and `session.ended` stream events (across
// replicas on PostgreSQL) and end the affected streams at once; a periodic check (one key listing
// per project, one lookup per session stream) catches what no event announced, such as a key
// revoked by `arc keys revoke` in another process on SQLite, and session expiry.

import type { AuthContext } from '../auth.js';
import type { ServerLimits } from '../server-limits.js';
import type { Storage, StreamEvent } from '../storage/storage.js';

export interface EndableStream {
  end(): void;
}

type Owner = Pick<AuthContext, 'projectId' | 'keyId' | 'sessionTokenHash' | 'sessionExpiresAt'>;

export interface OpenStreamsOptions {
  storage: Pick<Storage, 'subscribe' | 'listApiKeys' | 'findSession'>;
  limits: Pick<ServerLimits, 'streamsPerKey' | 'maxStreams' | 'streamAuthCheckMs'>;
  now: () => number;
  onError: (error: unknown) => void;
}

export class OpenStreams {
  readonly #options: OpenStreamsOptions;
  readonly #owners = new Map<EndableStream, Owner>();
  readonly #perKey = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #checking = false;

  constructor(options: OpenStreamsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#owners.size;
  }

  /** Why a new stream for this key is refused now, or null when it may open. */
  refusal(keyId: string): string | null {
    const { streamsPerKey, maxStreams } = this.#options.limits;
    if ((this.#perKey.get(keyId) ?? 0) >= streamsPerKey) {
      return `This key has ${streamsPerKey} event streams open already (the most allowed)`;
    }
    if (this.#owners.size >= maxStreams)
      return `The server has ${maxStreams} event streams open (the most allowed)`;
    return null;
  }

  add(stream: EndableStream, owner: Owner): void {
    this.#owners.set(stream, owner);
    this.#perKey.set(owner.keyId, (this.#perKey.get(owner.keyId) ?? 0) + 1);
    if (this.#owners.size === 1) this.#startWatching();
  }

  remove(stream: EndableStream): void {
    const owner = this.#owners.get(stream);
    if (owner === undefined) return;
    this.#owners.delete(stream);
    const left = (this.#perKey.get(owner.keyId) ?? 1) - 1;
    if (left === 0) this.#perKey.delete(owner.keyId);
    else this.#perKey.set(owner.keyId, left);
    if (this.#owners.size === 0) this.#stopWatching();
  }

  endAll(): void {
    for (const stream of [...this.#owners.keys()]) stream.end();
  }

  /** Ends the streams whose key is gone, revoked, or whose session expired or ended. */
  async checkAll(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      const projects = new Set([...this.#owners.values()].map((o) => o.projectId));
      for (const projectId of projects) {
        const keys = new Map((await this.#options.storage.listApiKeys(projectId)).map((k) => [k.id, k]));
        for (const [stream, owner] of [...this.#owners]) {
          if (owner.projectId !== projectId) continue;
          const key = keys.get(owner.keyId);
          if (key === undefined || key.revokedAt !== null) stream.end();
        }
      }
      await this.#checkSessions(() => true);
    } finally {
      this.#checking = false;
    }
  }

  async #checkSessions(which: (owner: Owner) => boolean): Promise<void> {
    const now = this.#options.now();
    for (const [stream, owner] of [...this.#owners]) {
      if (owner.sessionTokenHash === undefined || !which(owner)) continue;
      const expired = owner.sessionExpiresAt !== undefined && now >= owner.sessionExpiresAt;
      if (expired || (await this.#options.storage.findSession(owner.sessionTokenHash, now)) === undefined) {
        stream.end();
      }
    }
  }

  #onEvent(event: StreamEvent): void {
    const keyId = (event.data as { keyId?: unknown } | null)?.keyId;
    if (typeof keyId !== 'string') return;
    const ofKey = (owner: Owner) => owner.projectId === event.projectId && owner.keyId === keyId;
    if (event.type === 'key.revoked') {
      for (const [stream, owner] of [...this.#owners]) if (ofKey(owner)) stream.end();
    } else if (event.type === 'session.ended') {
      this.#checkSessions(ofKey).catch(this.#options.onError);
    }
  }

  #startWatching(): void {
    this.#unsubscribe = this.#options.storage.subscribe((event) => this.#onEvent(event));
    this.#timer = setInterval(
      () => this.checkAll().catch(this.#options.onError),
      this.#options.limits.streamAuthCheckMs,
    );
    this.#timer.unref();
  }

  #stopWatching(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}
