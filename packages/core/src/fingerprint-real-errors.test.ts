import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FailureFingerprint, fingerprintFailure } from './fingerprint-failure.js';

/*
 * Errors produced for real in the test process (V8's JSON.parse, zod, undici's fetch, AbortSignal,
 * a local HTTP API), turned into failures the way an agent SDK would report them, and fingerprinted.
 */

type CaughtError = Error & { code?: unknown; status?: unknown; cause?: unknown };

/** What an agent would report for a thrown error: its name, message (with the cause's), code, status. */
function fingerprintThrown(fn: string, error: unknown, input?: unknown): FailureFingerprint {
  const e = error as CaughtError;
  const cause = e.cause instanceof Error ? (e.cause as CaughtError) : undefined;
  const code = [e.code, cause?.code].find((c): c is string => typeof c === 'string');
  return fingerprintFailure({
    function: fn,
    errorType: e.name,
    message: cause === undefined ? e.message : `${e.message}: ${cause.message}`,
    code,
    status: typeof e.status === 'number' ? e.status : undefined,
    stack: e.stack,
    input,
  });
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

async function rejected(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

/** A port nothing listens on: bound by a throwaway server, then released. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An id shaped like OpenAI's: `org-` and 24 letters and digits. */
const openAiOrgId = () =>
  `org-${randomBytes(24)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 24)}`;

describe('real errors', () => {
  it('JSON.parse on bad model output', () => {
    const comma = [
      thrown(() => JSON.parse('{"city": "Paris", "temp": 21,}')),
      thrown(() => JSON.parse('{"city": "Ouagadougou", "temp": 35.5, "wind": 12,}')),
    ].map((e) => fingerprintThrown('parseWeather', e));
    expect(comma.map((f) => f.category)).toEqual(['parsing_error', 'parsing_error']);
    expect(comma[0]!.patternId).toBe(comma[1]!.patternId);

    const prose = [
      thrown(() => JSON.parse('Sure! Here is the JSON you asked for: {"a": 1}')),
      thrown(() => JSON.parse('I cannot share the forecast for 2024-03-11, sorry.')),
    ].map((e) => fingerprintThrown('parseWeather', e));
    expect(prose[0]!.patternId).toBe(prose[1]!.patternId);
    expect(prose[0]!.patternId).not.toBe(comma[0]!.patternId);
  });

  it('a zod parse failure', () => {
    const Payment = z.object({ amount: z.number().positive(), currency: z.string().length(3) });
    const inputs = [
      { amount: -5, currency: 'usd', note: 'order 4411' },
      { amount: -120.5, currency: 'eur', note: 'order 17', extra: true },
    ];
    const fps = inputs.map((input) =>
      fingerprintThrown(
        'createPayment',
        thrown(() => Payment.parse(input)),
        input,
      ),
    );
    expect(fps.map((f) => f.category)).toEqual(['validation', 'validation']);
    expect(fps[0]!.patternId).toBe(fps[1]!.patternId);
    expect(fps[0]!.normalizedMessage).toContain('"amount"');
    // A different field failing is a different pattern.
    const other = fingerprintThrown(
      'createPayment',
      thrown(() => Payment.parse({ amount: 5, currency: 'dollars' })),
    );
    expect(other.patternId).not.toBe(fps[0]!.patternId);
  });

  it('fetch to a closed port', async () => {
    const ports = [await closedPort(), await closedPort()];
    const fps = await Promise.all(
      ports.map(async (port) =>
        fingerprintThrown('fetchPage', await rejected(fetch(`http://127.0.0.1:${port}/v1/items/4411`))),
      ),
    );
    expect(fps[0]!.signature.code).toBe('ECONNREFUSED');
    expect(fps[0]!.normalizedMessage).toBe('fetch failed: connect ECONNREFUSED <ip>');
    expect(fps.map((f) => f.category)).toEqual(['network', 'network']);
    expect(fps[0]!.patternId).toBe(fps[1]!.patternId);
  });

  describe('a local server that never answers', () => {
    const silent = createServer(() => {
      // Holds every request open: the client's deadline is the only way out.
    });
    let port = 0;
    beforeAll(async () => {
      port = await listen(silent);
    });
    afterAll(() => {
      silent.closeAllConnections();
      silent.close();
    });

    it('fetch with AbortSignal.timeout', async () => {
      const calls = [
        { url: `http://127.0.0.1:${port}/search?q=weather`, timeoutMs: 30 },
        { url: `http://127.0.0.1:${port}/search?q=news&page=2`, timeoutMs: 55 },
      ];
      const fps = await Promise.all(
        calls.map(async (input) =>
          fingerprintThrown(
            'searchWeb',
            await rejected(fetch(input.url, { signal: AbortSignal.timeout(input.timeoutMs) })),
            input,
          ),
        ),
      );
      expect(fps[0]!.signature.errorType).toBe('TimeoutError');
      expect(fps.map((f) => f.category)).toEqual(['timeout', 'timeout']);
      expect(fps[0]!.patternId).toBe(fps[1]!.patternId);
    });
  });

  describe('a local API answering 401, 422 and 429', () => {
    let served = 0;
    const api = createServer((req: IncomingMessage, res: ServerResponse) => {
      served++;
      const requestId = `req_${randomBytes(12).toString('hex')}`;
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId });
        res.end(JSON.stringify(body));
      };
      if (req.url?.startsWith('/401')) {
        reply(401, {
          error: {
            message: `Incorrect API key provided: sk-test-${'*'.repeat(20)}${randomBytes(2).toString('hex')}. Request id: ${requestId}.`,
            code: 'invalid_api_key',
          },
        });
      } else if (req.url?.startsWith('/422')) {
        reply(422, {
          detail: [
            {
              type: 'missing',
              loc: ['body', 'amount'],
              msg: 'Field required',
              input: { currency: served % 2 ? 'usd' : 'eur', note: `order ${served * 37}` },
            },
          ],
        });
      } else {
        reply(429, {
          error: {
            message: `Rate limit reached for gpt-4o in organization ${openAiOrgId()} on tokens per min (TPM): Limit 30000, Used ${29000 + served}, Requested ${1500 + served * 7}. Please try again in ${served * 120}ms.`,
            code: 'rate_limit_exceeded',
          },
        });
      }
    });
    let base = '';
    beforeAll(async () => {
      base = `http://127.0.0.1:${await listen(api)}`;
    });
    afterAll(() => {
      api.closeAllConnections();
      api.close();
    });

    /** What an API client does with an error response: status plus the body's message. */
    async function callApi(path: string): Promise<unknown> {
      const res = await fetch(`${base}${path}`, { method: 'POST' });
      const body = (await res.json()) as { error?: { message?: string; code?: string } };
      if (res.ok) return body;
      throw Object.assign(new Error(`${res.status} ${body.error?.message ?? JSON.stringify(body)}`), {
        name: 'APIError',
        status: res.status,
        code: body.error?.code,
      });
    }

    it.each([
      ['/401', 'auth_failure'],
      ['/422', 'validation'],
      ['/429', 'rate_limit'],
    ])('%s', async (path, category) => {
      const fps = [
        fingerprintThrown('callModel', await rejected(callApi(path))),
        fingerprintThrown('callModel', await rejected(callApi(`${path}?attempt=2`))),
      ];
      expect(fps.map((f) => f.category)).toEqual([category, category]);
      expect(fps[0]!.patternId).toBe(fps[1]!.patternId);
    });

    it('keeps the three statuses apart', async () => {
      const ids = await Promise.all(
        ['/401', '/422', '/429'].map(
          async (path) => fingerprintThrown('callModel', await rejected(callApi(path))).patternId,
        ),
      );
      expect(new Set(ids).size).toBe(3);
    });
  });
});
