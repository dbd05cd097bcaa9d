// The demo's canary settings, checked by simulation at the demo's sizes through the server's own
// decision (core's judgeCanary, which the deployment monitor runs): a fix that helps is never
// rolled back and one that changes nothing rarely is; a fix that makes every call fail is rolled
// back by the test only against a control arm that succeeds often enough: the router's, not the
// call step's.

import { judgeCanary, SeededRandom } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { callsAfterFirstStep, DEMO_CANARY_SETTINGS } from './demo-canary-settings.js';
import { resolveDemoOptions } from './demo-options.js';

interface Outcome {
  decision: 'continue' | 'promote' | 'rollback';
  reason: string;
}

/**
 * One canary over `calls` production calls, judged after each as the demo judges after each round
 * (more often, so never later): each call goes to the treatment with the canary share and fails
 * with its arm's rate; failures count for the fix's pattern with `patternShare`.
 */
function simulate(
  random: SeededRandom,
  calls: number,
  failRate: { treatment: number; control: number },
  patternShare: { treatment: number; control: number },
): Outcome {
  const arms = {
    treatment: { trials: 0, failures: 0, patternFailures: 0 },
    control: { trials: 0, failures: 0, patternFailures: 0 },
  };
  for (let i = 0; i < calls; i++) {
    const arm = random.next() < DEMO_CANARY_SETTINGS.canaryShare ? 'treatment' : 'control';
    arms[arm].trials++;
    if (random.next() < failRate[arm]) {
      arms[arm].failures++;
      if (random.next() < patternShare[arm]) arms[arm].patternFailures++;
    }
    const verdict = judgeCanary(
      { canaryShare: DEMO_CANARY_SETTINGS.canaryShare, ...arms },
      DEMO_CANARY_SETTINGS,
    );
    if (verdict.decision !== 'continue') return { decision: verdict.decision, reason: verdict.reason };
  }
  return { decision: 'continue', reason: 'undecided' };
}

function rates(runs: number, run: (random: SeededRandom) => Outcome) {
  const random = new SeededRandom('demo canary settings');
  const outcomes = Array.from({ length: runs }, () => run(random));
  const share = (test: (o: Outcome) => boolean) => outcomes.filter(test).length / runs;
  return {
    rolledBackByTest: share((o) => o.decision === 'rollback' && o.reason.endsWith(': harm')),
    rolledBack: share((o) => o.decision === 'rollback'),
    promotedByHorizon: share((o) => o.reason.endsWith(': horizon')),
  };
}

const RUNS = 400;
const sizes = {
  quick: callsAfterFirstStep(resolveDemoOptions({ quick: true })),
  full: callsAfterFirstStep(resolveDemoOptions()),
};

describe('the demo canary settings at the demo sizes', () => {
  it('count the calls a canary proposed after step 1 sees', () => {
    expect(sizes).toEqual({ quick: 48, full: 128 });
  });

  // The call step's control fails nearly every call as Arc sees it: 144 of 144 traffic calls
  // failed the agent's checks or BFCL's verdict in the quick runs of seeds 7, 8 and 9 before the
  // router came in (prose before any fix), and with Arc's structured-output fix 42 of 48 still do
  // (design seed 1's learning pool). Harm shows only against calls that succeed: there a fix that
  // makes every call fail is no worse than control, and the test treats it as it must treat a
  // no-op. That is why the person's fix lands on the router.
  it.each(Object.entries(sizes))(
    '%s (%i calls): against a control failing every call, the fix that makes every call fail is rolled back at most at alpha',
    (_mode, calls) => {
      const harmful = rates(RUNS, (random) =>
        simulate(random, calls, { treatment: 1, control: 1 }, { treatment: 0, control: 0.5 }),
      );
      expect(harmful.rolledBack).toBeLessThanOrEqual(DEMO_CANARY_SETTINGS.canaryAlpha);
      expect(harmful.promotedByHorizon).toBe(0);
    },
  );

  // The router's control fails about 40 % of its calls: 19 of 48 on design seed 1's learning pool
  // answered directly, 8 of 20 control calls in that seed's quick demo, and up to 11 of 23 in the
  // quick runs measured since. The quick run serves 64 pool tasks so that its canary sees 48 calls:
  // at 36 (48 tasks) the test caught the fix in 88 % of simulated runs at 40 % and 79 % at 45 %;
  // at 48 it does in 98 % and 95 %, and in every full run.
  it.each([
    ['quick', sizes.quick, 0.4, 0.95],
    ['quick', sizes.quick, 0.45, 0.9],
    ['full', sizes.full, 0.4, 0.99],
  ] as const)(
    '%s (%i calls): with control failing %f of calls, the test rolls back a fix that makes every call fail in at least %f of runs',
    (_mode, calls, controlFailRate, power) => {
      const harmful = rates(RUNS, (random) =>
        simulate(random, calls, { treatment: 1, control: controlFailRate }, { treatment: 0, control: 0.5 }),
      );
      expect(harmful.rolledBackByTest).toBeGreaterThanOrEqual(power);
      expect(harmful.promotedByHorizon).toBe(0);
    },
  );

  it.each(Object.entries(sizes))('%s (%i calls): a fix that helps is never rolled back', (_mode, calls) => {
    const helpful = rates(RUNS, (random) =>
      simulate(random, calls, { treatment: 0.2, control: 0.5 }, { treatment: 0.2, control: 0.8 }),
    );
    expect(helpful.rolledBack).toBe(0);
  });

  it.each(Object.entries(sizes))(
    '%s (%i calls): a fix that changes nothing is rolled back at most at alpha',
    (_mode, calls) => {
      const neutral = rates(RUNS, (random) =>
        simulate(random, calls, { treatment: 0.5, control: 0.5 }, { treatment: 0.5, control: 0.5 }),
      );
      expect(neutral.rolledBack).toBeLessThanOrEqual(DEMO_CANARY_SETTINGS.canaryAlpha);
    },
  );
});
