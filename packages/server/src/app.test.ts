import SwaggerParser from '@apidevtools/swagger-parser';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { openTestStorages } from './storage/test-databases.js';
import { startTestServer, type TestServer } from './test-server.fixture.js';

const ROUTES = [
  ['get', '/healthz'],
  ['get', '/readyz'],
  ['get', '/openapi.json'],
  ['post', '/v1/events'],
  ['get', '/v1/patterns'],
  ['get', '/v1/patterns/{id}'],
  ['get', '/v1/functions'],
  ['post', '/v1/keys'],
  ['get', '/v1/keys'],
  ['delete', '/v1/keys/{id}'],
  ['get', '/v1/stream'],
  ['post', '/v1/session'],
  ['get', '/v1/session'],
  ['delete', '/v1/session'],
  ['get', '/v1/overview'],
  ['get', '/v1/patterns/{id}/candidates'],
  ['post', '/v1/patterns/{id}/fixes'],
] as const;

/** Sign-in and sign-out take no key header: the key is in the sign-in body, the session in a cookie. */
const WITHOUT_KEY = new Set(['post /v1/session', 'delete /v1/session']);

interface OpenApiDocument {
  openapi: string;
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<
    string,
    Record<string, { security?: unknown; responses: Record<string, { content?: object }> }>
  >;
}

describe.each(openTestStorages())('the app ($name)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(await backend.open());
  });
  afterAll(async () => {
    await server?.close();
    await backend.cleanup();
  });

  describe('GET /openapi.json', () => {
    let doc: OpenApiDocument;
    beforeAll(async () => {
      const response = await server.request('GET', '/openapi.json');
      expect(response.status).toBe(200);
      doc = response.body;
    });

    it('is a valid OpenAPI 3.1 document', async () => {
      expect(doc.openapi).toBe('3.1.0');
      await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    });

    it('lists every route the app serves, and nothing else', async () => {
      const app = buildApp({ storage: server.storage });
      const served: string[] = [];
      app.addHook('onRoute', (route) => {
        if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
        for (const method of [route.method].flat()) {
          if (method !== 'HEAD')
            served.push(`${method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
        }
      });
      await app.ready();
      try {
        const listed = Object.entries(doc.paths).flatMap(([path, item]) =>
          Object.keys(item).map((method) => `${method} ${path}`),
        );
        expect(listed.sort()).toEqual(served.sort());
        expect(listed).toEqual(expect.arrayContaining(ROUTES.map(([method, path]) => `${method} ${path}`)));
      } finally {
        await app.close();
      }
    });

    it('declares bearer auth on the /v1 routes', () => {
      expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
      for (const [method, path] of ROUTES) {
        const security = doc.paths[path]?.[method]?.security;
        if (WITHOUT_KEY.has(`${method} ${path}`)) expect(security, path).toEqual([]);
        else if (path.startsWith('/v1/')) expect(security, path).toEqual([{ bearerAuth: [] }]);
        else expect(security, path).toBeUndefined();
      }
    });

    it('has a response schema for the success and error statuses of each route', () => {
      for (const [method, path] of ROUTES) {
        const responses = doc.paths[path]?.[method]?.responses ?? {};
        const statuses = Object.keys(responses);
        expect(
          statuses.some((s) => s.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
        if (path.startsWith('/v1/'))
          expect(statuses, `${method} ${path}`).toEqual(
            expect.arrayContaining(WITHOUT_KEY.has(`${method} ${path}`) ? ['403'] : ['401', '403']),
          );
        if (method === 'post') expect(statuses, path).toEqual(expect.arrayContaining(['400', '413', '415']));
        for (const [status, response] of Object.entries(responses)) {
          if (status !== '204') expect(response.content, `${method} ${path} ${status}`).toBeDefined();
        }
      }
    });

    it('documents the pages of GET /v1/functions: limit (at most 200), cursor and nextCursor', () => {
      const operation = doc.paths['/v1/functions']?.get as unknown as {
        parameters: { name: string; in: string; schema: Record<string, unknown> }[];
        responses: { 200: { content: { 'application/json': { schema: { properties: object } } } } };
      };
      const parameters = Object.fromEntries(operation.parameters.map((p) => [p.name, p]));
      expect(parameters.limit).toMatchObject({ in: 'query', schema: { minimum: 1, maximum: 200 } });
      expect(parameters.cursor).toMatchObject({ in: 'query' });
      expect(operation.responses[200].content['application/json'].schema.properties).toHaveProperty(
        'nextCursor',
      );
    });
  });

  it('answers 404 JSON for unknown routes and methods', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nothing'],
      ['GET', '/nothing.html'],
      ['PUT', '/v1/events'],
      ['POST', '/v1/patterns'],
    ] as const) {
      const response = await server.request(method, path, { key: server.adminKey });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body).toEqual({ error: expect.any(String) });
    }
  });

  it('answers 400 in the error shape for a path that is not percent-encoded UTF-8', async () => {
    for (const path of ['/v1/patterns/%ED%A0%80', '/v1/keys/%FF']) {
      const response = await server.request(path.startsWith('/v1/keys') ? 'DELETE' : 'GET', path, {
        key: server.adminKey,
      });
      expect(response.status, path).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.body).toEqual({ error: expect.stringContaining(path) });
    }
  });

  it('never answers 5xx to anything a client sends, and stays up', async () => {
    const key = server.adminKey;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/events', '/v1/keys'),
        // 'binary' strings: any code point, U+0000 and unpaired surrogate halves included.
        fc.oneof(
          fc.jsonValue({ stringUnit: 'binary' }),
          fc.record({
            events: fc.array(
              fc.record(
                {
                  kind: fc.constantFrom('failure', 'success'),
                  function: fc.string({ unit: 'binary', minLength: 1 }),
                  error: fc.dictionary(
                    fc.constantFrom('type', 'message', 'stack', 'code'),
                    fc.string({ unit: 'binary' }),
                  ),
                  input: fc.jsonValue({ stringUnit: 'binary' }),
                  tags: fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })),
                },
                { requiredKeys: ['kind'] },
              ),
              { maxLength: 5 },
            ),
          }),
        ),
        async (path, body) => {
          const response = await server.request('POST', path, { key, body: JSON.stringify(body) });
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/patterns', '/v1/patterns/', '/v1/functions', '/v1/keys/'),
        fc.string({ unit: 'binary' }),
        async (path, tail) => {
          const suffix = path.endsWith('/') ? encodeURIComponent(tail) : `?${tail}`;
          const response = await server.request(
            path.startsWith('/v1/keys') ? 'DELETE' : 'GET',
            `${path}${suffix}`,
            { key },
          );
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    expect((await server.request('GET', '/healthz')).status).toBe(200);
  });
});
