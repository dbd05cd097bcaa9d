// The demo's person-proposed fix that does harm: someone caps the router's answers at a few
// tokens to cut latency, proposes it for the router's most frequent pattern through the approvals
// API, and approves it. Every router call in its treatment arm is cut off mid-answer (the shortest,
// `{"function": "none"}`, takes 6), so the canary test should roll it back. It lands on the router
// because the router's calls mostly succeed: against a control that fails nearly every call, as the
// call step's does with a 135M model, no test can see a fix do harm.

import type { Fix } from '@arc-agent/core';

export const HARMFUL_FIX: Fix = { type: 'param_patch', params: { maxTokens: 4 } };

export const HARMFUL_FIX_COMMENT = 'routing is slow: cap its answers at 4 tokens';
