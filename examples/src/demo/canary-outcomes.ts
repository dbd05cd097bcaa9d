// What the demo says when the canary test decides: a rollback is reported (the report's
// `rollbacks`) and printed with the counts behind it; a promotion is printed.

import type { ConcludeDeploymentOutcome } from '@arc-agent/server';
import type { RollbackReport } from './demo-report.js';

export interface CanaryNews {
  rollbacks: RollbackReport[];
  lines: string[];
}

/** The rollbacks among `outcomes` (decided after the traffic that followed `step`) and a line for each decision. */
export function canaryNews(outcomes: readonly ConcludeDeploymentOutcome[], step: number): CanaryNews {
  const news: CanaryNews = { rollbacks: [], lines: [] };
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const d = outcome.deployment;
    const counts =
      `treatment ${d.treatment.failures}/${d.treatment.trials} calls failed, ` +
      `control ${d.control.failures}/${d.control.trials}`;
    const what = `${d.fix.type} (${d.source === 'person' ? 'proposed by a person' : 'learned'}) for pattern ${d.patternId.slice(0, 8)}`;
    const reason = d.reason ?? d.status;
    if (d.status === 'rolled_back') {
      news.rollbacks.push({ fixId: d.fixId, patternId: d.patternId, reason, step });
      news.lines.push(`  ROLLED BACK ${what}: ${reason} (${counts})`);
    } else {
      news.lines.push(`  promoted ${what}: ${reason} (${counts})`);
    }
  }
  return news;
}
