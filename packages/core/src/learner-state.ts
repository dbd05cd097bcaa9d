import type { CandidateFix, CandidateOrigin } from './candidate-generators/candidate-fix.js';
import { type Category, isCategory } from './failure-category.js';
import { FixPolicy } from './fix-policy.js';
import { type Fix, parseFix } from './fix-types.js';
import type { PatternTraffic } from './recent-failures.js';
import { SecCurriculum, type SecCurriculumJSON, type SecCurriculumOptions } from './sec-curriculum.js';
import { type RandomSeed, SeededRandom, type SeededRandomState } from './seeded-random.js';

/** Id of the incumbent of a pattern that has no fix deployed. Candidate ids are `fix_…` hashes. */
export const NO_FIX_ID = 'none';

/** Rewards summed (a reward of 0.7 is 0.7 of a success) over a number of rollouts. */
export interface Evidence {
  successes: number;
  trials: number;
}

export interface LearnerCandidate {
  id: string;
  /** What the rollout applies; null for the incumbent "no fix". */
  fix: Fix | null;
  origin: CandidateOrigin | 'incumbent';
  rationale: string;
  /** Logit of the fix policy. */
  theta: number;
  /** Rollouts on the pattern's failing examples: what the candidate is judged by. */
  failing: Evidence;
  /** Rollouts on inputs of the same function that currently succeed: what it must not break. */
  guard: Evidence;
  /** Distinct failing examples it was tried on. */
  examples: string[];
}

export interface PatternLearnerState {
  id: string;
  function: string;
  category: Category;
  /** `candidates[0]` is the incumbent (what is deployed now). */
  candidates: LearnerCandidate[];
  /** Candidates reported as learning results against the current incumbent. */
  reported: string[];
  /** Steps in a row in which every failing-input reward was 0. */
  zeroRewardSteps: number;
  /** Reported as exhausted and not planned until new candidates arrive. */
  exhausted: boolean;
  /** Succeeding inputs of its function were available at the last plan, so candidates need guard trials. */
  guarded: boolean;
  /** It was given with failing examples at the last plan: one of the curriculum's arms if it has candidates. */
  replayable: boolean;
  /** Its failures as of the last plan; absent before its first. */
  traffic?: PatternTraffic;
}

/**
 * Everything the learner knows, as plain JSON: persist it with `JSON.stringify` after every step and
 * restore it with `learnerStateFromJSON`; a restored learner plans exactly the same next step.
 * States are values: no function here or in `learning-step.ts` changes the state it is given.
 */
export interface LearnerState {
  version: 1;
  /** Learning steps applied so far. */
  step: number;
  /** Stream for problem and candidate draws (SEC keeps its own in `sec`). */
  rng: SeededRandomState;
  sec: SecCurriculumJSON;
  patterns: PatternLearnerState[];
}

export interface LearnerStateOptions {
  seed?: RandomSeed;
  /** SEC's α, τ, unsampled-arm policy and history length (its seed is `seed`). */
  sec?: Omit<SecCurriculumOptions, 'seed'>;
}

export function createLearnerState(options: LearnerStateOptions = {}): LearnerState {
  const seed = options.seed ?? 0;
  return {
    version: 1,
    step: 0,
    // A stream apart from SEC's, so arm draws and problem draws are not the same numbers.
    rng: new SeededRandom(JSON.stringify(['learner', seed])).getState(),
    sec: new SecCurriculum({ ...options.sec, seed }).toJSON(),
    patterns: [],
  };
}

const emptyEvidence = (): Evidence => ({ successes: 0, trials: 0 });

function noFix(): LearnerCandidate {
  return {
    id: NO_FIX_ID,
    fix: null,
    origin: 'incumbent',
    rationale: 'What is deployed now: no fix.',
    theta: 0,
    failing: emptyEvidence(),
    guard: emptyEvidence(),
    examples: [],
  };
}

/**
 * The fix policy of a pattern: its logits, and its candidates' evidence from all their rollouts.
 * Candidates in `setAside` are left out (never the incumbent): the policy is the softmax over the
 * others, so sampling from it and its gradient are those of the distribution rollouts come from.
 */
export function fixPolicyOf(
  pattern: PatternLearnerState,
  setAside: ReadonlySet<string> = new Set(),
): FixPolicy {
  return FixPolicy.fromJSON({
    version: 1,
    candidates: pattern.candidates
      .filter((c, i) => i === 0 || !setAside.has(c.id))
      .map((c) => ({
        id: c.id,
        theta: c.theta,
        successes: c.failing.successes + c.guard.successes,
        trials: c.failing.trials + c.guard.trials,
      })),
  });
}

