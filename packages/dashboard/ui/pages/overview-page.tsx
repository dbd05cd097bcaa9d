// Overview: the seed's metrics, failures over time, recent improvements, what is being learned
// now and the latest events.

import type {
  Approval,
  Curriculum,
  Deployment,
  LearningConfig,
  LearningResult,
  Overview,
} from '../../src/api-types.js';
import { ago, count, duration, percent, points, words } from '../../src/format.js';
import {
  downtimeSaved,
  learningHealth,
  PATTERN_STATUS_LABELS,
  patternStatus,
  patternsLearned,
  patternsWithLiveFix,
  stepsToNextSync,
  successImprovement,
} from '../../src/overview-metrics.js';
import { api } from '../api.js';
import { StatusBadge } from '../components/badges.js';
import { FixView } from '../components/fix-view.js';
import { LineChart } from '../components/line-chart.js';
import { MetricCard } from '../components/metric-card.js';
import { PatternLink } from '../components/pattern-link.js';
import { Empty, Loaded } from '../components/status-views.js';
import { useClock } from '../use-clock.js';
import { useFeed } from '../use-live.js';
import { usePatternIndex } from '../use-pattern-index.js';
import { useResource } from '../use-resource.js';

const LEARNING_EVENTS = [
  'learner.step',
  'learning.result',
  'approval.created',
  'approval.approved',
  'approval.denied',
  'deployment.created',
  'deployment.promoted',
  'deployment.rolled_back',
];

interface LoopData {
  results: LearningResult[];
  approvals: Approval[];
  deployments: Deployment[];
  curriculum: Curriculum;
  config: LearningConfig;
}

async function loadLoop(): Promise<LoopData> {
  const [results, approvals, deployments, curriculum, config] = await Promise.all([
    api.get<{ results: LearningResult[] }>('/v1/learning/results?limit=500'),
    api.get<{ approvals: Approval[] }>('/v1/approvals?limit=500'),
    api.get<{ deployments: Deployment[] }>('/v1/deployments?limit=500'),
    api.get<Curriculum>('/v1/curriculum'),
    api.get<LearningConfig>('/v1/learning/config'),
  ]);
  return { ...results, ...approvals, ...deployments, curriculum, config };
}

/** Improvements listed, newest first. */
const IMPROVEMENTS_SHOWN = 6;

/** The patterns most likely in the next draw. */
function beingLearned(loop: LoopData) {
  const drawn = loop.curriculum.arms.filter((a) => a.eligible);
  return drawn.sort((a, b) => b.probability - a.probability).slice(0, 5);
}

export function OverviewPage() {
  const overview = useResource(() => api.get<Overview>('/v1/overview?hours=24&bucketMinutes=15'), [], {
    refreshOn: ['failures.ingested', 'pattern.created'],
    // The last-hour window slides even when nothing happens.
    refreshEveryMs: 60_000,
  });
  const loop = useResource(loadLoop, [], { refreshOn: [...LEARNING_EVENTS, 'failures.ingested'] });
  const patterns = usePatternIndex(
    loop.data === undefined
      ? []
      : [
          ...loop.data.results.slice(0, IMPROVEMENTS_SHOWN).map((r) => r.patternId),
          ...beingLearned(loop.data).map((a) => a.arm),
        ],
  );
  const now = useClock();

  return (
    <>
      <h1>Overview</h1>
      <Loaded resource={overview} what="the overview">
        {(o) => (
          <Loaded resource={loop} what="the learning loop">
            {(l) => <Metrics overview={o} loop={l} />}
          </Loaded>
        )}
      </Loaded>

      <section class="card">
        <h2>Failures over the last 24 hours</h2>
        <Loaded resource={overview} what="failures">
          {(o) => <FailureChart overview={o} />}
        </Loaded>
      </section>

      <div class="columns">
        <section class="card">
          <h2>Recent improvements</h2>
          <Loaded resource={loop} what="learning results">
            {(l) =>
              l.results.length === 0 ? (
                <Empty title="No fixes learned yet">
                  A fix shows up here once it beats what agents run today on replays of real failing inputs.
                </Empty>
              ) : (
                <ul class="rows" data-testid="recent-improvements">
                  {l.results.slice(0, IMPROVEMENTS_SHOWN).map((r) => (
                    <li key={r.id} class="row row-stack">
                      <div class="row-main">
                        <PatternLink id={r.patternId} pattern={patterns.get(r.patternId)} />
                        <FixView fix={r.fix} />
                      </div>
                      <div class="row-side">
                        <span class="tone-good strong">{points(r.improvement)}</span>
                        <span class="muted">{percent(r.confidence)} sure</span>
                        <StatusBadge status={resultStatus(r, l)} />
                        <span class="muted">{ago(r.createdAt, now)}</span>
                      </div>
                    </li>
                  ))}
                </ul>
              )
            }
          </Loaded>
        </section>

        <section class="card">
          <h2>Being learned now</h2>
          <Loaded resource={loop} what="the curriculum">
            {(l) => {
              const arms = beingLearned(l);
              const armIds = new Set(l.curriculum.arms.filter((a) => a.eligible).map((a) => a.arm));
              return arms.length === 0 ? (
                <Empty title="Nothing to learn yet">
                  Patterns enter the curriculum once their failing inputs can be replayed by a worker.
                </Empty>
              ) : (
                <ul class="rows">
                  {arms.map((arm) => {
                    const status = patternStatus(arm.arm, { ...l, curriculumArms: armIds });
                    return (
                      <li key={arm.arm} class="row">
                        <div class="row-main">
                          <PatternLink id={arm.arm} pattern={patterns.get(arm.arm)} />
                        </div>
                        <div class="row-side">
                          <span title="Probability in the next draw">{percent(arm.probability)}</span>
                          <span class="muted">Q {arm.q.toFixed(3)}</span>
                          <StatusBadge status={status} label={PATTERN_STATUS_LABELS[status]} />
                        </div>
                      </li>
                    );
                  })}
                </ul>
              );
            }}
          </Loaded>
        </section>
      </div>

      <LatestEvents now={now} />
    </>
  );
}

