import type { ConcludeDeploymentOutcome, DeploymentRecord } from '@arc-agent/server';
import { describe, expect, it } from 'vitest';
import { canaryNews } from './canary-outcomes.js';

function concluded(status: 'promoted' | 'rolled_back', source: 'person' | 'learner', reason: string) {
  const deployment = {
    id: `d-${status}`,
    fixId: `fix-${status}`,
    patternId: 'pattern-12345678',
    fix: { type: 'param_patch', params: { maxTokens: 12 } },
    source,
    status,
    reason,
    treatment: { trials: 20, failures: 19, patternFailures: 3 },
    control: { trials: 22, failures: 6, patternFailures: 2 },
  } as unknown as DeploymentRecord;
  return { ok: true, deployment, superseded: [] } as ConcludeDeploymentOutcome;
}

describe('canaryNews', () => {
  it('reports each rollback with its fix, pattern, reason and step, and prints every decision with its counts', () => {
    const news = canaryNews(
      [
        concluded('rolled_back', 'person', 'canary test: function: harm'),
        concluded('promoted', 'learner', 'canary test: pattern: benefit'),
        { ok: false, reason: 'not_found' },
      ],
      2,
    );
    expect(news.rollbacks).toEqual([
      {
        fixId: 'fix-rolled_back',
        patternId: 'pattern-12345678',
        reason: 'canary test: function: harm',
        step: 2,
      },
    ]);
    expect(news.lines).toEqual([
      '  ROLLED BACK param_patch (proposed by a person) for pattern pattern-: canary test: function: harm (treatment 19/20 calls failed, control 6/22)',
      '  promoted param_patch (learned) for pattern pattern-: canary test: pattern: benefit (treatment 19/20 calls failed, control 6/22)',
    ]);
  });
});
