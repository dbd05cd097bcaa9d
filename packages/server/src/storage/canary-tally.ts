// Canary outcomes counted at ingest, so the deployment monitor reads a handful of counters instead
// of scanning events. The SDK tags every call made while canaries are live for its function:
// `canaryFixIds` lists those canaries, `fixIds` the fixes the call actually got, `rescueFixId` a fix
// it got only as a second chance after failing in a control arm, and `arc.count` how many calls an
// aggregate success stands for. A call is in a canary's treatment arm when it got that fix from the
// start, in its control arm otherwise.

import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import type { PreparedEvent } from './storage.js';
import { run, type TransactionScript } from './transaction-script.js';

export type CanaryArm = 'treatment' | 'control';

export interface CanaryTally {
  fixId: string;
  arm: CanaryArm;
  trials: number;
  failures: number;
  /** Failures per pattern id, to count the deployment's own pattern. */
  failuresByPattern: Map<string, number>;
}

export const CANARY_FIX_IDS_TAG = 'canaryFixIds';
export const RESCUE_FIX_ID_TAG = 'rescueFixId';
export const COUNT_TAG = 'arc.count';

/** How many calls an event stands for: an aggregate success its `arc.count`, anything else one. */
function callsOf(event: PreparedEvent): number {
  if (event.kind === 'failure') return 1;
  const text = event.tags[COUNT_TAG];
  if (text === undefined || !/^[0-9]{1,9}$/.test(text)) return 1;
  return Math.max(1, Number(text));
}

/** Adds up the accepted events of a batch per canary fix and arm, in first-appearance order. */
export function tallyCanaryOutcomes(events: readonly PreparedEvent[]): CanaryTally[] {
  const tallies = new Map<string, CanaryTally>();
  for (const event of events) {
    const listed = event.tags[CANARY_FIX_IDS_TAG];
    if (listed === undefined || listed === '') continue;
    const calls = callsOf(event);
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
 * Adds a batch's tallies to the counters of the live canary deployments they name, inside the
 * ingest transaction. Fix ids that are not a live canary (promoted meanwhile, unknown) change
 * nothing. Costs nothing for a batch without canary tags.
 */
export function* recordCanaryOutcomes(
  db: Kysely<Database>,
  projectId: string,
  events: readonly PreparedEvent[],
): TransactionScript<void> {
  for (const tally of tallyCanaryOutcomes(events)) {
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
