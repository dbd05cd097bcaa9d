// Optional notification of approvers: pending approval requests are POSTed as JSON to a URL of the
// project's choosing (a chat webhook, a ticketing system). Best effort: a failed notification is
// reported, never retried, and never holds the learner up for longer than the timeout.

import type { ApprovalRecord } from '../storage/storage.js';

export interface ApprovalNotice {
  type: 'approvals.pending';
  projectId: string;
  approvals: {
    id: string;
    patternId: string;
    function: string;
    fixType: string;
    risk: string;
    /** `person`: proposed through the API, so confidence and improvement were not measured (0). */
    source: string;
    proposedBy: string | null;
    confidence: number;
    improvement: number;
    impact: Record<string, unknown>;
    createdAt: string;
  }[];
}

export function approvalNotice(projectId: string, approvals: readonly ApprovalRecord[]): ApprovalNotice {
  return {
    type: 'approvals.pending',
    projectId,
    approvals: approvals.map((a) => ({
      id: a.id,
      patternId: a.result.patternId,
      function: a.result.function,
      fixType: a.result.fix.type,
      risk: a.result.risk,
      source: a.result.source,
      proposedBy: a.result.proposedBy,
      confidence: a.result.confidence,
      improvement: a.result.improvement,
      impact: a.impact,
      createdAt: new Date(a.createdAt).toISOString(),
    })),
  };
}

/** POSTs the pending ones among `approvals`; rejects with the reason it could not. */
export async function notifyApprovers(
  url: string,
  projectId: string,
  approvals: readonly ApprovalRecord[],
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<void> {
  const pending = approvals.filter((a) => a.status === 'pending');
  if (pending.length === 0) return;
  const response = await (options.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(approvalNotice(projectId, pending)),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) throw new Error(`approval webhook ${url} answered HTTP ${response.status}`);
}
