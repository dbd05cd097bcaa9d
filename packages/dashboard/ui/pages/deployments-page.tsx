// Deployments: canaries with their treatment and control figures as calls come in, promoted fixes,
// and the history; admin keys can roll a live fix back.

import { useState } from 'preact/hooks';
import { errorText } from '../../src/api-error.js';
import type { Deployment } from '../../src/api-types.js';
import { type ArmFigures, canaryFigures } from '../../src/canary-figures.js';
import { ago, count, percent, points } from '../../src/format.js';
import { api } from '../api.js';
import { useApp } from '../app-context.js';
import { RiskBadge, StatusBadge } from '../components/badges.js';
import { FixView } from '../components/fix-view.js';
import { CardSection, RowSection } from '../components/item-sections.js';
import { PatternLink } from '../components/pattern-link.js';
import { SettledRow } from '../components/settled-row.js';
import { Loaded } from '../components/status-views.js';
import { listByStatus } from '../list-by-status.js';
import { useClock } from '../use-clock.js';
import { type PatternIndex, usePatternIndex } from '../use-pattern-index.js';
import { useResource } from '../use-resource.js';

/** Live fixes shown: the most one request to GET /v1/deployments answers. */
const LIVE_SHOWN = 500;
/** Rolled back and replaced fixes shown, newest first. */
const PAST_SHOWN = 50;

async function loadDeployments(): Promise<{ live: Deployment[]; past: Deployment[] }> {
  const [live, past] = await Promise.all([
    listByStatus<Deployment>('/v1/deployments', 'deployments', ['canary', 'promoted'], LIVE_SHOWN),
    listByStatus<Deployment>('/v1/deployments', 'deployments', ['rolled_back', 'superseded'], PAST_SHOWN),
  ]);
  return { live, past };
}

export function DeploymentsPage() {
  const { isAdmin } = useApp();
  const deployments = useResource(loadDeployments, [], {
    refreshOn: ['deployment.created', 'deployment.promoted', 'deployment.rolled_back', 'failures.ingested'],
    // Canary counters also grow with successful calls, which the stream does not announce.
    refreshEveryMs: 5_000,
  });
  const patterns = usePatternIndex(
    [...(deployments.data?.live ?? []), ...(deployments.data?.past ?? [])].map((d) => d.patternId),
  );
  const now = useClock();

  return (
    <>
      <h1>Deployments</h1>
      {!isAdmin && (
        <p class="note">You are signed in with a read-only key: rolling a fix back needs an admin key.</p>
      )}
      <Loaded resource={deployments} what="deployments">
        {({ live, past }) => {
          return (
            <>
              <CardSection
                title="Live"
                items={live}
                empty="No fix is live"
                emptyText="An approved fix starts here as a canary on a share of calls; it is promoted to every call or rolled back by the canary test."
                testId="live-deployments"
                render={(d) => (
                  <LiveDeployment
                    key={d.id}
                    deployment={d}
                    patterns={patterns}
                    onChanged={deployments.reload}
                  />
                )}
              />
              <RowSection
                title="History"
                items={past}
                empty="Nothing rolled back or replaced yet"
                testId="past-deployments"
                render={(d) => <PastDeployment key={d.id} now={now} deployment={d} patterns={patterns} />}
              />
            </>
          );
        }}
      </Loaded>
    </>
  );
}

function rate(value: number | null): string {
  return value === null ? '–' : percent(value);
}

function ArmRow({ name, arm }: { name: string; arm: ArmFigures }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td class="num">{count(arm.calls)}</td>
      <td class="num">{rate(arm.failureRate)}</td>
      <td class="num">{rate(arm.patternFailureRate)}</td>
    </tr>
  );
}

function PastDeployment({
  deployment: d,
  patterns,
  now,
}: {
  deployment: Deployment;
  patterns: PatternIndex;
  now: number;
}) {
  return (
    <SettledRow
      pattern={<PatternLink id={d.patternId} pattern={patterns.get(d.patternId)} />}
      fix={d.fix}
      note={d.reason}
      status={d.status}
      when={ago(d.decidedAt ?? d.createdAt, now)}
    />
  );
}

function LiveDeployment({
  deployment: d,
  patterns,
  onChanged,
}: {
  deployment: Deployment;
  patterns: PatternIndex;
  onChanged: () => void;
}) {
  const { isAdmin } = useApp();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const figures = canaryFigures(d);
  const now = useClock();

  const rollBack = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/v1/deployments/${encodeURIComponent(d.id)}/rollback`, {});
      onChanged();
    } catch (e) {
      setError(e);
      setBusy(false);
      setConfirming(false);
    }
  };

  const change = figures.failureRateChange;
  return (
    <li class="card deployment" data-testid="deployment">
      <div class="approval-head">
        <PatternLink id={d.patternId} pattern={patterns.get(d.patternId)} />
        <span class="row-side">
          <StatusBadge status={d.status} />
          <RiskBadge risk={d.risk} />
        </span>
      </div>
      <FixView fix={d.fix} detailed />
      <p class="muted small">
        {d.status === 'canary' ? `Canary on ${percent(d.canaryShare, 0)} of calls` : 'On every call'} ·
        version {d.version} · started {ago(d.createdAt, now)} ·{' '}
        {d.source === 'person'
          ? 'proposed by a person, not measured before the canary'
          : `${percent(d.confidence)} confident when approved`}
      </p>
      <div class="table-wrap">
        <table class="table compact" data-testid="canary-figures">
          <thead>
            <tr>
              <th>Arm</th>
              <th class="num">Calls</th>
              <th class="num">Failed</th>
              <th class="num" title="Failures of this deployment's own pattern">
                Pattern
              </th>
            </tr>
          </thead>
          <tbody>
            <ArmRow name="With fix" arm={figures.treatment} />
            <ArmRow name="Control" arm={figures.control} />
          </tbody>
        </table>
      </div>
      <p class="small">
        {change === null ? (
          <span class="muted">Figures appear as calls report in both arms.</span>
        ) : (
          <>
            Failure rate with the fix: <b class={change <= 0 ? 'tone-good' : 'tone-bad'}>{points(change)}</b>{' '}
            against control
            {figures.patternFailureRateChange !== null && (
              <span class="muted"> ({points(figures.patternFailureRateChange)} for this pattern)</span>
            )}
          </>
        )}
      </p>
      {isAdmin &&
        (confirming ? (
          <div class="actions">
            <span>Stop applying this fix on every agent?</span>
            <button type="button" class="button button-danger" disabled={busy} onClick={rollBack}>
              {busy ? 'Rolling back…' : 'Confirm roll back'}
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <div class="actions">
            <button type="button" class="button button-danger" onClick={() => setConfirming(true)}>
              Roll back
            </button>
          </div>
        ))}
      {error !== undefined && (
        <p class="form-error" role="alert">
          {errorText(error)}
        </p>
      )}
    </li>
  );
}
