// Raw TCP clients for tests that need what fetch cannot do: send half a request and stop, or stop
// reading. They record what the server answered and when it closed the connection.

import { connect, type Socket } from 'node:net';

export interface RawClient {
  socket: Socket;
  /** Everything the server has sent so far, as text. */
  received(): string;
  /** Resolves when the connection has closed (by the server, here: the tests never close it). */
  closed: Promise<void>;
}

/** Connects and writes `text` (nothing when empty), then leaves the connection as it is. */
export function rawRequest(url: string, text: string): RawClient {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A reset counts as closed too; the tests look at what arrived before it.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  if (text !== '') socket.write(text);
  return { socket, received: () => Buffer.concat(chunks).toString('utf8'), closed };
}

/** A POST /v1/events that declares a 1,000-byte JSON body and sends only its first bytes. */
export function halfSentEvents(url: string, key: string | null): RawClient {
  const { host } = new URL(url);
  const head = [
    'POST /v1/events HTTP/1.1',
    `host: ${host}`,
    'content-type: application/json',
    'content-length: 1000',
    ...(key === null ? [] : [`authorization: Bearer ${key}`]),
  ];
  return rawRequest(url, `${head.join('\r\n')}\r\n\r\n{"events":[`);
}
