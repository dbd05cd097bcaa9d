// The wire shape of one verdict on a call, as `POST /v1/feedback` takes it (`{ feedback: ArcFeedback[] }`).

export interface ArcFeedback {
  /** Generated per verdict so a batch retried after a timeout is stored once (server idempotency). */
  id: string;
  callId: string;
  function: string;
  /** In [0, 1]; below `threshold` the call was a wrong answer. */
  score: number;
  threshold: number;
  label?: string;
  message?: string;
  /** The call's input and output: always with a wrong answer (rollouts replay it), with a right one when sampled. */
  input?: unknown;
  output?: unknown;
  /** When the judged call began, epoch milliseconds. */
  timestamp: number;
  agentId?: string;
  /** The call's tags and fixes, canary arm included, so the verdict counts where the call did. */
  tags?: Record<string, string>;
  fixIds?: string[];
}
