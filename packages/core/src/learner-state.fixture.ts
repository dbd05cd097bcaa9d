import { candidateFix } from './candidate-generators/candidate-fix.js';
import type { Category } from './failure-category.js';
import type { Fix } from './fix-types.js';
import {
  addCandidates,
  createLearnerState,
  type LearnerCandidate,
  type LearnerState,
} from './learner-state.js';

export const REPAIR: Fix = { type: 'output_repair', json: true, coerce: false };
export const GREEDY: Fix = { type: 'param_patch', params: { temperature: 0 } };
export const RETRY: Fix = {
  type: 'retry_policy',
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  jitter: 'full',
  retryOn: { categories: ['timeout'], statuses: [] },
};

/** A learner whose patterns have the given fixes as candidates (after the incumbent "no fix"). */
export function learnerWith(
  patterns: readonly { id: string; fixes: readonly Fix[]; function?: string; category?: Category }[],
  seed: number | string = 1,
): LearnerState {
  let state = createLearnerState({ seed });
  for (const p of patterns) {
    state = addCandidates(
      state,
      { id: p.id, function: p.function ?? 'fn', category: p.category ?? 'parsing_error' },
      p.fixes.map((fix) => candidateFix(fix, 'rule', `fix for ${p.id}`)),
    );
  }
  return state;
}

/** The state with one candidate's fields replaced (by index: 0 is the incumbent). */
export function withCandidate(
  state: LearnerState,
  patternId: string,
  index: number,
  patch: Partial<LearnerCandidate>,
): LearnerState {
  return {
    ...state,
    patterns: state.patterns.map((p) =>
      p.id !== patternId
        ? p
        : { ...p, candidates: p.candidates.map((c, i) => (i === index ? { ...c, ...patch } : c)) },
    ),
  };
}

export function idOf(state: LearnerState, patternId: string, index: number): string {
  return state.patterns.find((p) => p.id === patternId)!.candidates[index]!.id;
}

/** Freezes a value deeply, so a function that changes its input throws (ES modules are strict). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
