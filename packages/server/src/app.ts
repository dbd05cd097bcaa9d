// The HTTP application: routes, validation, auth, errors and the OpenAPI document, without
// listening (server.ts listens; tests listen on port 0).

import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { Type } from 'typebox';
import { createRequireScope } from './auth.js';
import { installContentEncodingGuard } from './content-encoding-guard.js';
import { builtDashboardDirectory, dashboardRoutes } from './dashboard-static.js';
import { answerError, installErrorHandling } from './error-handler.js';
import { createIngestService } from './ingest-service.js';
import { installJsonDepthGuard } from './json-depth-guard.js';
import { KeyRateLimiter } from './key-rate-limiter.js';
import { createRolloutQueue } from './learner/rollout-queue.js';
import { createNodeServer, type TlsCredentials } from './node-http-server.js';
import { tracesRoutes } from './otlp/index.js';
import { PACKAGE_VERSION } from './package-version.js';
import { redactedLogger } from './redacted-logging.js';
import { approvalsRoutes } from './routes/approvals-routes.js';
import { curriculumRoutes } from './routes/curriculum-routes.js';
import { deploymentsRoutes } from './routes/deployments-routes.js';
import { eventsRoutes } from './routes/events-routes.js';
import { exportRoutes } from './routes/export-routes.js';
import { feedbackRoutes } from './routes/feedback-routes.js';
import { fixProposalsRoutes } from './routes/fix-proposals-routes.js';
import { fixesRoutes } from './routes/fixes-routes.js';
import { functionsRoutes } from './routes/functions-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { keysRoutes } from './routes/keys-routes.js';
import { learningRoutes } from './routes/learning-routes.js';
import { overviewRoutes } from './routes/overview-routes.js';
import { patternCandidatesRoutes } from './routes/pattern-candidates-routes.js';
import { patternsRoutes } from './routes/patterns-routes.js';
import { rolloutsRoutes } from './routes/rollouts-routes.js';
import { BEARER_SECURITY, type RouteDeps } from './routes/route-deps.js';
import { sessionRoutes } from './routes/session-routes.js';
import { streamRoutes } from './routes/stream-routes.js';
import { errorResponses } from './schemas/error-schemas.js';
import { resolveLimits, type ServerLimits } from './server-limits.js';
import { releaseConnectionsOnClose } from './shutdown-connections.js';
import type { Storage } from './storage/storage.js';
import { closeConnectionsOfUnreadBodies } from './unread-body-connections.js';
import { createValidatorCompiler } from './validator-compiler.js';

export interface BuildAppOptions {
  storage: Storage;
  /** A pino logger (or any Fastify-compatible one), used with redacting serializers; no logging when absent. */
  logger?: FastifyBaseLogger;
  limits?: Partial<ServerLimits>;
  /** Randomness of the example reservoirs, in [0, 1); Math.random by default. */
  random?: () => number;
  /** Clock in epoch milliseconds (default timestamps, key last-use); Date.now by default. */
  now?: () => number;
  /** Folder of the built dashboard served at `/`; default: the @arc-agent/dashboard package's dist/. */
  dashboardRoot?: string | null;
  /** Serve HTTPS with this certificate and key (the session cookie is then Secure). */
  tls?: TlsCredentials;
  /**
   * Behind a reverse proxy: believe its X-Forwarded-Proto/-For/-Host (true: from any peer; or the
   * proxies' addresses and CIDR ranges), so a request that reached the proxy over HTTPS gets a
   * Secure session cookie. Off by default: a direct client could claim HTTPS.
   */
  trustProxy?: boolean | string[];
}

