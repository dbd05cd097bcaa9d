// Canary outcomes counted at ingest, so the deployment monitor reads a handful of counters instead
// of scanning events. The SDK tags every call made while canaries are live for its function (core's
// canary-call-tags.ts): `canaryFixIds` lists those canaries, `fixIds` the fixes the call actually
// got, `rescueFixId` a fix it got only as a second chance, `canaryAttempt` whether the event's
// attempt ended the call, and `arc.count` how many calls an aggregate success stands for. Each call
// counts once, with its final outcome: a call is a trial in each canary's treatment arm when it got
// that fix from the start, in its control arm otherwise, and a failure there when it failed in the
// end. A failed attempt that was retried is not an outcome; older SDKs' calls count by their first
// attempt (standsForCall). A verdict that a call was a wrong answer (POST /v1/feedback) carries the
// call's tags and fixes: it makes that call, counted when it returned, a failure of its arm.

import { CANARY_FIX_IDS_TAG, outcomeCount, RESCUE_FIX_ID_TAG, standsForCall } from '@arc-agent/core';
import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import type { PreparedEvent } from './storage.js';
import { run, type TransactionScript } from './transaction-script.js';

export type CanaryArm = 'treatment' | 'control';

export interface CanaryTally {
  fixId: string;
  arm: CanaryArm;
  /** Calls. */
  trials: number;
  /** Calls that failed in the end. */
  failures: number;
  /** Failed calls per pattern id of their final failure, to count the deployment's own pattern. */
  failuresByPattern: Map<string, number>;
}

/** Adds up the accepted events of a batch per canary fix and arm, in first-appearance order. */
export function tallyCanaryOutcomes(events: readonly PreparedEvent[]): CanaryTally[] {
  const tallies = new Map<string, CanaryTally>();
  for (const event of events) {
    const listed = event.tags[CANARY_FIX_IDS_TAG];
    if (listed === undefined || listed === '') continue;
    const verdict = event.verdict !== undefined;
    // A right verdict leaves its call the success it was counted as: nothing to add.
    if (verdict ? event.kind === 'success' : !standsForCall(event.tags, event.attempt)) continue;
    // A failure is one call; an aggregate success stands for as many as its count says; a wrong
    // answer's call was counted when it returned.
    const calls = verdict ? 0 : event.kind === 'failure' ? 1 : outcomeCount(event.tags);
    const patternId = event.fingerprint?.patternId;
    for (const fixId of new Set(listed.split(','))) {
      if (fixId === '') continue;
      const treated = event.fixIds.includes(fixId) && event.tags[RESCUE_FIX_ID_TAG] !== fixId;
      const arm: CanaryArm = treated ? 'treatment' : 'control';
      const key = `${arm}\u0000${fixId}`;
      let tally = tallies.get(key);
      if (tally === undefined) {
        tally = { fixId, arm, trials: 0, failures: 0, failuresByPattern: new Map() };
        tallies.set(key, tally);
      }
      tally.trials += calls;
      if (event.kind === 'failure') {
        tally.failures += 1;
        if (patternId !== undefined) {
          tally.failuresByPattern.set(patternId, (tally.failuresByPattern.get(patternId) ?? 0) + 1);
        }
      }
    }
  }
  return [...tallies.values()];
}

/**
 * Adds a batch's tallies (`tallyCanaryOutcomes`) to the counters of the live canary deployments
 * they name, inside the ingest transaction. Fix ids that are not a live canary (promoted meanwhile,
 * unknown) change nothing. Costs nothing for a batch without canary tags.
 */
export function* recordCanaryOutcomes(
  db: Kysely<Database>,
  projectId: string,
  tallies: readonly CanaryTally[],
): TransactionScript<void> {
  for (const tally of tallies) {
    const trials = tally.arm === 'treatment' ? 'treatment_trials' : 'control_trials';
    const failures = tally.arm === 'treatment' ? 'treatment_failures' : 'control_failures';
    const patternFailures =
      tally.arm === 'treatment' ? 'treatment_pattern_failures' : 'control_pattern_failures';
    const canary = db
      .updateTable('deployments')
      .where('project_id', '=', projectId)
      .where('fix_id', '=', tally.fixId)
      .where('status', '=', 'canary');
    const changed = yield* run(
      canary.set((eb) => ({
        [trials]: eb(trials, '+', tally.trials),
        [failures]: eb(failures, '+', tally.failures),
      })),
    );
    if (changed === 0) continue;
    for (const [patternId, count] of tally.failuresByPattern) {
      yield* run(
        canary
          .where('pattern_id', '=', patternId)
          .set((eb) => ({ [patternFailures]: eb(patternFailures, '+', count) })),
      );
    }
  }
}
