// Small labels: failure categories, statuses, risk.

import { words } from '../../src/format.js';

export type Tone = 'good' | 'bad' | 'warn' | 'info' | 'neutral';

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: string }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function CategoryBadge({ category }: { category: string }) {
  return <span class="badge badge-category">{words(category)}</span>;
}

const STATUS_TONES: Record<string, Tone> = {
  pending: 'warn',
  approved: 'good',
  denied: 'bad',
  canary: 'info',
  promoted: 'good',
  rolled_back: 'bad',
  superseded: 'neutral',
  fixed: 'good',
  awaiting_approval: 'warn',
  learned: 'info',
  learning: 'info',
  waiting: 'neutral',
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <Badge tone={STATUS_TONES[status] ?? 'neutral'}>{label ?? words(status)}</Badge>;
}

/** `bare` where a label already says it is the risk. */
export function RiskBadge({ risk, bare = false }: { risk: string; bare?: boolean }) {
  return (
    <Badge tone={risk === 'low' ? 'good' : risk === 'medium' ? 'warn' : 'bad'}>
      {bare ? risk : `${risk} risk`}
    </Badge>
  );
}

/** Marks a function's overflow pattern, which counts the failures of patterns past the server's limit. */
export function OverflowBadge() {
  return (
    <span
      data-testid="overflow-badge"
      title="This function reached the server's limit of patterns: failures of further patterns are counted here"
    >
      <Badge tone="warn">overflow</Badge>
    </span>
  );
}
