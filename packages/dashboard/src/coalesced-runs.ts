// Runs a task on request, never two at once: requests made while a run is under way cause one
// more run after it, not one each. Live reloads go through this, so that a stream of events
// faster than the server answers does not queue requests in the browser without end.

export interface CoalescedRuns {
  /** Runs now, or once after the run under way. */
  request(): void;
  /** No further runs (the run under way, if any, finishes). */
  cancel(): void;
}

export function coalescedRuns(task: () => Promise<unknown>): CoalescedRuns {
  let running = false;
  let again = false;
  let cancelled = false;
  const request = (): void => {
    if (cancelled) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    task()
      .catch(() => {
        // The task reports its own failures; a failed run still lets the next one start.
      })
      .finally(() => {
        running = false;
        if (again) request();
      });
  };
  return {
    request,
    cancel: () => {
      cancelled = true;
    },
  };
}
