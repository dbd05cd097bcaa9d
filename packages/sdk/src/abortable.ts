/**
 * `promise`, or a rejection with the signal's reason once `signal` aborts: a `fetch` given by the
 * host that ignores its signal still ends at Arc's timeout instead of holding a poll, a send or a
 * worker's stop forever. The promise itself is left to settle (or not) unobserved.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
