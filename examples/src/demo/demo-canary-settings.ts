// The canary settings of `arc demo`, and how many production calls a canary of the demo sees.

import type { DemoOptions } from './demo-options.js';
import { trafficRounds } from './traffic-rounds.js';

/**
 * Canary settings for the demo's traffic (tens of calls per canary, not thousands): half the calls
 * in the treatment, alpha 0.05, no horizon within a run (one would promote a harmful fix the test
 * has not caught yet; a fix not shown better stays a canary), and the failure backstop out of the
 * way so that the test decides. demo-canary-settings.test.ts checks them by simulation at the
 * demo's sizes.
 */
export const DEMO_CANARY_SETTINGS = {
  canaryShare: 0.5,
  canaryAlpha: 0.05,
  canaryMaxTrials: 10_000,
  canaryMaxFailures: 200,
} as const;

/**
 * Production calls served after the first step, when the person's fix goes in: the traffic its
 * canary is judged on (every round but the first).
 */
export function callsAfterFirstStep(options: Pick<DemoOptions, 'learningTasks' | 'steps'>): number {
  const rounds = trafficRounds(Array.from({ length: options.learningTasks }), options.steps);
  return options.learningTasks - rounds[0]!.length;
}
