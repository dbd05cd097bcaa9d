// One pattern: its normalized message and signature, the candidate fixes the learner is judging
// with their success posteriors, the fixes learned for it, its deployment history, and examples of
// its failing calls (redacted by the server before they were stored).

import { useState } from 'preact/hooks';
import type {
  CandidateList,
  Deployment,
  Example,
  LearningResult,
  PatternDetail,
} from '../../src/api-types.js';
import { ago, count, percent, points, shortId, words } from '../../src/format.js';
import { api } from '../api.js';
import { CategoryBadge, OverflowBadge, RiskBadge, StatusBadge } from '../components/badges.js';
import { FixView } from '../components/fix-view.js';
import { JsonBlock } from '../components/json-block.js';
import { SettledRow } from '../components/settled-row.js';
import { Empty, Loaded } from '../components/status-views.js';
import { useClock } from '../use-clock.js';
import { useResource } from '../use-resource.js';

const LOOP_EVENTS = [
  'learner.step',
  'learning.result',
  'approval.approved',
  'deployment.created',
  'deployment.promoted',
  'deployment.rolled_back',
];

export function PatternPage({ id }: { id: string }) {
  const path = `/v1/patterns/${encodeURIComponent(id)}`;
  const pattern = useResource(() => api.get<PatternDetail>(path), [id], { refreshOn: ['failures.ingested'] });
  const candidates = useResource(() => api.get<CandidateList>(`${path}/candidates`), [id], {
    refreshOn: ['learner.step'],
  });
  const results = useResource(
    () =>
      api.get<{ results: LearningResult[] }>(
        `/v1/learning/results?patternId=${encodeURIComponent(id)}&limit=50`,
      ),
    [id],
    { refreshOn: ['learning.result'] },
  );
  const deployments = useResource(
    async () => {
      const fn = pattern.data?.function;
      if (fn === undefined) return [];
      const { deployments: list } = await api.get<{ deployments: Deployment[] }>(
        `/v1/deployments?function=${encodeURIComponent(fn)}&limit=500`,
      );
      return list.filter((d) => d.patternId === id);
    },
    [id, pattern.data?.function],
    { refreshOn: LOOP_EVENTS, refreshEveryMs: 10_000 },
  );
  const now = useClock();

  return (
    <>
      <p class="crumbs">
        <a href="#/patterns">← Patterns</a>
      </p>
      <Loaded resource={pattern} what="the pattern">
        {(p) => (
          <>
            <h1 class="pattern-title">
              <code data-testid="pattern-message">{p.normalizedMessage}</code>
            </h1>
            <div class="facts">
              <CategoryBadge category={p.category} />
              <span>
                function <b class="fn">{p.function}</b>
              </span>
              <span>
                error <b>{p.errorType}</b>
              </span>
              <span>
                <b>{count(p.occurrences)}</b> occurrences
              </span>
              <span>first seen {ago(p.firstSeen, now)}</span>
              <span>last seen {ago(p.lastSeen, now)}</span>
              <span class="muted mono" title={p.id}>
                {shortId(p.id, 16)}
              </span>
            </div>
            {p.overflow && (
              <p class="note" data-testid="overflow-note">
                <OverflowBadge /> <b class="fn">{p.function}</b> reached the server's limit of patterns per
                function: the failures of its further patterns are counted here ({count(p.occurrences)} so
                far), not grouped or learned from.
              </p>
            )}
          </>
        )}
      </Loaded>

      <section class="card">
        <h2>Candidate fixes</h2>
        <Loaded resource={candidates} what="candidate fixes">
          {(c) => <Candidates list={c} />}
        </Loaded>
      </section>

      <section class="card">
        <h2>Fixes learned</h2>
        <Loaded resource={results} what="learning results">
          {({ results: list }) =>
            list.length === 0 ? (
              <Empty title="None yet">
                A learning result appears when a candidate beats the incumbent with confidence.
              </Empty>
            ) : (
              <ul class="rows">
                {list.map((r) => (
                  <li key={r.id} class="row">
                    <div class="row-main">
                      <FixView fix={r.fix} detailed />
                      <p class="muted small">{r.rationale}</p>
                    </div>
                    <div class="row-side">
                      <span class="tone-good strong">{points(r.improvement)}</span>
                      <span class="muted">
                        {percent(r.successRate)} vs {percent(r.incumbentSuccessRate)}
                      </span>
                      <span class="muted">{percent(r.confidence)} sure</span>
                      <RiskBadge risk={r.risk} />
                      <span class="muted">step {r.step}</span>
                    </div>
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>

      <section class="card">
        <h2>Deployment history</h2>
        <Loaded resource={deployments} what="deployments">
          {(list) =>
            list.length === 0 ? (
              <Empty title="Never deployed">Approved fixes start as canaries on a share of calls.</Empty>
            ) : (
              <ul class="rows" data-testid="pattern-deployments">
                {list.map((d) => (
                  <SettledRow
                    key={d.id}
                    fix={d.fix}
                    note={
                      <>
                        version {d.version} · canary share {percent(d.canaryShare, 0)} · {d.treatment.trials}{' '}
                        treated calls
                        {d.reason ? ` · ${d.reason}` : ''}
                      </>
                    }
                    status={d.status}
                    when={ago(d.decidedAt ?? d.createdAt, now)}
                  />
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>

      <Loaded resource={pattern} what="examples">
        {(p) => (
          <section class="card">
            <h2>Examples of failing calls</h2>
            <p class="muted small">Secrets and personal data were redacted by the server before storage.</p>
            {p.examples.length === 0 ? (
              <Empty title="No examples kept">This pattern's failures came without replayable inputs.</Empty>
            ) : (
              <Examples examples={p.examples} now={now} />
            )}
            <details>
              <summary>Signature</summary>
              <JsonBlock label="signature" value={p.signature} />
            </details>
          </section>
        )}
      </Loaded>
    </>
  );
}

const EXAMPLES_SHOWN = 5;

function Examples({ examples, now }: { examples: Example[]; now: number }) {
  const [all, setAll] = useState(false);
  const newest = [...examples].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  return (
    <>
      <ul class="examples" data-testid="examples">
        {(all ? newest : newest.slice(0, EXAMPLES_SHOWN)).map((e, i) => (
          <li key={e.eventId} class="example">
            <p>
              <b>{e.error?.type ?? 'Error'}</b>: {e.error?.message ?? '(no message)'}{' '}
              <span class="muted">
                · {ago(e.timestamp, now)}
                {e.agentId ? ` · agent ${e.agentId}` : ''}
                {e.traceId && (
                  <>
                    {' · trace '}
                    <code
                      data-testid="example-trace"
                      title="Trace id: look the call up in your tracing backend"
                    >
                      {e.traceId}
                    </code>
                  </>
                )}
              </span>
            </p>
            <details open={i === 0}>
              <summary>Input and output</summary>
              <div class="columns">
                <JsonBlock label="input" value={e.input} />
                <JsonBlock label="output" value={e.output} />
              </div>
            </details>
          </li>
        ))}
      </ul>
      {newest.length > EXAMPLES_SHOWN && (
        <button type="button" class="button button-small" onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${newest.length} examples`}
        </button>
      )}
    </>
  );
}

function Candidates({ list }: { list: CandidateList }) {
  if (!list.learning) {
    return (
      <Empty title="Not taken up by the learner yet">
        Candidates are generated when the learner first plans this pattern (it needs examples a worker can
        replay).
      </Empty>
    );
  }
  return (
    <>
      {list.exhausted && (
        <p class="note">
          These candidates are used up; the learner is waiting for new ones before planning it again.
        </p>
      )}
      <div class="table-wrap">
        <table class="table stack" data-testid="candidates">
          <thead>
            <tr>
              <th>Fix</th>
              <th class="num">Successes / trials</th>
              <th>Success posterior</th>
              <th class="num">P(beats incumbent)</th>
              <th class="num">Policy</th>
              <th>Verdict</th>
            </tr>
          </thead>
          <tbody>
            {list.candidates.map((c) => (
              <tr key={c.id}>
                <td data-label="Fix">
                  <FixView fix={c.fix} />
                  {!c.incumbent && <span class="muted small">from {words(c.origin)}</span>}
                </td>
                <td class="num" data-label="Successes / trials">
                  {Number.isInteger(c.failing.successes)
                    ? c.failing.successes
                    : c.failing.successes.toFixed(1)}{' '}
                  / {c.failing.trials}
                </td>
                <td data-label="Success posterior">
                  <div
                    class="posterior"
                    title={`Beta(${(1 + c.failing.successes).toFixed(1)}, ${(1 + c.failing.trials - c.failing.successes).toFixed(1)})`}
                  >
                    <div class="bar-track">
                      <div class="bar-fill" style={{ width: `${c.posteriorMean * 100}%` }} />
                    </div>
                    <span>{percent(c.posteriorMean)}</span>
                  </div>
                </td>
                <td class="num" data-label="P(beats incumbent)">
                  {c.probabilityBeatsIncumbent === null ? '–' : percent(c.probabilityBeatsIncumbent)}
                </td>
                <td class="num" data-label="Policy">
                  {percent(c.policyProbability)}
                </td>
                <td data-label="Verdict">
                  {c.incumbent ? (
                    <StatusBadge status="superseded" label="baseline" />
                  ) : c.accepted ? (
                    <StatusBadge status="approved" label="beats incumbent" />
                  ) : c.guardPasses === false ? (
                    <StatusBadge status="pending" label="not cleared on working calls" />
                  ) : (
                    <StatusBadge status="learning" label="judging" />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