/** How far a learning result got: deployed, approved, waiting, denied, or only learned. */
function resultStatus(result: LearningResult, loop: LoopData): string {
  const deployment = loop.deployments.find((d) => d.resultId === result.id);
  if (deployment) return deployment.status;
  return loop.approvals.find((a) => a.result.id === result.id)?.status ?? 'learned';
}

function Metrics({ overview, loop }: { overview: Overview; loop: LoopData }) {
  const fixed = patternsWithLiveFix(loop.deployments);
  const health = learningHealth(fixed, overview.patterns);
  const improvement = successImprovement(loop.deployments, loop.results);
  const saved = downtimeSaved(loop.deployments, loop.approvals);
  const toSync = stepsToNextSync(loop.curriculum.step, loop.config.syncInterval);
  const day = overview.timeline.failures.reduce((a, b) => a + b, 0);
  return (
    <div class="metrics">
      <MetricCard
        label="Failures in the last hour"
        value={count(overview.failuresLastHour)}
        testId="metric-failures-hour"
      >
        {count(day)} in the last 24 hours
      </MetricCard>
      <MetricCard label="Patterns identified" value={count(overview.patterns)} testId="metric-patterns">
        distinct failure signatures
      </MetricCard>
      <MetricCard
        label="Patterns learned"
        value={count(patternsLearned(loop.results))}
        testId="metric-learned"
      >
        with a fix that beat what agents run
      </MetricCard>
      <MetricCard
        label="Success improvement"
        value={improvement === null ? '–' : points(improvement.improvement)}
        tone={improvement === null ? undefined : improvement.improvement >= 0 ? 'good' : 'bad'}
        testId="metric-improvement"
      >
        {improvement === null
          ? 'against the baseline, once a fix is learned'
          : improvement.source === 'canary'
            ? `treatment vs control on canaries, ${count(improvement.calls)} calls`
            : 'estimated on replays of failing inputs'}
      </MetricCard>
      <MetricCard
        label="Agent downtime saved"
        value={count(saved.perDay)}
        unit="failures/day"
        testId="metric-downtime"
      >
        prevented by live fixes; {count(Math.round(saved.avoidedOnCanaries))} avoided on canaries so far
      </MetricCard>
      <MetricCard
        label="Learning health"
        value={words(health.health)}
        tone={
          health.health === 'excellent' || health.health === 'good'
            ? 'good'
            : health.health === 'fair'
              ? 'warn'
              : 'bad'
        }
        testId="metric-health"
      >
        {fixed} of {overview.patterns} patterns have a live fix ({percent(health.share, 0)})
      </MetricCard>
      <MetricCard
        label="Next sync to agents"
        value={toSync === null ? 'off' : String(toSync)}
        {...(toSync === null ? {} : { unit: `step${toSync === 1 ? '' : 's'} to go` })}
        testId="metric-sync"
      >
        {toSync === null
          ? 'agents keep the fixes they have'
          : `step ${loop.curriculum.step}; a step runs at least every ${duration(loop.config.triggerIntervalMs)}, so at most ${duration(toSync * loop.config.triggerIntervalMs)}`}
      </MetricCard>
    </div>
  );
}

function FailureChart({ overview }: { overview: Overview }) {
  const { from, bucketMinutes, failures } = overview.timeline;
  const start = Date.parse(from) / 1000;
  const x = failures.map((_, i) => start + i * bucketMinutes * 60);
  const total = failures.reduce((a, b) => a + b, 0);
  if (total === 0) {
    return (
      <Empty title="No failures in the last 24 hours">
        Failures your agents report (through the SDK or POST /v1/events) appear here as they arrive.
      </Empty>
    );
  }
  return (
    <div data-testid="failures-chart" data-total={total}>
      <LineChart
        x={x}
        time
        // Empty buckets draw no bar at all rather than a sliver.
        series={[
          {
            label: `failures per ${bucketMinutes} min`,
            values: failures.map((n) => (n === 0 ? null : n)),
            color: '#c2410c',
            bars: true,
          },
        ]}
        ariaLabel={`Failures per ${bucketMinutes} minutes over the last 24 hours, ${total} in all`}
        height={220}
      />
    </div>
  );
}

function LatestEvents({ now }: { now: number }) {
  const feed = useFeed(5);
  return (
    <section class="card">
      <h2>
        Latest events{' '}
        <a class="more" href="#/live">
          Live feed →
        </a>
      </h2>
      {feed.length === 0 ? (
        <Empty title="Waiting for events">What happens from now on shows up here as it happens.</Empty>
      ) : (
        <ul class="rows">
          {feed.map((m) => {
            const s = m.summary;
            return (
              <li key={m.id} class={`row event event-${s.tone}`}>
                <div class="row-main">
                  <b>{s.title}</b> <span class="muted">{s.detail}</span>
                </div>
                <div class="row-side muted">{ago(new Date(m.receivedAt).toISOString(), now)}</div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
