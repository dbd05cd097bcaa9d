// Real local HTTP servers for the SDK's tests: what the SDK sends goes over a socket and is read
// back byte for byte, so nothing about the wire is assumed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export type TestHandler = (request: ReceivedRequest, response: ServerResponse) => unknown;

export async function startTestServer(handler: TestHandler): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      void handler(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL nobody listens on: a server is started to reserve a port, then closed. */
export async function closedPortUrl(): Promise<string> {
  const server = await startTestServer(() => undefined);
  await server.close();
  return server.url;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Events from every `POST /v1/events` the server received, in order. */
export function receivedEvents(server: TestServer): Record<string, unknown>[] {
  return server.requests
    .filter((r) => r.method === 'POST' && r.url === '/v1/events')
    .flatMap((r) => (JSON.parse(r.body) as { events: Record<string, unknown>[] }).events);
}

/** Verdicts from every `POST /v1/feedback` the server received, in order. */
export function receivedFeedback(server: TestServer): Record<string, unknown>[] {
  return server.requests
    .filter((r) => r.method === 'POST' && r.url === '/v1/feedback')
    .flatMap((r) => (JSON.parse(r.body) as { feedback: Record<string, unknown>[] }).feedback);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `check` holds, polling; fails the test after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/**
 * A stand-in for the Arc server's SDK-facing routes: `POST /v1/events` and `POST /v1/feedback`
 * answer 202, and `GET /v1/fixes?function=` serves `state.fixes` with an ETag that changes with
 * `state.version`.
 */
export async function startArcTestServer(state: {
  fixes: { function: string }[];
  version?: number;
}): Promise<TestServer> {
  return startTestServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (req.method === 'POST' && (url.pathname === '/v1/events' || url.pathname === '/v1/feedback')) {
      const body = JSON.parse(req.body) as { events?: unknown[]; feedback?: unknown[] };
      const count = (body.events ?? body.feedback ?? []).length;
      return json(res, 202, { accepted: count, duplicates: 0, patterns: [] });
    }
    if (req.method === 'GET' && url.pathname === '/v1/fixes') {
      const etag = `"v${state.version ?? 1}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        return res.end();
      }
      const fn = url.searchParams.get('function');
      return json(res, 200, { fixes: state.fixes.filter((f) => f.function === fn) }, { etag });
    }
    json(res, 404, { error: 'not found' });
  });
}

/** How far a huge answer got: bytes written before the client hung up, and whether all of them were. */
export interface HugeAnswer {
  written: number;
  finished: boolean;
  /** Resolves when the connection is gone (all written, or the client hung up). */
  closed: Promise<void>;
}

/**
 * Answers with `head` followed by filler up to `totalBytes`, chunked (no Content-Length, so only
 * reading tells the client how long it is), written only as fast as the client reads: a client
 * that stops reading and hangs up stops the writes, and `finished` stays false.
 */
export function writeHugeAnswer(
  res: ServerResponse,
  status: number,
  head: string,
  totalBytes: number,
  filler = 'x',
): HugeAnswer {
  const answer: HugeAnswer = {
    written: 0,
    finished: false,
    closed: new Promise((resolve) => res.on('close', () => resolve())),
  };
  res.writeHead(status, { 'content-type': 'application/json' });
  res.write(head);
  answer.written = Buffer.byteLength(head);
  const chunk = Buffer.alloc(64 * 1024, filler);
  const pump = () => {
    while (answer.written < totalBytes) {
      if (res.destroyed) return;
      answer.written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    answer.finished = true;
    res.end();
  };
  pump();
  return answer;
}
