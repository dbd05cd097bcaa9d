// Approvals: learned fixes waiting for a person, with their impact assessment; admin keys approve
// (the fix starts as a canary) or deny. Read-only keys see the queue without the buttons, and the
// server refuses their decisions anyway.

import { useState } from 'preact/hooks';
import { errorText } from '../../src/api-error.js';
import type { Approval, Deployment } from '../../src/api-types.js';
import { ago, count, percent, points, words } from '../../src/format.js';
import { api } from '../api.js';
import { useApp } from '../app-context.js';
import { Badge, RiskBadge, type Tone } from '../components/badges.js';
import { FixView } from '../components/fix-view.js';
import { CardSection, RowSection } from '../components/item-sections.js';
import { PatternLink } from '../components/pattern-link.js';
import { SettledRow } from '../components/settled-row.js';
import { Loaded } from '../components/status-views.js';
import { listByStatus } from '../list-by-status.js';
import { useClock } from '../use-clock.js';
import { type PatternIndex, usePatternIndex } from '../use-pattern-index.js';
import { useResource } from '../use-resource.js';

/** Decided requests shown, newest first. */
const DECIDED_SHOWN = 30;
/** Pending requests shown: the most one request to GET /v1/approvals answers. */
const PENDING_SHOWN = 500;

async function loadApprovals(): Promise<{ pending: Approval[]; decided: Approval[] }> {
  const [pending, decided] = await Promise.all([
    listByStatus<Approval>('/v1/approvals', 'approvals', ['pending'], PENDING_SHOWN),
    listByStatus<Approval>('/v1/approvals', 'approvals', ['approved', 'denied'], DECIDED_SHOWN),
  ]);
  return { pending, decided };
}

const SEVERITY_TONES: Record<string, Tone> = { low: 'neutral', medium: 'warn', high: 'bad', critical: 'bad' };

export function ApprovalsPage() {
  const { isAdmin } = useApp();
  const approvals = useResource(loadApprovals, [], {
    refreshOn: ['approval.created', 'approval.approved', 'approval.denied'],
  });
  const patterns = usePatternIndex(
    [...(approvals.data?.pending ?? []), ...(approvals.data?.decided ?? [])].map((a) => a.result.patternId),
  );
  const now = useClock();

  return (
    <>
      <h1>Approvals</h1>
      {!isAdmin && (
        <p class="note" data-testid="read-only-note">
          You are signed in with a read-only key: you can see the queue, but approving or denying a fix needs
          an admin key.
        </p>
      )}
      <Loaded resource={approvals} what="approvals">
        {({ pending, decided }) => (
          <>
            <CardSection
              title="Waiting for a decision"
              items={pending}
              empty="Nothing to approve"
              emptyText="Fixes that are not safe to deploy on their own (below the auto-approval confidence or success rate, or riskier than allowed) wait here."
              testId="pending-approvals"
              render={(a) => (
                <PendingApproval key={a.id} approval={a} patterns={patterns} onDecided={approvals.reload} />
              )}
            />
            <RowSection
              title="Decided"
              items={decided}
              empty="No decisions yet"
              testId="decided-approvals"
              render={(a) => <DecidedApproval key={a.id} now={now} approval={a} patterns={patterns} />}
            />
          </>
        )}
      </Loaded>
    </>
  );
}

function DecidedApproval({
  approval: a,
  patterns,
  now,
}: {
  approval: Approval;
  patterns: PatternIndex;
  now: number;
}) {
  return (
    <SettledRow
      pattern={<PatternLink id={a.result.patternId} pattern={patterns.get(a.result.patternId)} />}
      fix={a.result.fix}
      status={a.status}
      when={
        <>
          {a.decidedByKeyId === null ? 'automatically' : `by ${a.decidedBy ?? 'unknown'}`}{' '}
          {a.decidedAt ? ago(a.decidedAt, now) : ''}
        </>
      }
    />
  );
}

