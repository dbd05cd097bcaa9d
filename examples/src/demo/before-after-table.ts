// The end of the demo as text: held-out success before and after (by BFCL category), failures by
// kind, the fixes Arc deployed with their measured improvement and confidence and the calls their
// canaries counted (a canary is judged on how its arms' failures differ), what the canary test
// rolled back, and what the curriculum drew from at each step.

import type { DemoReport } from './demo-report.js';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
}

export function formatBeforeAfter(report: DemoReport): string {
  const lines: string[] = [];
  lines.push(
    `Held-out success (${report.baseline.tasks} tasks, seed ${report.seed}): before ${pct(report.baseline.successRate)}, ` +
      `after ${pct(report.final.successRate)} with fixes as production applies them ` +
      `(${pct(report.promotedOnly.successRate)} with the promoted fixes only)`,
  );
  const taskCategories = Object.entries(report.byTaskCategory);
  lines.push('', 'Held-out success by BFCL category:');
  lines.push(
    ...table([
      ['category', 'tasks', 'before', 'after'],
      ...taskCategories.map(([name, n]) => [
        name,
        String(n.tasks),
        `${n.before} (${pct(n.before / n.tasks)})`,
        `${n.after} (${pct(n.after / n.tasks)})`,
      ]),
    ]),
  );
  const categories = Object.entries(report.byCategory).sort((a, b) => b[1].before - a[1].before);
  lines.push('', 'Held-out failures by kind:');
  lines.push(
    ...table([
      ['kind', 'before', 'after'],
      ...categories.map(([name, n]) => [name, String(n.before), String(n.after)]),
      [
        'all',
        String(categories.reduce((s, [, n]) => s + n.before, 0)),
        String(categories.reduce((s, [, n]) => s + n.after, 0)),
      ],
    ]),
  );
  lines.push('', `Fixes deployed (${report.fixesDeployed.length}):`);
  if (report.fixesDeployed.length > 0) {
    lines.push(
      ...table([
        [
          'fix',
          'step',
          'pattern',
          'status',
          'improvement',
          'confidence',
          'approved by',
          'treatment failed',
          'control failed',
        ],
        ...report.fixesDeployed.map((f) => [
          f.fix.type,
          f.function,
          report.patterns.find((p) => p.id === f.patternId)?.errorType ?? f.patternId,
          f.status,
          `${f.improvement >= 0 ? '+' : ''}${pct(f.improvement)}`,
          f.confidence.toFixed(3),
          f.approvedBy,
          `${f.treatment.failures}/${f.treatment.trials}`,
          `${f.control.failures}/${f.control.trials}`,
        ]),
      ]),
    );
  }
  lines.push('', `Rolled back by the canary test (${report.rollbacks.length}):`);
  for (const r of report.rollbacks) {
    lines.push(`  ${r.fixId.slice(0, 12)} for ${r.patternId.slice(0, 8)} after step ${r.step}: ${r.reason}`);
  }
  lines.push('', `Curriculum (${report.rollouts} rollouts): p drawn with -> times drawn`);
  for (const snapshot of report.curriculum) {
    const arms = snapshot.arms
      .map((a) => `${a.category}:${a.patternId.slice(0, 6)} p=${a.probability.toFixed(2)}->${a.drawn}`)
      .join(', ');
    lines.push(`  step ${snapshot.step}: ${arms || 'no arms'}`);
  }
  return `${lines.join('\n')}\n`;
}
