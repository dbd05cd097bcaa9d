// An error a handler throws on purpose: it carries the status and the JSON body the client gets.

export interface ErrorDetail {
  /** JSON Pointer into the request part that is wrong, e.g. `/events/3/function`. */
  path: string;
  message: string;
}

export class HttpError extends Error {
  readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    message: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}
