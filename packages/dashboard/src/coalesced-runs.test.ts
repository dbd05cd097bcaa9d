import { describe, expect, it } from 'vitest';
import { coalescedRuns } from './coalesced-runs.js';

/** A task whose runs finish when the test says so. */
function controlledTask() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const task = () =>
    new Promise<void>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { task, pending };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescedRuns', () => {
  it('runs once at a time: requests during a run make one more run after it', async () => {
    const { task, pending } = controlledTask();
    const runs = coalescedRuns(task);
    for (let i = 0; i < 100; i++) runs.request();
    expect(pending).toHaveLength(1);
    pending[0]!.resolve();
    await settle();
    expect(pending).toHaveLength(2);
    pending[1]!.resolve();
    await settle();
    expect(pending).toHaveLength(2);
    runs.request();
    expect(pending).toHaveLength(3);
  });

  it('goes on after a failed run', async () => {
    const { task, pending } = controlledTask();
    const runs = coalescedRuns(task);
    runs.request();
    runs.request();
    pending[0]!.reject(new Error('503'));
    await settle();
    expect(pending).toHaveLength(2);
  });

  it('runs no more once cancelled, not even the one asked for during a run', async () => {
    const { task, pending } = controlledTask();
    const runs = coalescedRuns(task);
    runs.request();
    runs.request();
    runs.cancel();
    pending[0]!.resolve();
    await settle();
    runs.request();
    expect(pending).toHaveLength(1);
  });
});
