// The dashboard's only way to the server: same-origin JSON requests, authenticated by the session
// cookie the browser sends by itself (HttpOnly: this code never sees the key after sign-in).

import { ApiError, type ErrorDetail } from '../src/api-error.js';

let onSignedOut: () => void = () => {};

/** Called when the server answers 401 to a request the signed-in dashboard made. */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, error instanceof Error ? error.message : String(error));
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page, say): the status says enough.
  }
  if (!response.ok) {
    const answer = (json ?? {}) as { error?: unknown; details?: unknown };
    const message =
      typeof answer.error === 'string' ? answer.error : `${response.status} ${response.statusText}`;
    const details = Array.isArray(answer.details) ? (answer.details as ErrorDetail[]) : [];
    if (response.status === 401 && !path.startsWith('/v1/session')) onSignedOut();
    throw new ApiError(response.status, message, details);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  delete: (path: string) => request<null>('DELETE', path),
};

/** A query string from the defined values: query({ a: 1, b: undefined }) → "?a=1". */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
