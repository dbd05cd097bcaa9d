import {
  addCandidates,
  applyStepResults,
  approvalRequests,
  createLearnerState,
  judgeCanary,
  type LearningPlan,
  planLearningStep,
  shouldSync,
  withPromotedIncumbents,
} from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { COMPARED_CURRICULA, productDefault } from './compared-curricula.js';
import {
  CORE_MACHINERY,
  DEFAULT_RUN_SETTINGS,
  type Machinery,
  type RunSettings,
  runFleet,
} from './fleet-run.js';
import { DEFAULT_FLEET_PARAMS, type FleetMix, MIXES, simulatedFleet } from './simulated-fleet.js';

// A small, fast version of the bench: 24 patterns, 40 steps, syncs every 5 steps, two seeds.
const settings: RunSettings = { ...DEFAULT_RUN_SETTINGS, steps: 40, learner: { syncInterval: 5 } };
// Fixes come sooner with no working inputs to guard and every risk auto-approved: the machinery test
// needs deployments within its 40 steps.
const quick: RunSettings = {
  ...settings,
  learner: { syncInterval: 5, successShare: 0 },
  approval: { autoApproveRisk: ['low', 'medium', 'high'], minSuccessRate: 0.5 },
};
const params = { ...DEFAULT_FLEET_PARAMS, patterns: 24 };
const typical = MIXES[0]!;
const easy = MIXES.find((m) => m.name === 'easy')!;
const B = 32;
const G = 4;

/** Core's functions wrapped to count their calls and what they planned. */
function counted() {
  const calls: Record<string, number> = {};
  let jobsPlanned = 0;
  const machinery = Object.fromEntries(
    Object.entries(CORE_MACHINERY).map(([name, f]) => [
      name,
      (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        const value = (f as (...a: unknown[]) => unknown)(...args);
        if (name === 'planLearningStep') jobsPlanned += (value as LearningPlan).jobs.length;
        return value;
      },
    ]),
  ) as unknown as Machinery;
  return { machinery, calls, jobsPlanned: () => jobsPlanned };
}

describe('runFleet', () => {
  it("runs core's own learning, approval and canary functions, no copies", () => {
    expect(CORE_MACHINERY).toEqual({
      createLearnerState,
      addCandidates,
      withPromotedIncumbents,
      planLearningStep,
      applyStepResults,
      shouldSync,
      approvalRequests,
      judgeCanary,
    });
    const { machinery, calls, jobsPlanned } = counted();
    const fleet = simulatedFleet(1, easy, params);
    const result = runFleet(fleet, productDefault(), 1, quick, machinery);
    // Every step plans with core; every step with arms applies with core; syncs ask core for approvals.
    expect(calls.planLearningStep).toBe(settings.steps);
    expect(calls.applyStepResults).toBe(settings.steps - result.idleSteps);
    expect(calls.approvalRequests).toBeGreaterThanOrEqual(1);
    expect(calls.withPromotedIncumbents).toBe(settings.steps);
    expect(calls.judgeCanary).toBeGreaterThan(0);
    expect(jobsPlanned()).toBe(result.rolloutsRun);
    expect(result.deployments.canaries).toBeGreaterThan(0);
    // Wrapping changes nothing: the run is what core's functions make of the fleet.
    expect(runFleet(fleet, productDefault(), 1, quick)).toEqual(result);
  });

  it('gives every curriculum the same budget and counts what it spends', () => {
    for (const seed of [1, 2]) {
      const fleet = simulatedFleet(seed, typical, params);
      const runs = COMPARED_CURRICULA.filter((c) =>
        ['sec keep τ 1', 'uniform', 'greedy'].includes(c.name),
      ).map((spec) => runFleet(fleet, spec, seed, settings));
      for (const r of runs) {
        expect(r.budget).toBe(settings.steps * B * G);
        // A step either spends B · G or, with nothing to draw, nothing: its budget is charged all the same.
        expect(r.rolloutsRun).toBe((settings.steps - r.idleSteps) * B * G);
        expect(r.rolloutsRun).toBeLessThanOrEqual(r.budget);
        expect(r.failuresWithoutFixes).toBe(runs[0]!.failuresWithoutFixes);
      }
    }
  });

  it('charges a curriculum that cannot spend its budget: a fleet with nothing to learn stays idle', () => {
    const hopeless: FleetMix = { name: 'hopeless', hopeless: 1, solved: 0, learnable: 0 };
    const fleet = simulatedFleet(3, hopeless, params);
    // No transient failures either: every rollout fails.
    const never = { ...fleet, patterns: fleet.patterns.map((p) => ({ ...p, transient: 0 })) };
    const r = runFleet(never, productDefault(), 3, settings);
    // Every candidate keeps failing: patterns are exhausted and the learner runs out of arms.
    expect(r.idleSteps).toBeGreaterThan(0);
    expect(r.budget).toBe(settings.steps * B * G);
    expect(r.rolloutsRun).toBe((settings.steps - r.idleSteps) * B * G);
    expect(r.failuresPrevented).toBeLessThanOrEqual(0);
    expect(r.patternsFixed).toBe(0);
  });

  it('learns and deploys fixes where there are fixes to learn, the same way for the same seed', () => {
    const fleet = simulatedFleet(4, easy, params);
    const greedy = COMPARED_CURRICULA.find((c) => c.name === 'greedy')!;
    const r = runFleet(fleet, greedy, 4, quick);
    expect(r.rolloutsToFirstFix.some((x) => x !== null)).toBe(true);
    expect(r.deployments.canaries).toBeGreaterThan(0);
    expect(r.failuresPrevented).toBeGreaterThan(0);
    expect(runFleet(fleet, greedy, 4, quick)).toEqual(r);
  });
});
