import { describe, expect, it } from 'vitest';
import type { BfclAgent, BfclAnswer } from '../bfcl-agent.js';
import { irrelevantTask, weatherTask } from '../city-tasks.fixture.js';
import { answerTasks } from './answer-tasks.js';

describe('answerTasks', () => {
  it('awaits afterEach after each answer, before the next task is asked', async () => {
    const seen: string[] = [];
    const agent = {
      answer: async (task) => {
        seen.push(`answer ${task.id}`);
        return { taskId: task.id, calls: [], output: '[]' } as unknown as BfclAnswer;
      },
    } as BfclAgent;
    const outcomes = await answerTasks(agent, [weatherTask, irrelevantTask], {
      concurrency: 1,
      afterEach: async () => {
        // Past a macrotask: a next task asked without waiting for this would be seen first.
        await new Promise((resolve) => setImmediate(resolve));
        seen.push('afterEach');
      },
    });
    expect(seen).toEqual([
      `answer ${weatherTask.id}`,
      'afterEach',
      `answer ${irrelevantTask.id}`,
      'afterEach',
    ]);
    expect(outcomes.map((o) => o.solved)).toEqual([false, true]);
  });
});
