// The wire shape of one call outcome, as `POST /v1/events` takes it (`{ events: ArcEvent[] }`).

export interface ArcEventError {
  type: string;
  message: string;
  stack?: string;
  status?: number;
  code?: string | number;
}

export interface ArcEvent {
  /** Generated per event so a batch retried after a timeout is stored once (server idempotency). */
  id: string;
  kind: 'failure' | 'success';
  function: string;
  agentId?: string;
  /** Epoch milliseconds. */
  timestamp: number;
  durationMs?: number;
  error?: ArcEventError;
  input?: unknown;
  output?: unknown;
  fixIds?: string[];
  attempt?: number;
  tags?: Record<string, string>;
  traceId?: string;
  /**
   * The JSON Schema the function declared for its output (track's `outputSchema`). Carried by a
   * function's first failure event and then at most once a minute, not by every event.
   */
  outputSchema?: Record<string, unknown>;
}
