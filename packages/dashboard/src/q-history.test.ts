import { describe, expect, it } from 'vitest';
import type { CurriculumArm } from './api-types.js';
import { qHistorySeries } from './q-history.js';

const arm = (name: string, history: [number, number][], updates = history.length): CurriculumArm => ({
  arm: name,
  q: history.at(-1)?.[1] ?? 0,
  probability: 0.5,
  eligible: true,
  recentFailures: null,
  pulls: updates,
  updates,
  history: history.map(([step, q]) => ({ step, q })),
});

describe('qHistorySeries', () => {
  it('aligns histories on the union of steps, holding Q between updates', () => {
    const { steps, series } = qHistorySeries(
      [
        arm('a', [
          [1, 0.1],
          [3, 0.25],
        ]),
        arm('b', [[2, 0.05]]),
      ],
      4,
    );
    expect(steps).toEqual([0, 1, 2, 3, 4]);
    expect(series).toEqual([
      { arm: 'a', values: [0, 0.1, 0.1, 0.25, 0.25] },
      { arm: 'b', values: [0, 0, 0.05, 0.05, 0.05] },
    ]);
  });

  it('leaves steps before a cut-short history unknown, and sorts histories', () => {
    const { series } = qHistorySeries(
      [
        arm(
          'a',
          [
            [5, 0.3],
            [4, 0.2],
          ],
          10,
        ),
      ],
      5,
    );
    expect(series[0]!.values).toEqual([null, 0.2, 0.3]);
  });

  it('gives a flat zero line for arms never rewarded', () => {
    expect(qHistorySeries([arm('a', [])], 0)).toEqual({ steps: [0], series: [{ arm: 'a', values: [0] }] });
  });
});
