// Test harness: the real app on a real port (127.0.0.1, port 0), spoken to with real fetch.
import { request as httpRequest } from 'node:http';

import { issueApiKey } from './api-keys.js';
import { type BuildAppOptions, buildApp } from './app.js';
import type { Scope, Storage } from './storage/storage.js';

export interface TestResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON, or null when empty. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field; checking their shape is what the tests do
  body: any;
}

export interface RequestOptions {
  key?: string;
  /** Sent as JSON unless a string (sent as is). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestServer {
  url: string;
  storage: Storage;
  projectId: string;
  adminKey: string;
  /** A new key in the given project (default: the main test project). */
  key(scopes: Scope[], projectName?: string): Promise<string>;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export async function startTestServer(
  storage: Storage,
  options: Omit<BuildAppOptions, 'storage'> = {},
): Promise<TestServer> {
  const project = await storage.ensureProject('test');
  const app = buildApp({ storage, ...options });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const key = async (scopes: Scope[], projectName = 'test') => {
    const { id } = await storage.ensureProject(projectName);
    return (await issueApiKey(storage, id, `test ${scopes.join(',')}`, scopes)).key;
  };
  return {
    url,
    storage,
    projectId: project.id,
    adminKey: await key(['admin']),
    key,
    async request(method, path, { key: bearer, body, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (bearer !== undefined) (init.headers as Record<string, string>).authorization = `Bearer ${bearer}`;
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${url}${path}`, init);
      const text = await response.text();
      let parsed: unknown = text === '' ? null : text;
      if ((response.headers.get('content-type') ?? '').startsWith('application/json'))
        parsed = JSON.parse(text);
      return { status: response.status, headers: response.headers, body: parsed };
    },
    close: () => app.close(),
  };
}

// Generous: under a loaded 2-core CI machine a step can take seconds; this bounds a hang, it times nothing.
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A JSON POST whose headers and first half of body go out now; finish() sends the rest and
 * resolves with the status. For requests that must be in flight while something else happens.
 */
export function slowPost(url: string, key: string, body: unknown): { finish(): Promise<number> } {
  const bytes = Buffer.from(JSON.stringify(body));
  const req = httpRequest(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'content-length': bytes.length,
    },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write(bytes.subarray(0, bytes.length >> 1));
  return {
    finish() {
      req.end(bytes.subarray(bytes.length >> 1));
      return status;
    },
  };
}
