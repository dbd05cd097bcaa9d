// Q per arm over learning steps, aligned on one step axis for a line chart.

import type { CurriculumArm } from './api-types.js';

export interface QSeries {
  arm: string;
  /** Q at each of `steps`; null where the arm's history does not reach back that far. */
  values: (number | null)[];
}

/**
 * The arms' Q histories on the union of their update steps (plus the current step). Q only changes
 * when an arm is rewarded, so between updates it holds its last value; before its first update it
 * is 0, unless the kept history was cut short (fewer entries than updates), where it is unknown.
 */
export function qHistorySeries(
  arms: readonly CurriculumArm[],
  currentStep: number,
): { steps: number[]; series: QSeries[] } {
  const stepSet = new Set<number>([0, currentStep]);
  for (const arm of arms) for (const h of arm.history) stepSet.add(h.step);
  const steps = [...stepSet].sort((a, b) => a - b);
  const series = arms.map((arm) => {
    const history = [...arm.history].sort((a, b) => a.step - b.step);
    const truncated = arm.updates > history.length;
    let i = -1;
    const values = steps.map((step) => {
      while (i + 1 < history.length && history[i + 1]!.step <= step) i++;
      if (i >= 0) return history[i]!.q;
      return truncated ? null : 0;
    });
    return { arm: arm.arm, values };
  });
  return { steps, series };
}
