// What the route plugins are handed by buildApp.

import type { RequireScope } from '../auth.js';
import type { IngestService } from '../ingest-service.js';
import type { KeyRateLimiter } from '../key-rate-limiter.js';
import type { ServerLimits } from '../server-limits.js';
import type { Storage } from '../storage/storage.js';

export interface RouteDeps {
  storage: Storage;
  requireScope: RequireScope;
  /** The requests each key may make; requireScope takes from it, and so does a sign-in. */
  rateLimiter: KeyRateLimiter;
  limits: ServerLimits;
  ingest: IngestService;
}

/** RouteDeps and the app's clock (epoch milliseconds). */
export interface ClockedRouteDeps extends RouteDeps {
  now: () => number;
}

/** OpenAPI security requirement of every /v1 route. */
export const BEARER_SECURITY = [{ bearerAuth: [] }];

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoTimeOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}