export type ArcApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export function buildApp(options: BuildAppOptions): ArcApp {
  const limits = resolveLimits(options.limits);
  const now = options.now ?? Date.now;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: redactedLogger(options.logger) } : { logger: false }),
    serverFactory: (handler) => createNodeServer(handler, limits, options.tls),
    // The factory makes the server; this only tells Fastify to report https:// addresses.
    ...(options.tls ? { https: true } : {}),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: limits.maxBodyBytes,
    // Ids have their own maxLength in the route schemas: a long one is a 400 naming the field,
    // not the router's undocumented 414.
    routerOptions: { maxParamLength: 4096 },
    // Free-form inputs may legitimately hold such keys (a captured attack, say); dropping them
    // keeps the batch instead of rejecting it, and keeps them away from code that merges objects.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    frameworkErrors: answerError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(createValidatorCompiler());
  documentRateLimits(app);
  // JSON only: anything else is 415 rather than a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('auth', null);
  installErrorHandling(app);
  installJsonDepthGuard(app);
  installContentEncodingGuard(app);
  releaseConnectionsOnClose(app);
  closeConnectionsOfUnreadBodies(app);

  app.register(swagger, {
    transform: documentDefaultsAsOptional,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Arc',
        version: PACKAGE_VERSION,
        description:
          'Failures of AI agents in, patterns and fixes out. All /v1 routes take `Authorization: Bearer <key>`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An Arc API key: `arc_` + 32 characters (16 to 128 for operator-chosen admin keys)',
          },
        },
      },
    },
  });

  const rateLimiter = new KeyRateLimiter({
    perSecond: limits.rateLimitPerSecond,
    burst: limits.rateLimitBurst,
    now,
  });
  const deps: RouteDeps = {
    storage: options.storage,
    limits,
    requireScope: createRequireScope(options.storage, { now, rateLimiter }),
    rateLimiter,
    ingest: createIngestService({
      storage: options.storage,
      failureReservoirSize: limits.failureReservoirSize,
      successReservoirSize: limits.successReservoirSize,
      maxPatternsPerFunction: limits.maxPatternsPerFunction,
      maxFunctionsPerProject: limits.maxFunctionsPerProject,
      random: options.random ?? Math.random,
      now,
    }),
  };

  app.register(healthRoutes, { storage: options.storage });
  for (const routes of [sessionRoutes, overviewRoutes, patternCandidatesRoutes, streamRoutes]) {
    app.register(routes, { ...deps, now, prefix: '/v1' });
  }
  app.register(dashboardRoutes, {
    root: options.dashboardRoot === undefined ? builtDashboardDirectory() : options.dashboardRoot,
  });
  for (const routes of [
    eventsRoutes,
    feedbackRoutes,
    tracesRoutes,
    patternsRoutes,
    functionsRoutes,
    keysRoutes,
    exportRoutes,
  ]) {
    app.register(routes, { ...deps, prefix: '/v1' });
  }
  // The learning loop (learner/): rollouts, deployed fixes, approvals (and fixes people propose),
  // deployments, learning, curriculum.
  const learningDeps = { ...deps, now, rollouts: createRolloutQueue(options.storage, now) };
  for (const routes of [
    rolloutsRoutes,
    fixesRoutes,
    approvalsRoutes,
    fixProposalsRoutes,
    deploymentsRoutes,
    learningRoutes,
    curriculumRoutes,
  ]) {
    app.register(routes, { ...learningDeps, prefix: '/v1' });
  }

  // In a plugin, so that it loads after swagger and is listed in the document it serves.
  app.register(async (meta) => {
    meta.get(
      '/openapi.json',
      {
        schema: {
          summary: 'This API, as OpenAPI 3.1',
          tags: ['meta'],
          response: { 200: Type.Record(Type.String(), Type.Unknown(), { description: 'OpenAPI document' }) },
        },
      },
      async () => app.swagger() as unknown as Record<string, unknown>,
    );
  });

  return app;
}

/** Every route behind a key may answer 429 (its rate limit): say so in each route's responses. */
function documentRateLimits(app: ArcApp): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { security?: unknown; response?: Record<string, unknown> } | undefined;
    if (schema?.security !== BEARER_SECURITY || schema.response === undefined) return;
    schema.response = { ...errorResponses(429), ...schema.response };
  });
}

/**
 * Query parameters with a default are filled in by validation, so clients may leave them out:
 * the OpenAPI document must say they are optional even though the handler's type has them.
 */
function documentDefaultsAsOptional({ schema, url }: { schema: unknown; url: string }) {
  const route = schema as {
    querystring?: { properties?: Record<string, { default?: unknown }>; required?: string[] };
  };
  const query = route?.querystring;
  if (!query?.required || !query.properties) return { schema: schema as never, url };
  const properties = query.properties;
  const required = query.required.filter((name) => properties[name]?.default === undefined);
  return { schema: { ...route, querystring: { ...query, required } } as never, url };
}
