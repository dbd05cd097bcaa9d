// The demo's person-proposed fix that does harm: someone caps the agent's answers at a few tokens
// to cut latency, proposes it for the most frequent pattern through the approvals API, and approves
// it. Every call in its treatment arm is cut off mid-call (only `[]` fits), so the canary test
// should roll it back.

import type { Fix } from '@arc-agent/core';

export const HARMFUL_FIX: Fix = { type: 'param_patch', params: { maxTokens: 12 } };

export const HARMFUL_FIX_COMMENT = 'answers are slow: cap them at 12 tokens';
