// An API answer that is not a success, and how it reads to a person.

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  readonly details: ErrorDetail[];

  constructor(status: number, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.details = details;
  }
}

/** The error in a sentence: what kind of problem it is, then what the server said. */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return `Something went wrong in the dashboard: ${error instanceof Error ? error.message : String(error)}`;
  }
  const said = [error.message, ...error.details.map((d) => `${d.path || 'request'} ${d.message}`)].join('; ');
  if (error.status === 0) return `Cannot reach the Arc server: ${error.message}`;
  if (error.status === 401) return `Not signed in: ${said}`;
  if (error.status === 403) return `Not allowed: ${said}`;
  if (error.status === 404) return `Not found: ${said}`;
  if (error.status === 409) return `Already changed: ${said}`;
  if (error.status >= 500) return `The server failed (${error.status}): ${said}`;
  return `The server refused the request (${error.status}): ${said}`;
}
