import { describe, expect, it } from 'vitest';
import { assessImpact, decideApproval, type ImpactInput } from './approval-policy.js';

describe('decideApproval', () => {
  it("auto-approves at the seed's thresholds, inclusive, for low risk only", () => {
    expect(decideApproval({ confidence: 0.95, successRate: 0.9, risk: 'low' })).toEqual({
      decision: 'auto_approved',
      reasons: ['confidence 0.95 >= 0.95', 'success rate 0.9 >= 0.9', 'risk low may be auto-approved'],
    });
  });

  it('leaves the result pending and names every criterion it missed', () => {
    expect(decideApproval({ confidence: 0.94, successRate: 0.97, risk: 'low' })).toEqual({
      decision: 'pending',
      reasons: ['confidence 0.94 < 0.95'],
    });
    expect(decideApproval({ confidence: 0.99, successRate: 0.5, risk: 'medium' })).toEqual({
      decision: 'pending',
      reasons: ['success rate 0.5 < 0.9', 'risk medium needs a person (auto-approved: low)'],
    });
  });

  it('takes configured thresholds and risk levels', () => {
    const options = { minConfidence: 0.8, minSuccessRate: 0.5, autoApproveRisk: ['low', 'medium'] as const };
    expect(decideApproval({ confidence: 0.8, successRate: 0.5, risk: 'medium' }, options).decision).toBe(
      'auto_approved',
    );
    expect(decideApproval({ confidence: 1, successRate: 1, risk: 'high' }, options).decision).toBe('pending');
    expect(decideApproval({ confidence: 1, successRate: 1, risk: 'low' }, { autoApproveRisk: [] })).toEqual({
      decision: 'pending',
      reasons: ['risk low needs a person (auto-approved: none)'],
    });
  });

  it('rejects bad input, naming the field', () => {
    expect(() => decideApproval({ confidence: 1.2, successRate: 1, risk: 'low' })).toThrow(/confidence/);
    expect(() => decideApproval({ confidence: 1, successRate: Number.NaN, risk: 'low' })).toThrow(
      /successRate/,
    );
    expect(() => decideApproval({ confidence: 1, successRate: 1, risk: 'none' as never })).toThrow(/risk/);
    expect(() =>
      decideApproval({ confidence: 1, successRate: 1, risk: 'low' }, { autoApproveRisk: ['x' as never] }),
    ).toThrow(/autoApproveRisk\[0\]/);
    expect(() =>
      decideApproval({ confidence: 1, successRate: 1, risk: 'low' }, { minConfidence: 2 }),
    ).toThrow(/minConfidence/);
  });
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2025, 0, 31);
const base: ImpactInput = {
  occurrences: 120,
  firstSeen: NOW - 2 * DAY,
  lastSeen: NOW - HOUR,
  now: NOW,
  agentsAffected: 3,
  category: 'validation',
  improvement: 0.5,
  risk: 'medium',
};

describe('assessImpact', () => {
  it('computes the rate since first seen and what the fix prevents', () => {
    // 120 failures in 2 days = 60 a day (medium volume); 3 agents (medium breadth); half prevented.
    expect(assessImpact(base)).toEqual({
      severity: 'medium',
      agentsAffected: 3,
      failuresPerDay: 60,
      failuresPerDayPrevented: 30,
      riskLevel: 'medium',
    });
  });

  it('measures bursts over at least an hour', () => {
    // 12 failures in 30 minutes: 12 an hour = 288 a day, high volume.
    const burst = assessImpact({
      ...base,
      occurrences: 12,
      firstSeen: NOW - HOUR / 2,
      lastSeen: NOW,
      agentsAffected: 1,
    });
    expect(burst.failuresPerDay).toBe(288);
    expect(burst.severity).toBe('high');
  });

  it('takes the larger of volume and breadth, within low..critical', () => {
    const level = (o: Partial<ImpactInput>) => assessImpact({ ...base, ...o }).severity;
    expect(level({ occurrences: 9, firstSeen: NOW - DAY, agentsAffected: 1 })).toBe('low'); // 9 a day
    expect(level({ occurrences: 10, firstSeen: NOW - DAY, agentsAffected: 1 })).toBe('medium'); // 10 a day
    expect(level({ occurrences: 1, firstSeen: NOW - DAY, agentsAffected: 6 })).toBe('high');
    expect(level({ occurrences: 1000, firstSeen: NOW - DAY, agentsAffected: 1 })).toBe('critical');
    expect(level({ occurrences: 1, firstSeen: NOW - DAY, agentsAffected: 21 })).toBe('critical');
    expect(
      level({ occurrences: 5000, firstSeen: NOW - DAY, agentsAffected: 50, category: 'auth_failure' }),
    ).toBe('critical');
  });

  it('raises authentication failures and lowers dormant patterns by one level', () => {
    const auth = assessImpact({ ...base, category: 'auth_failure', risk: 'low' });
    expect(auth).toMatchObject({ severity: 'high', riskLevel: 'high' });
    // 700 in 10 days = 70 a day (medium), silent for 8 days: low.
    const dormant = assessImpact({
      ...base,
      occurrences: 700,
      firstSeen: NOW - 10 * DAY,
      lastSeen: NOW - 8 * DAY,
    });
    expect(dormant).toMatchObject({ failuresPerDay: 70, severity: 'low' });
    const quiet = { occurrences: 0, agentsAffected: 0, firstSeen: NOW - 10 * DAY, lastSeen: NOW - 8 * DAY };
    expect(assessImpact({ ...base, ...quiet }).severity).toBe('low'); // never below low
  });

  it('prevents nothing with a fix that does not help', () => {
    expect(assessImpact({ ...base, improvement: -0.2 }).failuresPerDayPrevented).toBe(0);
  });

  it('rejects bad input, naming the field', () => {
    expect(() => assessImpact({ ...base, occurrences: 1.5 })).toThrow(/occurrences/);
    expect(() => assessImpact({ ...base, agentsAffected: -1 })).toThrow(/agentsAffected/);
    expect(() => assessImpact({ ...base, firstSeen: NOW })).toThrow(/firstSeen/);
    expect(() => assessImpact({ ...base, lastSeen: NOW + 1 })).toThrow(/lastSeen/);
    expect(() => assessImpact({ ...base, now: Number.NaN })).toThrow(/now/);
    expect(() => assessImpact({ ...base, category: 'bad' as never })).toThrow(/category/);
    expect(() => assessImpact({ ...base, improvement: 2 })).toThrow(/improvement/);
    expect(() => assessImpact({ ...base, risk: 'x' as never })).toThrow(/risk/);
  });
});
