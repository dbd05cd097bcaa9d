// The curricula the bench compares (issue 13), each as a project would configure it, and which of
// them is Arc's default: core's default curriculum with SEC's default τ and unsampled-arm policy.
import { DEFAULT_LEARNER_CONFIG, DEFAULT_SEC_OPTIONS } from '@arc-agent/core';
import type { CurriculumSpec } from './fleet-run.js';

const TEMPERATURES = [0.2, 0.4, 1] as const;

export const COMPARED_CURRICULA: readonly CurriculumSpec[] = [
  ...(['keep', 'decay'] as const).flatMap((unsampled) =>
    TEMPERATURES.map((temperature) => ({
      name: `sec ${unsampled} τ ${temperature}`,
      curriculum: 'sec' as const,
      temperature,
      unsampled,
    })),
  ),
  ...TEMPERATURES.map((temperature) => ({
    name: `sec-weighted τ ${temperature}`,
    curriculum: 'sec-weighted' as const,
    temperature,
    unsampled: 'keep' as const,
  })),
  // τ and the unsampled-arm policy shape only SEC's Q, which these draws do not read.
  ...(['random', 'learnable-traffic', 'uniform', 'greedy'] as const).map((curriculum) => ({
    name: curriculum,
    curriculum,
    temperature: DEFAULT_SEC_OPTIONS.temperature,
    unsampled: DEFAULT_SEC_OPTIONS.unsampled,
  })),
];

/**
 * What the bench runs on the mixes other than the headline one unless told to run every curriculum
 * everywhere (ARC_SIM_GRID=full): the baselines, SEC at the paper's τ 1 and at τ 0.2, the
 * traffic-weighted SEC and learnable-traffic, with Arc's default among them.
 */
export const KEY_CURRICULA: readonly string[] = [
  'sec keep τ 0.2',
  'sec keep τ 1',
  'sec-weighted τ 0.2',
  'random',
  'learnable-traffic',
  'uniform',
  'greedy',
];

/** The baselines R is measured against. */
export const BASELINES: readonly string[] = ['random', 'uniform', 'greedy'];

/** The compared curriculum that is Arc's product default. */
export function productDefault(): CurriculumSpec {
  const { curriculum } = DEFAULT_LEARNER_CONFIG;
  const sec = curriculum === 'sec' || curriculum === 'sec-weighted';
  const found = COMPARED_CURRICULA.find(
    (c) =>
      c.curriculum === curriculum &&
      (!sec ||
        (c.temperature === DEFAULT_SEC_OPTIONS.temperature && c.unsampled === DEFAULT_SEC_OPTIONS.unsampled)),
  );
  if (found === undefined)
    throw new Error(`the product default ${curriculum} is not among the compared curricula`);
  return found;
}
