// Reading a server's answer without letting its size decide the agent's memory: at most a given
// number of bytes are read, and past them the body is cancelled (which drops the connection
// instead of draining it), so a 200 MB error page costs the host a few kilobytes. Nor its time:
// reading ends when the request's signal aborts, even where a fetch of the host's ignored it.

import { abortable } from './abortable.js';

export interface BoundedBody {
  /** The body's first bytes, at most the bound. */
  bytes: Uint8Array;
  /** False when the body was longer than the bound (declared so, or found so) and was cancelled. */
  complete: boolean;
}

const utf8 = new TextDecoder();

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Cancels what is left of a body, without waiting on a stream that never says it is done. */
function cancel(stream: { cancel(): Promise<void> }): void {
  stream.cancel().catch(() => undefined);
}

/** The body, unread: cancelled (which frees the connection at once). Never rejects or waits. */
export function discardBody(response: Response): void {
  try {
    if (response.body !== null) cancel(response.body);
  } catch {
    // A body already locked or a hostile stream: nothing more to free here.
  }
}

/**
 * Reads at most `maxBytes` of `response`'s body, cancelling the rest. Rejects only as reading the
 * body does (network), or with `signal`'s reason once it aborts.
 */
export async function readBoundedBody(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<BoundedBody> {
  const body = response.body;
  if (body === null) return { bytes: new Uint8Array(0), complete: true };
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    // Said to be too long up front: not one byte of it is read.
    cancel(body);
    return { bytes: new Uint8Array(0), complete: false };
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await abortable(reader.read(), signal);
      if (done) return { bytes: concat(chunks, length), complete: true };
      if (length + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - length));
        cancel(reader);
        return { bytes: concat(chunks, maxBytes), complete: false };
      }
      chunks.push(value);
      length += value.byteLength;
    }
  } catch (error) {
    cancel(reader);
    throw error;
  }
}

/** The body's first `maxBytes` as text (a character cut at the bound decodes as U+FFFD). */
export async function readBoundedText(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<string> {
  return utf8.decode((await readBoundedBody(response, maxBytes, signal)).bytes);
}

export type BoundedJson = { ok: true; value: unknown } | { ok: false; tooLarge: boolean; error: string };

/** The body as JSON when it is at most `maxBytes` long; past that it is refused, and read no further. */
export async function readBoundedJson(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<BoundedJson> {
  const { bytes, complete } = await readBoundedBody(response, maxBytes, signal);
  if (!complete) return { ok: false, tooLarge: true, error: `the answer is larger than ${maxBytes} bytes` };
  try {
    return { ok: true, value: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return { ok: false, tooLarge: false, error: 'the answer is not JSON' };
  }
}
