import { SeededRandom } from '@arc-agent/core';

export type CanaryArm = 'treatment' | 'control';

/**
 * Which arm of a fix's canary a call belongs to: a hash of (fix id, call key) mapped to [0, 1)
 * and compared with the share. Deterministic, so the same call key (a user, a conversation, a
 * retried request) always lands in the same arm of the same fix, on any process; independent
 * across fixes, because the fix id is part of the hash. The hash is core's seeded generator's
 * seed absorber, whose first output is uniform.
 */
export function canaryArm(fixId: string, callKey: string, share: number): CanaryArm {
  if (share >= 1) return 'treatment';
  if (share <= 0) return 'control';
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  return new SeededRandom(`${fixId}\u0000${callKey}`).next() < share ? 'treatment' : 'control';
}
