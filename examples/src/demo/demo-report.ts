// The demo's result as `--report` writes it (issue 7): scores before and after on the held-out
// set, failures by category, the patterns Arc found, the fixes it deployed with their evidence,
// the rollouts it ran and the curriculum at every step.

import type { Fix } from '@arc-agent/core';

/** One held-out task's outcome: solved by BFCL's checker, or the category of its failure. */
export interface TaskOutcome {
  taskId: string;
  /** BFCL's category of the task (simple, multiple, parallel, irrelevance). */
  taskCategory: string;
  solved: boolean;
  /** The agent's typed error (`AgentOutputParseError`, …) or `checker:<BFCL error type>`. */
  category?: string;
}

export interface HeldOutScore {
  successRate: number;
  tasks: number;
}

export interface CurriculumArm {
  patternId: string;
  category: string;
  q: number;
  probability: number;
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
  category: string;
  /** The agent's error type the pattern groups (`AgentOutputParseError`, …). */
  errorType: string;
  message: string;
  occurrences: number;
}

export interface DeployedFixReport {
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
}

export interface DemoReport {
  model: string;
  baseline: HeldOutScore;
  final: HeldOutScore;
  /** Held-out failures per category, before and after. */
  byCategory: Record<string, { before: number; after: number }>;
  patterns: ReportedPattern[];
  fixesDeployed: DeployedFixReport[];
  /** Rollouts the learner got back, over all steps. */
  rollouts: number;
  curriculum: CurriculumSnapshot[];
  /** With `evaluateEachStep`: the held-out score after every step, the last one being `final`. */
  heldOutByStep?: HeldOutPoint[];
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
