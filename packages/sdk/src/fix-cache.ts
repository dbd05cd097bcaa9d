// The agent's local copy of the fixes deployed for its functions, kept fresh by polling
// `GET /v1/fixes?function=…` with ETags (a 304 costs the server almost nothing). Fail-open: a
// failed poll, an error status or a garbled body keeps the last good fixes; each fix is
// validated with core's parser and an invalid one is skipped, never applied.

import { type DeployedFix, parseDeployedFix } from '@arc-agent/core';

export interface FixCacheOptions {
  /** Full URL of the fixes endpoint (`…/v1/fixes`). */
  url: string;
  apiKey: string;
  fetch: typeof fetch;
  intervalMs: number;
  requestTimeoutMs: number;
}

export interface FixCacheStats {
  polls: number;
  notModified: number;
  failures: number;
  /** Deployed fixes skipped because they did not validate. */
  invalidFixes: number;
  lastError: string | null;
}

interface Entry {
  etag: string | undefined;
  fixes: readonly DeployedFix[];
  polling: Promise<void> | undefined;
}

const NO_FIXES: readonly DeployedFix[] = Object.freeze([]);

export class FixCache {
  readonly #options: FixCacheOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #interval: ReturnType<typeof setInterval>;
  readonly #stats: FixCacheStats = {
    polls: 0,
    notModified: 0,
    failures: 0,
    invalidFixes: 0,
    lastError: null,
  };
  #stopped = false;

  constructor(options: FixCacheOptions) {
    this.#options = options;
    this.#interval = setInterval(() => void this.refresh(), options.intervalMs);
    this.#interval.unref?.();
  }

  /** Starts keeping the fixes of `fn` (first poll right away, in the background). */
  watch(fn: string): void {
    if (this.#entries.has(fn) || this.#stopped) return;
    this.#entries.set(fn, { etag: undefined, fixes: NO_FIXES, polling: undefined });
    void this.#poll(fn);
  }

  /** The last good fixes deployed for `fn` (none before the first successful poll). */
  fixesFor(fn: string): readonly DeployedFix[] {
    return this.#entries.get(fn)?.fixes ?? NO_FIXES;
  }

  /** Polls every watched function now; resolves when done, never rejects. */
  async refresh(): Promise<void> {
    await Promise.all([...this.#entries.keys()].map((fn) => this.#poll(fn)));
  }

  stats(): FixCacheStats {
    return { ...this.#stats };
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#interval);
  }

  #poll(fn: string): Promise<void> {
    const entry = this.#entries.get(fn);
    if (entry === undefined || this.#stopped) return Promise.resolve();
    entry.polling ??= this.#fetch(fn, entry).finally(() => {
      entry.polling = undefined;
    });
    return entry.polling;
  }

  async #fetch(fn: string, entry: Entry): Promise<void> {
    this.#stats.polls++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#options.requestTimeoutMs);
    timer.unref?.();
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${this.#options.apiKey}` };
      if (entry.etag !== undefined) headers['if-none-match'] = entry.etag;
      const url = `${this.#options.url}?function=${encodeURIComponent(fn)}`;
      const response = await this.#options.fetch(url, { headers, signal: controller.signal });
      if (response.status === 304) {
        this.#stats.notModified++;
        await response.body?.cancel().catch(() => undefined);
        return;
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        return this.#fail(`HTTP ${response.status}`);
      }
      const body = (await response.json()) as unknown;
      const list = (body as { fixes?: unknown } | null)?.fixes;
      if (!Array.isArray(list)) return this.#fail('response has no fixes array');
      const fixes: DeployedFix[] = [];
      for (const item of list) {
        const parsed = parseDeployedFix(item);
        if (parsed.ok && parsed.value.function === fn) {
          fixes.push(parsed.value);
        } else {
          this.#stats.invalidFixes++;
          this.#stats.lastError = parsed.ok
            ? `fix ${parsed.value.id} is for ${parsed.value.function}, not ${fn}`
            : `invalid fix: ${parsed.field} ${parsed.error}`;
        }
      }
      entry.fixes = Object.freeze(fixes);
      entry.etag = response.headers.get('etag') ?? undefined;
    } catch (error) {
      this.#fail(
        controller.signal.aborted ? 'timed out' : error instanceof Error ? error.message : String(error),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  #fail(reason: string): void {
    this.#stats.failures++;
    this.#stats.lastError = reason;
  }
}
