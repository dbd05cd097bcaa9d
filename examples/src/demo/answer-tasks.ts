// Answers a list of BFCL tasks with the agent, as many at once as the model decodes together,
// scoring each answer with BFCL's checker: how the held-out set is measured, and how the
// learning pool is served as production traffic.

import type { BfclAgent, BfclAnswer, ExplicitFixes } from '../bfcl-agent.js';
import { checkBfclAnswer } from '../bfcl-checker.js';
import type { BfclTask } from '../bfcl-tasks.js';
import type { TaskOutcome } from './demo-report.js';

/**
 * BFCL's verdict on the agent's text (after any output repair), as BFCL scores a model: solved, or
 * failed with the agent's own error when its checks refused the text (what Arc saw), else with
 * BFCL's error type.
 */
export function outcomeOf(task: BfclTask, answer: BfclAnswer): TaskOutcome {
  const base = { taskId: task.id, taskCategory: task.category, output: answer.output };
  const verdict = checkBfclAnswer(task, answer.output);
  if (verdict.valid) return { ...base, solved: true };
  return {
    ...base,
    solved: false,
    category: answer.error?.name ?? `checker:${verdict.errorType ?? 'invalid'}`,
  };
}

export interface AnswerTasksOptions {
  /**
   * Exactly these fixes for each step, untracked (for each task when a function); undefined:
   * tracked production calls with Arc's deployed fixes.
   */
  fixes?: ExplicitFixes | ((task: BfclTask) => ExplicitFixes);
  concurrency: number;
  onAnswered?: (done: number, solved: number) => void;
  /** Awaited after each answer, before that worker takes its next task. */
  afterEach?: () => Promise<void>;
}

export async function answerTasks(
  agent: BfclAgent,
  tasks: readonly BfclTask[],
  options: AnswerTasksOptions,
): Promise<TaskOutcome[]> {
  const outcomes: TaskOutcome[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  let solved = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) {
      const task = tasks[i]!;
      const { fixes } = options;
      const answer = await agent.answer(
        task,
        fixes === undefined ? {} : typeof fixes === 'function' ? fixes(task) : fixes,
      );
      outcomes[i] = outcomeOf(task, answer);
      done++;
      if (outcomes[i]!.solved) solved++;
      options.onAnswered?.(done, solved);
      await options.afterEach?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, tasks.length)) }, worker));
  return outcomes;
}
