// Curriculum: how the learner draws the patterns it practises on. The probabilities its next step
// draws them with under the project's curriculum (only patterns it can draw), SEC's Q per pattern
// over learning steps, pulls, the step counter, and where each pattern stands.

import { useState } from 'preact/hooks';
import type {
  Approval,
  Curriculum,
  CurriculumDraw,
  Deployment,
  LearningResult,
} from '../../src/api-types.js';
import { percent } from '../../src/format.js';
import { PATTERN_STATUS_LABELS, patternStatus } from '../../src/overview-metrics.js';
import { qHistorySeries } from '../../src/q-history.js';
import { api } from '../api.js';
import { StatusBadge } from '../components/badges.js';
import { LineChart } from '../components/line-chart.js';
import { PatternLink } from '../components/pattern-link.js';
import { ProbabilityBars } from '../components/probability-bars.js';
import { Empty, Loaded } from '../components/status-views.js';
import { usePatternIndex } from '../use-pattern-index.js';
import { useResource } from '../use-resource.js';

/** Distinct line colours (colour-blind friendly, Okabe–Ito plus two). */
const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#6b4c9a', '#8c6d31'];
const CHARTED = PALETTE.length;
const TABLE_ROWS = 25;
/** Patterns in the chart of the next draw's probabilities. */
const BARS = 12;

/** How each curriculum draws, in a sentence. */
const DRAWS: Record<CurriculumDraw, string> = {
  sec: "Each learning step draws patterns from softmax(Q / τ); a pattern's Q follows the mean absolute advantage of its rollouts, which is highest where fixes are neither sure to work nor hopeless.",
  'sec-weighted':
    "Each learning step draws patterns from softmax(Q / τ); a pattern's Q follows the mean absolute advantage of its rollouts times its share of recent failures, so busy patterns whose fixes are neither sure nor hopeless come first.",
  random: 'Each learning step draws patterns in proportion to their recent failures.',
  'learnable-traffic':
    'Each learning step draws patterns in proportion to their recent failures, times the share of them that neither pass on replay nor are won by a fix already found, times how learnable the pattern has shown itself: its Q, the mean absolute advantage of its rollouts, from an optimistic start for patterns not yet tried.',
  uniform: 'Each learning step draws every pattern it can learn alike.',
  greedy: 'Each learning step takes the patterns with the most recent failures, one draw each.',
};

interface CurriculumData {
  curriculum: Curriculum;
  results: LearningResult[];
  approvals: Approval[];
  deployments: Deployment[];
}

async function load(): Promise<CurriculumData> {
  const [curriculum, results, approvals, deployments] = await Promise.all([
    api.get<Curriculum>('/v1/curriculum'),
    api.get<{ results: LearningResult[] }>('/v1/learning/results?limit=500'),
    api.get<{ approvals: Approval[] }>('/v1/approvals?limit=500'),
    api.get<{ deployments: Deployment[] }>('/v1/deployments?limit=500'),
  ]);
  return { curriculum, ...results, ...approvals, ...deployments };
}

export function CurriculumPage() {
  const data = useResource(load, [], {
    refreshOn: [
      'learner.step',
      'learning.result',
      'approval.created',
      'approval.approved',
      'approval.denied',
      'deployment.created',
      'deployment.promoted',
      'deployment.rolled_back',
    ],
  });
  return (
    <>
      <h1>Curriculum</h1>
      <Loaded resource={data} what="the curriculum">
        {(d) => <CurriculumView data={d} />}
      </Loaded>
    </>
  );
}

