// The end of the demo as text: held-out success before and after, failures by category, the fixes
// Arc deployed with their measured improvement and confidence, and how the curriculum moved.

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
    `Held-out success (${report.baseline.tasks} tasks): before ${pct(report.baseline.successRate)}, after ${pct(report.final.successRate)}`,
  );
  const categories = Object.entries(report.byCategory).sort((a, b) => b[1].before - a[1].before);
  lines.push('', 'Failures by category (held-out):');
  lines.push(
    ...table([
      ['category', 'before', 'after'],
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
        ['fix', 'pattern', 'status', 'improvement', 'confidence', 'approved by'],
        ...report.fixesDeployed.map((f) => [
          f.fix.type,
          report.patterns.find((p) => p.id === f.patternId)?.category ?? f.patternId,
          f.status,
          `${f.improvement >= 0 ? '+' : ''}${pct(f.improvement)}`,
          f.confidence.toFixed(3),
          f.approvedBy,
        ]),
      ]),
    );
  }
  lines.push('', `Curriculum (${report.rollouts} rollouts):`);
  for (const snapshot of report.curriculum) {
    const arms = snapshot.arms
      .map(
        (a) => `${a.category}:${a.patternId.slice(0, 8)} q=${a.q.toFixed(3)} p=${a.probability.toFixed(2)}`,
      )
      .join(', ');
    lines.push(`  step ${snapshot.step}: ${arms || 'no arms'}`);
  }
  return `${lines.join('\n')}\n`;
}
