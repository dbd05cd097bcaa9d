// Questions Arc asks of the host's values (results, thrown values, validators' answers), answered
// without letting the value throw: a throwing getter or a hostile or revoked Proxy gets "no", and
// is handed on as it is.

/** Whether `value` is a promise or another thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/** `value instanceof type`, false when asking throws. */
export function isInstanceOf<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** What a thrown value says: an error's message (and its cause's), else its text; never throws. */
export function thrownText(error: unknown): string {
  try {
    if (!(error instanceof Error)) return String(error);
    const cause: unknown = error.cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  } catch {
    return 'a value that cannot be read';
  }
}