/**
 * Candidates a pattern keeps at most, its incumbent included. Every exhaustion of a pattern brings
 * new ones (combinations, an analyst's proposals) and the whole state is stored at every step, so a
 * pattern nothing fixes must not grow it without end.
 */
export const MAX_CANDIDATES_PER_PATTERN = 64;

/**
 * Adds a pattern's candidates (a new pattern starts with the incumbent "no fix"). A candidate
 * starts with the incumbent's logit plus its `warmStartTheta`; ids already present are skipped, and
 * so are those past MAX_CANDIDATES_PER_PATTERN (a pattern that has tried that many stays
 * exhausted). New candidates lift the pattern's exhaustion: it is planned again.
 */
export function addCandidates(
  state: LearnerState,
  pattern: { id: string; function: string; category: Category },
  candidates: readonly CandidateFix[],
): LearnerState {
  if (typeof pattern?.id !== 'string' || pattern.id === '')
    throw new TypeError('pattern.id must be a non-empty string');
  if (typeof pattern.function !== 'string') throw new TypeError('pattern.function must be a string');
  if (!isCategory(pattern.category)) throw new TypeError('pattern.category must be a known category');
  if (!Array.isArray(candidates)) throw new TypeError('candidates must be an array');
  const existing = state.patterns.find((p) => p.id === pattern.id);
  const list = existing ? [...existing.candidates] : [noFix()];
  const incumbentTheta = list[0]!.theta;
  let added = 0;
  candidates.forEach((c, i) => {
    if (typeof c?.id !== 'string' || c.id === '')
      throw new TypeError(`candidates[${i}].id must be a non-empty string`);
    const parsed = parseFix(c.fix);
    if (!parsed.ok) throw new TypeError(`candidates[${i}].${parsed.field} ${parsed.error}`);
    const warm = c.warmStartTheta ?? 0;
    if (!Number.isFinite(warm))
      throw new TypeError(`candidates[${i}].warmStartTheta must be a finite number`);
    if (list.some((known) => known.id === c.id) || list.length >= MAX_CANDIDATES_PER_PATTERN) return;
    list.push({
      id: c.id,
      fix: parsed.value,
      origin: c.origin,
      rationale: c.rationale,
      theta: incumbentTheta + warm,
      failing: emptyEvidence(),
      guard: emptyEvidence(),
      examples: [],
    });
    added++;
  });
  const next: PatternLearnerState = existing
    ? { ...existing, function: pattern.function, category: pattern.category, candidates: list }
    : {
        id: pattern.id,
        function: pattern.function,
        category: pattern.category,
        candidates: list,
        reported: [],
        zeroRewardSteps: 0,
        exhausted: false,
        guarded: false,
        replayable: false,
      };
  if (added > 0) Object.assign(next, { exhausted: false, zeroRewardSteps: 0 });
  return {
    ...state,
    patterns: existing ? state.patterns.map((p) => (p === existing ? next : p)) : [...state.patterns, next],
  };
}

/**
 * Makes a candidate the pattern's incumbent (after its fix was deployed to everyone): it moves to
 * the front with its evidence, the former incumbent stays as a candidate (a way back), and results
 * are reported afresh against the new incumbent.
 */
export function setIncumbent(state: LearnerState, patternId: string, candidateId: string): LearnerState {
  const pattern = state.patterns.find((p) => p.id === patternId);
  if (pattern === undefined)
    throw new RangeError(`patternId '${patternId}' is not a pattern of this learner`);
  const candidate = pattern.candidates.find((c) => c.id === candidateId);
  if (candidate === undefined)
    throw new RangeError(`candidateId '${candidateId}' is not a candidate of '${patternId}'`);
  const next: PatternLearnerState = {
    ...pattern,
    candidates: [candidate, ...pattern.candidates.filter((c) => c !== candidate)],
    reported: [],
  };
  return { ...state, patterns: state.patterns.map((p) => (p === pattern ? next : p)) };
}

/** A fix promoted to every call of a pattern's function. */
export interface PromotedFix {
  patternId: string;
  function: string;
  /** The candidate id of the fix (`fixId(fix)`). */
  fixId: string;
  fix: Fix;
}

/** Rationale of an incumbent that did not come from the learner's generators. */
const DEPLOYED_RATIONALE =
  "Promoted to production without being one of the learner's candidates (a person's proposal, or a fix from before this learner state).";

