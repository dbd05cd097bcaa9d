// Data from the API that stays current: loaded when its inputs change, reloaded quietly when the
// live stream reports an event that changes it (or on a timer, for what the stream does not
// report), keeping what is shown until the new answer arrives. One quiet reload at a time: events
// during one cause one more after it (coalesced-runs.ts).

import { useEffect, useRef, useState } from 'preact/hooks';
import type { StreamMessage } from '../src/api-types.js';
import { type CoalescedRuns, coalescedRuns } from '../src/coalesced-runs.js';
import { useApp } from './app-context.js';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

export interface ResourceOptions {
  /** Stream event types after which to reload (a burst of them causes one reload). */
  refreshOn?: readonly string[];
  /** Reload this often as well (ms). */
  refreshEveryMs?: number;
}

const REFRESH_DELAY_MS = 250;

export function useResource<T>(
  load: () => Promise<T>,
  inputs: readonly unknown[],
  options: ResourceOptions = {},
): Resource<T> {
  const { live } = useApp();
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);
  const reloads = useRef<CoalescedRuns | null>(null);

  const run = (quiet: boolean): Promise<void> => {
    const mine = ++generation.current;
    if (!quiet) setState({ data: undefined, error: undefined, loading: true });
    return loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        // A failed quiet reload keeps what is shown, with the error beside it.
        if (mine === generation.current)
          setState((s) => ({ data: quiet ? s.data : undefined, error, loading: false }));
      },
    );
  };

  // The caller names the inputs that change what is loaded.
  useEffect(() => {
    run(false);
    const quiet = coalescedRuns(() => run(true));
    reloads.current = quiet;
    const types = new Set(options.refreshOn ?? []);
    let pending: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = live.subscribe((message: StreamMessage) => {
      if (!types.has(message.type) || pending !== null) return;
      pending = setTimeout(() => {
        pending = null;
        quiet.request();
      }, REFRESH_DELAY_MS);
    });
    const timer =
      options.refreshEveryMs === undefined
        ? null
        : setInterval(() => quiet.request(), options.refreshEveryMs);
    return () => {
      quiet.cancel();
      unsubscribe();
      if (pending !== null) clearTimeout(pending);
      if (timer !== null) clearInterval(timer);
      generation.current++;
    };
  }, inputs);

  return { ...state, reload: () => reloads.current?.request() };
}
