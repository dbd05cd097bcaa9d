// The Node server under Fastify, plain HTTP or HTTPS (--tls-cert/--tls-key), with every timeout
// set: Fastify leaves requestTimeout and connectionTimeout at 0 (none), so a client that sends
// half a body, or connects and says nothing, would hold a socket and a file descriptor forever.
// An event stream is exempt from the request timeout by nature (its request is a bodiless GET that
// completes at once) and stays out of the idle timeout by writing heartbeats.

import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ServerLimits } from './server-limits.js';

/** A certificate chain and its private key, PEM. */
export interface TlsCredentials {
  cert: string | Buffer;
  key: string | Buffer;
}

/** Fastify's default: longer than the 60 s idle timeouts of common load balancers. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;
/** Node's own default for the time to send the headers. */
const HEADERS_TIMEOUT_MS = 60_000;

type ConnectionLimits = Pick<ServerLimits, 'requestTimeoutMs' | 'connectionTimeoutMs' | 'maxConnections'>;

export function createNodeServer(
  handler: RequestListener,
  limits: ConnectionLimits,
  tls?: TlsCredentials,
): Server {
  const options = {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: Math.min(HEADERS_TIMEOUT_MS, limits.requestTimeoutMs),
    // Node looks for requests past their time at this interval (30 s by default, which would let a
    // short request timeout run up to 30 s late).
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.requestTimeoutMs / 4))),
  };
  // An HTTPS server is an HTTP server to everything Fastify uses (the request and reply objects,
  // the timeouts, listen and close); its sockets are TLS ones, so request.protocol is 'https'.
  const server = tls
    ? (createHttpsServer({ ...options, cert: tls.cert, key: tls.key }, handler) as unknown as Server)
    : createHttpServer(options, handler);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // A socket with nothing read or written for this long is destroyed (no 'timeout' listener).
  server.setTimeout(limits.connectionTimeoutMs);
  // Each connection holds a file descriptor and memory, and a client need not send a byte to hold one.
  server.maxConnections = limits.maxConnections;
  return server;
}