/**
 * Each pattern's incumbent made what production runs: the fix promoted for it (on its function), or
 * "no fix" when none is. A promoted fix that is not among the pattern's candidates (a person's
 * proposal, approved and promoted) joins them with the origin 'deployed', so the learner's
 * baseline and its replays are what production runs; in a pattern already at
 * MAX_CANDIDATES_PER_PATTERN it takes the place of the weakest candidate (never "no fix", the way
 * back after a rollback).
 */
export function withPromotedIncumbents(state: LearnerState, promoted: readonly PromotedFix[]): LearnerState {
  let next = state;
  for (const pattern of state.patterns) {
    const live = promoted.find((d) => d.patternId === pattern.id && d.function === pattern.function);
    const wanted = live?.fixId ?? NO_FIX_ID;
    if (pattern.candidates[0]!.id === wanted) continue;
    if (!pattern.candidates.some((c) => c.id === wanted)) {
      if (live === undefined) continue;
      next = addCandidates(withRoomForOneCandidate(next, pattern.id), pattern, [
        { id: live.fixId, fix: live.fix, origin: 'deployed', rationale: DEPLOYED_RATIONALE },
      ]);
    }
    next = setIncumbent(next, pattern.id, wanted);
  }
  return next;
}

/** The pattern without its weakest fix candidate (last of `rankCandidates`) when it is full. */
function withRoomForOneCandidate(state: LearnerState, patternId: string): LearnerState {
  const pattern = state.patterns.find((p) => p.id === patternId)!;
  if (pattern.candidates.length < MAX_CANDIDATES_PER_PATTERN) return state;
  const weakest = rankCandidates(state, patternId).at(-1)!.id;
  const next: PatternLearnerState = {
    ...pattern,
    candidates: pattern.candidates.filter((c) => c.id !== weakest),
    reported: pattern.reported.filter((id) => id !== weakest),
  };
  return { ...state, patterns: state.patterns.map((p) => (p === pattern ? next : p)) };
}

/** A candidate with a fix (every one but the "no fix" placeholder, whose origin is 'incumbent'). */
export function isFixCandidate(
  c: LearnerCandidate,
): c is LearnerCandidate & { fix: Fix; origin: CandidateOrigin } {
  return c.fix !== null;
}

/** Posterior mean success rate on failing inputs, Beta(1 + s, 1 + f). */
export const posteriorMean = (e: Evidence) => (1 + e.successes) / (2 + e.trials);

/**
 * A pattern's candidates other than the incumbent, best first by posterior mean success rate on
 * failing inputs (ties by id): the input of `combineCandidates` when a pattern is exhausted.
 */
