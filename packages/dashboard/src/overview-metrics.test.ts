import { describe, expect, it } from 'vitest';
import type { Approval, Deployment, LearningResult } from './api-types.js';
import {
  downtimeSaved,
  learningHealth,
  patternStatus,
  patternsLearned,
  patternsWithLiveFix,
  stepsToNextSync,
  successImprovement,
} from './overview-metrics.js';

function result(patternId: string, successRate: number, incumbentSuccessRate: number): LearningResult {
  return {
    id: `r-${patternId}-${successRate}`,
    step: 1,
    patternId,
    function: 'f',
    candidateId: 'c',
    fix: { type: 'prompt_adjustment', instructions: 'x' },
    risk: 'medium',
    origin: 'rule',
    rationale: '',
    improvement: successRate - incumbentSuccessRate,
    confidence: 0.97,
    successRate,
    incumbentSuccessRate,
    trials: 8,
    examples: 3,
    source: 'learner',
    proposedBy: null,
    proposedByKeyId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

function deployment(
  patternId: string,
  status: Deployment['status'],
  treatment: [number, number],
  control: [number, number],
  approvalId = `a-${patternId}`,
): Deployment {
  return {
    id: `d-${patternId}-${status}`,
    status,
    fixId: 'fix_1',
    version: 1,
    patternId,
    function: 'f',
    fix: { type: 'output_repair', json: true, coerce: false },
    risk: 'low',
    confidence: 0.99,
    source: 'learner',
    canaryShare: 0.1,
    approvalId,
    resultId: 'r',
    treatment: { trials: treatment[0], failures: treatment[1], patternFailures: 0 },
    control: { trials: control[0], failures: control[1], patternFailures: 0 },
    createdAt: '2026-01-01T00:00:00.000Z',
    decidedAt: null,
    reason: null,
  };
}

function approval(
  id: string,
  patternId: string,
  status: Approval['status'],
  prevented: number | null,
): Approval {
  return {
    id,
    status,
    impact: { failuresPerDayPrevented: prevented },
    decidedBy: null,
    decidedByKeyId: null,
    comment: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    decidedAt: null,
    result: result(patternId, 0.9, 0.1),
  };
}

describe('learningHealth', () => {
  it('bands the share of patterns with a live fix as the seed does (strictly above each bound)', () => {
    expect(learningHealth(9, 10)).toEqual({ health: 'excellent', share: 0.9 });
    expect(learningHealth(8, 10).health).toBe('good');
    expect(learningHealth(6, 10).health).toBe('fair');
    expect(learningHealth(4, 10).health).toBe('needs_attention');
    expect(learningHealth(0, 0)).toEqual({ health: 'needs_attention', share: 0 });
  });
});

describe('pattern counts', () => {
  it('counts distinct patterns with results, and with live fixes only', () => {
    expect(patternsLearned([result('p1', 0.9, 0.1), result('p1', 0.8, 0.1), result('p2', 0.5, 0.2)])).toBe(2);
    expect(
      patternsWithLiveFix([
        deployment('p1', 'canary', [0, 0], [0, 0]),
        deployment('p1', 'superseded', [0, 0], [0, 0]),
        deployment('p2', 'promoted', [0, 0], [0, 0]),
        deployment('p3', 'rolled_back', [0, 0], [0, 0]),
      ]),
    ).toBe(2);
  });
});

describe('successImprovement', () => {
  it('weights each canary’s own difference by its treatment calls', () => {
    const measured = successImprovement(
      [
        // control fails 50%, treatment 10%: +0.4 over 100 calls
        deployment('p1', 'canary', [100, 10], [1000, 500]),
        // control 20%, treatment 30%: −0.1 over 300 calls
        deployment('p2', 'rolled_back', [300, 90], [700, 140]),
        deployment('p3', 'canary', [0, 0], [50, 5]),
      ],
      [result('p1', 1, 0)],
    );
    expect(measured?.source).toBe('canary');
    expect(measured?.calls).toBe(400);
    expect(measured?.improvement).toBeCloseTo((100 * 0.4 + 300 * -0.1) / 400, 12);
  });

  it('falls back to the replay estimate of each pattern’s latest result, then to nothing', () => {
    // Newest first: p1's latest is 0.9 vs 0.1.
    const estimate = successImprovement(
      [],
      [result('p1', 0.9, 0.1), result('p1', 0.5, 0.4), result('p2', 0.6, 0.4)],
    );
    expect(estimate?.source).toBe('replay');
    expect(estimate?.improvement).toBeCloseTo((0.8 + 0.2) / 2, 12);
    expect(successImprovement([], [])).toBeNull();
  });
});

describe('downtimeSaved', () => {
  it('adds the prevented failures of live fixes and what canaries avoided', () => {
    const saved = downtimeSaved(
      [
        deployment('p1', 'canary', [100, 10], [900, 450], 'a1'),
        deployment('p2', 'promoted', [0, 0], [0, 0], 'a2'),
        deployment('p3', 'rolled_back', [100, 90], [100, 10], 'a3'),
        deployment('p4', 'superseded', [10, 5], [10, 0], 'a4'),
        deployment('p5', 'promoted', [0, 0], [0, 0], 'a5'),
      ],
      [
        approval('a1', 'p1', 'approved', 12),
        approval('a2', 'p2', 'approved', 3.5),
        approval('a3', 'p3', 'approved', 40),
        // A person's proposal: what it prevents was never measured, so it adds nothing.
        approval('a5', 'p5', 'approved', null),
      ],
    );
    expect(saved.perDay).toBeCloseTo(15.5, 12);
    // p1: 100 × (0.5 − 0.1) = 40; p4 made things worse: nothing avoided; p3 rolled back: left out.
    expect(saved.avoidedOnCanaries).toBeCloseTo(40, 12);
  });
});

describe('stepsToNextSync', () => {
  it('counts to the next multiple of the interval', () => {
    expect(stepsToNextSync(0, 50)).toBe(50);
    expect(stepsToNextSync(49, 50)).toBe(1);
    expect(stepsToNextSync(50, 50)).toBe(50);
    expect(stepsToNextSync(7, 1)).toBe(1);
    expect(stepsToNextSync(7, null)).toBeNull();
  });
});

describe('patternStatus', () => {
  const loop = {
    deployments: [
      deployment('fixed', 'promoted', [0, 0], [0, 0]),
      deployment('canary', 'canary', [0, 0], [0, 0]),
    ],
    approvals: [approval('a', 'pending', 'pending', 1), approval('b', 'denied', 'denied', 1)],
    results: [result('learned', 0.9, 0.1), result('pending', 0.9, 0.1), result('fixed', 0.9, 0.1)],
    curriculumArms: new Set(['learning', 'fixed']),
  };
  it('reports the furthest stage reached', () => {
    expect(patternStatus('fixed', loop)).toBe('fixed');
    expect(patternStatus('canary', loop)).toBe('canary');
    expect(patternStatus('pending', loop)).toBe('awaiting_approval');
    expect(patternStatus('denied', loop)).toBe('waiting');
    expect(patternStatus('learned', loop)).toBe('learned');
    expect(patternStatus('learning', loop)).toBe('learning');
    expect(patternStatus('other', loop)).toBe('waiting');
  });
});
