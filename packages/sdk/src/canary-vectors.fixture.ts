// Canary test vectors shared with the Python SDK: which arm of a fix's canary a call key lands in
// must not depend on the SDK that makes the call. Written to packages/sdk/test-vectors/canary.json
// by scripts/generate-test-vectors.ts; canary-vectors.test.ts checks the file against this code.

import { SeededRandom } from '@arc-agent/core';
import { type CanaryArm, canaryArm } from './canary-assignment.js';

export interface CanaryVector {
  fixId: string;
  callKey: string;
  share: number;
  /** The hash behind the arm: the first output of core's generator seeded with `fixId\u0000callKey`. */
  uniform: number;
  arm: CanaryArm;
}

const FIX_IDS = ['fix_1', 'fix_a3f9c2e1', 'cand_0123456789abcdef'];
const CALL_KEYS = ['1', '2', '3', '17', 'user-42', 'conversation:9f1c', '', 'é😀', 'a\u0000b'];
const SHARES = [0, 0.05, 0.25, 0.5, 0.9, 1];

export function canaryVectors(): CanaryVector[] {
  const vectors: CanaryVector[] = [];
  for (const fixId of FIX_IDS) {
    for (const callKey of CALL_KEYS) {
      const uniform = new SeededRandom(`${fixId}\u0000${callKey}`).next();
      for (const share of SHARES)
        vectors.push({ fixId, callKey, share, uniform, arm: canaryArm(fixId, callKey, share) });
    }
  }
  return vectors;
}
