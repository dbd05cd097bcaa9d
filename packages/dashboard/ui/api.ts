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
  let text: string;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // Read here too: a connection dropped during the body is a connection dropped.
    text = await response.text();
  } catch (error) {
    throw new ApiError(0, error instanceof Error ? error.message : String(error));
  }
  let json: unknown = null;
  let isJson = true;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    isJson = false;
  }
  // A success that is not JSON (a proxy's or another server's page) has none of what was asked for.
  if (response.ok && !isJson) {
    throw new Error(`${method} ${path} answered ${response.status} with something that is not JSON`);
  }
  if (!response.ok) {
    // Not JSON (a proxy's error page, say): the status says enough.
    const answer = (json ?? {}) as { error?: unknown; details?: unknown };
    const message =
      typeof answer.error === 'string' ? answer.error : `${response.status} ${response.statusText}`;
    const details = Array.isArray(answer.details) ? answer.details.filter(isErrorDetail) : [];
    if (response.status === 401 && !path.startsWith('/v1/session')) onSignedOut();
    throw new ApiError(response.status, message, details);
  }
  return json as T;
}

function isErrorDetail(value: unknown): value is ErrorDetail {
  const detail = value as Partial<ErrorDetail> | null;
  return typeof detail?.path === 'string' && typeof detail.message === 'string';
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