function PendingApproval({
  approval,
  patterns,
  onDecided,
}: {
  approval: Approval;
  patterns: PatternIndex;
  onDecided: () => void;
}) {
  const { isAdmin } = useApp();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const { result, impact } = approval;
  const proposed = result.source === 'person';
  const now = useClock();

  const decide = async (verb: 'approve' | 'deny') => {
    setBusy(true);
    setOutcome(null);
    try {
      const answer = await api.post<{ approval: Approval; deployment: Deployment | null }>(
        `/v1/approvals/${encodeURIComponent(approval.id)}/${verb}`,
        comment.trim() === '' ? {} : { comment: comment.trim() },
      );
      setOutcome({
        ok: true,
        text:
          verb === 'deny'
            ? 'Denied: the fix will not be deployed.'
            : answer.deployment
              ? `Approved: canary started on ${percent(answer.deployment.canaryShare, 0)} of calls.`
              : 'Approved: the same fix is already live.',
      });
      onDecided();
    } catch (error) {
      setOutcome({ ok: false, text: errorText(error) });
      setBusy(false);
    }
  };

  return (
    <li class="card approval" data-testid="approval">
      <div class="approval-head">
        <PatternLink id={result.patternId} pattern={patterns.get(result.patternId)} />
        <span class="muted">
          {proposed ? `proposed by ${result.proposedBy ?? 'a person'}` : 'requested'}{' '}
          {ago(approval.createdAt, now)}
        </span>
      </div>
      <FixView fix={result.fix} detailed />
      {result.rationale !== '' && <p class="muted small">{result.rationale}</p>}
      {proposed ? (
        <p class="small" data-testid="not-measured">
          <span class="strong">Not measured.</span> A person proposed this fix: no rollouts judged it, so
          there is no expected gain or confidence. Once approved, the canary test decides whether it stays.
        </p>
      ) : (
        <dl class="figures">
          <div title="Posterior mean success rate on failing inputs, minus today's">
            <dt>Expected gain</dt>
            <dd class="tone-good">{points(result.improvement)}</dd>
          </div>
          <div>
            <dt>Success rate</dt>
            <dd>
              {percent(result.successRate)}{' '}
              <span class="muted">vs {percent(result.incumbentSuccessRate)} today</span>
            </dd>
          </div>
          <div>
            <dt>Confidence</dt>
            <dd>{percent(result.confidence)}</dd>
          </div>
          <div>
            <dt>Evidence</dt>
            <dd>
              {result.trials} rollouts, {result.examples} inputs
            </dd>
          </div>
        </dl>
      )}
      <h3>Impact</h3>
      <dl class="figures" data-testid="impact">
        <div>
          <dt>Severity</dt>
          <dd>
            <Badge tone={SEVERITY_TONES[impact.severity ?? ''] ?? 'neutral'}>
              {impact.severity ?? 'unknown'}
            </Badge>
          </dd>
        </div>
        <div>
          <dt>Agents affected</dt>
          <dd>{impact.agentsAffected ?? '–'}</dd>
        </div>
        <div>
          <dt>Failures per day</dt>
          <dd>{impact.failuresPerDay === undefined ? '–' : count(impact.failuresPerDay)}</dd>
        </div>
        <div>
          <dt>Would prevent per day</dt>
          <dd>
            {impact.failuresPerDayPrevented === undefined
              ? '–'
              : impact.failuresPerDayPrevented === null
                ? 'not measured'
                : count(impact.failuresPerDayPrevented)}
          </dd>
        </div>
        <div>
          <dt>Risk</dt>
          <dd>
            <RiskBadge risk={impact.riskLevel ?? result.risk} bare />
          </dd>
        </div>
      </dl>
      {impact.reasons !== undefined && impact.reasons.length > 0 && (
        <p class="small">
          <span class="muted">Why it waits for you:</span> {impact.reasons.map(words).join('; ')}
        </p>
      )}
      {isAdmin && (
        <div class="actions">
          <input
            type="text"
            class="comment"
            placeholder="Comment for the audit log (optional)"
            aria-label="Comment"
            maxLength={2000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
          <button
            type="button"
            class="button button-primary"
            disabled={busy}
            onClick={() => decide('approve')}
          >
            Approve
          </button>
          <button type="button" class="button button-danger" disabled={busy} onClick={() => decide('deny')}>
            Deny
          </button>
        </div>
      )}
      {outcome !== null && (
        <p class={outcome.ok ? 'form-ok' : 'form-error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
    </li>
  );
}