export function rankCandidates(state: LearnerState, patternId: string): CandidateFix[] {
  const pattern = state.patterns.find((p) => p.id === patternId);
  if (pattern === undefined)
    throw new RangeError(`patternId '${patternId}' is not a pattern of this learner`);
  return pattern.candidates
    .slice(1)
    .filter((c): c is LearnerCandidate & { fix: Fix } => c.fix !== null)
    .sort(
      (a, b) =>
        posteriorMean(b.failing) - posteriorMean(a.failing) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map((c) => ({
      id: c.id,
      fix: c.fix,
      origin: c.origin === 'incumbent' ? 'rule' : c.origin,
      rationale: c.rationale,
    }));
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ORIGINS = new Set(['rule', 'mined', 'transfer', 'analyst', 'combination', 'deployed', 'incumbent']);

function evidence(value: unknown, field: string): Evidence {
  if (
    !isObject(value) ||
    !Number.isInteger(value.trials) ||
    (value.trials as number) < 0 ||
    typeof value.successes !== 'number' ||
    !(value.successes >= 0 && value.successes <= (value.trials as number))
  ) {
    throw new TypeError(`${field} must be { successes, trials } with 0 <= successes <= trials`);
  }
  return { successes: value.successes, trials: value.trials as number };
}

function candidate(value: unknown, field: string): LearnerCandidate {
  if (!isObject(value)) throw new TypeError(`${field} must be an object`);
  if (typeof value.id !== 'string' || value.id === '')
    throw new TypeError(`${field}.id must be a non-empty string`);
  let fix: Fix | null = null;
  if (value.fix !== null) {
    const parsed = parseFix(value.fix);
    if (!parsed.ok) throw new TypeError(`${field}.${parsed.field} ${parsed.error}`);
    fix = parsed.value;
  }
  // Only the "no fix" placeholder has no fix, and it alone has the origin 'incumbent'.
  if (!ORIGINS.has(value.origin as string) || (fix === null) !== (value.origin === 'incumbent')) {
    throw new TypeError(`${field}.origin must be 'incumbent' exactly when fix is null, else a known origin`);
  }
  if (typeof value.rationale !== 'string') throw new TypeError(`${field}.rationale must be a string`);
  if (typeof value.theta !== 'number' || !Number.isFinite(value.theta)) {
    throw new TypeError(`${field}.theta must be a finite number`);
  }
  if (!Array.isArray(value.examples) || !value.examples.every((e) => typeof e === 'string')) {
    throw new TypeError(`${field}.examples must be an array of strings`);
  }
  return {
    id: value.id,
    fix,
    origin: value.origin as LearnerCandidate['origin'],
    rationale: value.rationale,
    theta: value.theta,
    failing: evidence(value.failing, `${field}.failing`),
    guard: evidence(value.guard, `${field}.guard`),
    examples: [...value.examples],
  };
}

function patternState(value: unknown, field: string): PatternLearnerState {
  if (!isObject(value)) throw new TypeError(`${field} must be an object`);
  if (typeof value.id !== 'string' || value.id === '')
    throw new TypeError(`${field}.id must be a non-empty string`);
  if (typeof value.function !== 'string') throw new TypeError(`${field}.function must be a string`);
  if (!isCategory(value.category)) throw new TypeError(`${field}.category must be a known category`);
  if (!Array.isArray(value.candidates) || value.candidates.length === 0) {
    throw new TypeError(`${field}.candidates must be a non-empty array`);
  }
  const candidates = value.candidates.map((c, i) => candidate(c, `${field}.candidates[${i}]`));
  const ids = new Set(candidates.map((c) => c.id));
  if (ids.size !== candidates.length) throw new TypeError(`${field}.candidates repeats an id`);
  if (!Array.isArray(value.reported) || !value.reported.every((r) => typeof r === 'string' && ids.has(r))) {
    throw new TypeError(`${field}.reported must list ids of its candidates`);
  }
  if (!Number.isInteger(value.zeroRewardSteps) || (value.zeroRewardSteps as number) < 0) {
    throw new TypeError(`${field}.zeroRewardSteps must be an integer >= 0`);
  }
  if (typeof value.exhausted !== 'boolean') throw new TypeError(`${field}.exhausted must be a boolean`);
  if (typeof value.guarded !== 'boolean') throw new TypeError(`${field}.guarded must be a boolean`);
  // States saved before these fields existed have neither: the next plan sets both.
  if (value.replayable !== undefined && typeof value.replayable !== 'boolean')
    throw new TypeError(`${field}.replayable must be a boolean`);
  const traffic = value.traffic === undefined ? undefined : patternTraffic(value.traffic, `${field}.traffic`);
  return {
    id: value.id,
    function: value.function,
    category: value.category,
    candidates,
    reported: [...value.reported],
    zeroRewardSteps: value.zeroRewardSteps as number,
    exhausted: value.exhausted,
    guarded: value.guarded,
    replayable: value.replayable ?? false,
    ...(traffic !== undefined ? { traffic } : {}),
  };
}

function patternTraffic(value: unknown, field: string): PatternTraffic {
  const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!isObject(value) || !count(value.occurrences) || !count(value.recentFailures)) {
    throw new TypeError(`${field} must be { occurrences, recentFailures }, finite numbers >= 0`);
  }
  return { occurrences: value.occurrences as number, recentFailures: value.recentFailures as number };
}

/**
 * Validates persisted (or otherwise untrusted) learner state and returns a fresh copy; errors name
 * the offending field (`state.patterns[2].candidates[1].theta`).
 */
export function learnerStateFromJSON(value: unknown): LearnerState {
  if (!isObject(value) || value.version !== 1) throw new TypeError('state must be an object with version 1');
  if (!Number.isInteger(value.step) || (value.step as number) < 0)
    throw new TypeError('state.step must be an integer >= 0');
  const rng = SeededRandom.fromState(value.rng as SeededRandomState).getState();
  const sec = SecCurriculum.fromJSON(value.sec as SecCurriculumJSON).toJSON();
  if (!Array.isArray(value.patterns)) throw new TypeError('state.patterns must be an array');
  const patterns = value.patterns.map((p, i) => patternState(p, `state.patterns[${i}]`));
  if (new Set(patterns.map((p) => p.id)).size !== patterns.length)
    throw new TypeError('state.patterns repeats an id');
  return { version: 1, step: value.step as number, rng, sec, patterns };
}
