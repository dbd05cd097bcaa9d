// The demo's result as `--report` writes it (issue 7): scores before and after on the held-out
// set, failures by category, the patterns Arc found, the fixes it deployed with their evidence,
// the rollouts it ran and the curriculum at every step.

import type { Fix } from '@arc-agent/core';
import type { PhaseUsage } from './model-usage.js';

/** One held-out task's outcome: solved by BFCL's checker, or the category of its failure. */
export interface TaskOutcome {
  taskId: string;
  /** BFCL's category of the task (simple, multiple, parallel, irrelevance). */
  taskCategory: string;
  solved: boolean;
  /** The agent's typed error (`AgentOutputParseError`, …) or `checker:<BFCL error type>`. */
  category?: string;
  /** The model's text (after any output repair). */
  output: string;
}

export interface HeldOutScore {
  successRate: number;
  tasks: number;
}

/** One arm of a step's draw. */
export interface CurriculumArm {
  patternId: string;
  category: string;
  /** The probability the step drew this arm with. */
  probability: number;
  /** Times the step drew it (of B). */
  drawn: number;
  /** Its SEC reward this step, mean |A| over its rollouts (absent when not drawn). */
  reward?: number;
  /** Q after the step's update. */
  q: number;
}

export interface CurriculumSnapshot {
  step: number;
  arms: CurriculumArm[];
}

/** The held-out score with the fixes live after a step (step 0: the baseline), and the rollouts spent by then. */
export interface HeldOutPoint {
  step: number;
  rollouts: number;
  successRate: number;
}

export interface ReportedPattern {
  id: string;
  /** The agent's step: `bfcl_route` (the router) or `bfcl_answer` (the call). */
  function: string;
  category: string;
  /** The agent's error type the pattern groups (`AgentOutputParseError`, …). */
  errorType: string;
  message: string;
  occurrences: number;
}

export interface DeployedFixReport {
  /** The agent's step the fix applies to. */
  function: string;
  patternId: string;
  fix: Fix;
  status: string;
  risk: string;
  /** Posterior mean success rate minus the incumbent's, on the pattern's failing inputs. */
  improvement: number;
  /** Posterior probability that it beats the incumbent. */
  confidence: number;
  /** `arc` when auto-approved, else who approved it. */
  approvedBy: string;
  /** The calls its canary counted in each arm, and how many of them failed as Arc saw them. */
  treatment: ArmCalls;
  control: ArmCalls;
}

export interface ArmCalls {
  trials: number;
  failures: number;
}

/** A deployment the canary test rolled back, and the learning step after which its traffic ran. */
export interface RollbackReport {
  fixId: string;
  patternId: string;
  /** The test's reason, e.g. `canary test: function: harm`. */
  reason: string;
  step: number;
}

export interface DemoReport {
  model: string;
  seed: number;
  baseline: HeldOutScore;
  /** With the fixes as production applies them: promoted ones to every call, canaries at their share. */
  final: HeldOutScore;
  /** With the promoted fixes only. */
  promotedOnly: HeldOutScore;
  /** Held-out success per BFCL category, before and after (production's fixes). */
  byTaskCategory: Record<string, { tasks: number; before: number; after: number }>;
  /** Held-out failures per category, before and after. */
  byCategory: Record<string, { before: number; after: number }>;
  patterns: ReportedPattern[];
  fixesDeployed: DeployedFixReport[];
  rollbacks: RollbackReport[];
  /** Rollouts the learner got back, over all steps. */
  rollouts: number;
  curriculum: CurriculumSnapshot[];
  /** With `evaluateEachStep`: the held-out score after every step, the last one being `final`. */
  heldOutByStep?: HeldOutPoint[];
  /** Each held-out task's outcome, before and after (production's fixes). */
  heldOut: { baseline: TaskOutcome[]; final: TaskOutcome[] };
  /** The production traffic, round by round: what two runs with one seed both see. */
  traffic: TaskOutcome[][];
  /** Where the time went: model calls by phase, and the run's wall-clock and CPU seconds. */
  usage: {
    phases: Record<string, PhaseUsage>;
    total: PhaseUsage;
    wallSeconds: number;
    /** CPU this process used (the model, Arc's server, the SDK). */
    cpuSeconds: number;
    /** The machine's 1-minute load average at the end: how busy it was besides the demo. */
    loadAverage: number;
  };
}

export function scoreOf(outcomes: readonly TaskOutcome[]): HeldOutScore {
  const solved = outcomes.filter((o) => o.solved).length;
  return { successRate: outcomes.length === 0 ? 0 : solved / outcomes.length, tasks: outcomes.length };
}

export function failuresByCategory(
  before: readonly TaskOutcome[],
  after: readonly TaskOutcome[],
): Record<string, { before: number; after: number }> {
  const table: Record<string, { before: number; after: number }> = {};
  const count = (outcomes: readonly TaskOutcome[], side: 'before' | 'after') => {
    for (const o of outcomes) {
      if (o.solved || o.category === undefined) continue;
      table[o.category] ??= { before: 0, after: 0 };
      table[o.category]![side]++;
    }
  };
  count(before, 'before');
  count(after, 'after');
  return table;
}

/** Held-out success per BFCL category: tasks, solved before and solved after. */
export function successByTaskCategory(
  before: readonly TaskOutcome[],
  after: readonly TaskOutcome[],
): Record<string, { tasks: number; before: number; after: number }> {
  const table: Record<string, { tasks: number; before: number; after: number }> = {};
  for (const o of before) {
    table[o.taskCategory] ??= { tasks: 0, before: 0, after: 0 };
    table[o.taskCategory]!.tasks++;
    if (o.solved) table[o.taskCategory]!.before++;
  }
  for (const o of after) {
    table[o.taskCategory] ??= { tasks: 0, before: 0, after: 0 };
    if (o.solved) table[o.taskCategory]!.after++;
  }
  return table;
}