function CurriculumView({ data }: { data: CurriculumData }) {
  const [showAll, setShowAll] = useState(false);
  const { curriculum } = data;
  const byProbability = [...curriculum.arms].sort(
    (a, b) => Number(b.eligible) - Number(a.eligible) || b.probability - a.probability || b.q - a.q,
  );
  const drawn = byProbability.filter((a) => a.eligible);
  const armIds = new Set(drawn.map((a) => a.arm));
  const charted = [...curriculum.arms].sort((a, b) => b.pulls - a.pulls || b.q - a.q).slice(0, CHARTED);
  const barred = drawn.slice(0, BARS);
  const rows = showAll ? byProbability : byProbability.slice(0, TABLE_ROWS);
  const patterns = usePatternIndex([...charted, ...barred, ...rows].map((a) => a.arm));
  const label = (arm: string) => {
    const p = patterns.get(arm);
    return p ? `${p.function}: ${p.normalizedMessage}`.slice(0, 48) : arm.slice(0, 12);
  };
  const history = qHistorySeries(charted, curriculum.step);

  return (
    <>
      <p class="lead muted" data-testid="curriculum-draw">
        Curriculum <strong>{curriculum.draw}</strong>. {DRAWS[curriculum.draw]}
      </p>
      <div class="metrics metrics-small">
        <div class="card metric" data-testid="curriculum-step">
          <p class="metric-label">Learning step</p>
          <p class="metric-value">{curriculum.step}</p>
        </div>
        <div class="card metric">
          <p class="metric-label">Patterns it can draw</p>
          <p class="metric-value">
            {drawn.length} <span class="muted">of {curriculum.arms.length}</span>
          </p>
        </div>
        <div class="card metric">
          <p class="metric-label">
            Step size <span class="no-case">α</span> · temperature <span class="no-case">τ</span>
          </p>
          <p class="metric-value">
            {curriculum.alpha} · {curriculum.temperature}
          </p>
        </div>
      </div>

      {curriculum.arms.length === 0 ? (
        <section class="card">
          <Empty title="The curriculum is empty">
            The learner takes a pattern up once its failures have inputs a worker can replay. Run a worker (
            <code>arc.worker(fns)</code>) next to your agent, or <code>arc demo</code>.
          </Empty>
        </section>
      ) : (
        <>
          <div class="columns">
            <section class="card">
              <h2>Q per pattern over learning steps</h2>
              <div data-testid="q-chart" data-arms={charted.length}>
                <LineChart
                  x={history.steps}
                  xLabel="step"
                  series={history.series.map((s, i) => ({
                    label: label(s.arm),
                    values: s.values,
                    color: PALETTE[i]!,
                    stepped: true,
                  }))}
                  integerX
                  ariaLabel={`Q values of the ${charted.length} most drawn patterns over ${curriculum.step} steps`}
                  formatY={(v) => v.toFixed(2)}
                  height={260}
                />
              </div>
            </section>
            <section class="card">
              <h2>What the next step draws from</h2>
              {drawn.length === 0 ? (
                <Empty title="No pattern can be drawn now">
                  Every pattern is exhausted, has no candidate left to try, or had no failing input to replay
                  at the last step.
                </Empty>
              ) : (
                <ProbabilityBars
                  ariaLabel="Probability of each pattern in the next draw"
                  items={barred.map((a) => ({
                    key: a.arm,
                    label: <PatternLink id={a.arm} pattern={patterns.get(a.arm)} />,
                    value: a.probability,
                    note: `${a.pulls} pull${a.pulls === 1 ? '' : 's'}`,
                  }))}
                />
              )}
            </section>
          </div>

          <section class="card">
            <h2>Patterns being learned</h2>
            <div class="table-wrap">
              <table class="table stack">
                <thead>
                  <tr>
                    <th>Pattern</th>
                    <th>Status</th>
                    <th class="num">Q</th>
                    <th class="num">Probability</th>
                    <th class="num">Pulls</th>
                    <th class="num">Updates</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((a) => {
                    const status = patternStatus(a.arm, { ...data, curriculumArms: armIds });
                    return (
                      <tr key={a.arm}>
                        <td data-label="Pattern">
                          <PatternLink id={a.arm} pattern={patterns.get(a.arm)} />
                        </td>
                        <td data-label="Status">
                          <StatusBadge status={status} label={PATTERN_STATUS_LABELS[status]} />
                        </td>
                        <td class="num" data-label="Q">
                          {a.q.toFixed(3)}
                        </td>
                        <td class="num" data-label="Probability">
                          {a.eligible ? percent(a.probability) : <span class="muted">not drawn</span>}
                        </td>
                        <td class="num" data-label="Pulls">
                          {a.pulls}
                        </td>
                        <td class="num" data-label="Updates">
                          {a.updates}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {byProbability.length > TABLE_ROWS && (
              <button type="button" class="button button-small" onClick={() => setShowAll(!showAll)}>
                {showAll ? 'Show fewer' : `Show all ${byProbability.length}`}
              </button>
            )}
          </section>
        </>
      )}
    </>
  );
}
