import type { Fix } from '@arc-agent/core';
import { canaryArm } from '@arc-agent/sdk';
import { describe, expect, it } from 'vitest';
import { BFCL_AGENT_FUNCTION } from '../bfcl-agent.js';
import { BFCL_ROUTE_FUNCTION } from '../bfcl-route.js';
import {
  agentProductionFixes,
  agentPromotedFixes,
  type LiveDeployment,
  productionFixes,
  promotedFixes,
} from './production-fixes.js';

const fix = (instructions: string): Fix => ({ type: 'prompt_adjustment', instructions });
const deployment = (
  fixId: string,
  status: string,
  canaryShare: number,
  fn = BFCL_AGENT_FUNCTION,
): LiveDeployment => ({
  fixId,
  patternId: `p-${fixId}`,
  function: fn,
  status,
  canaryShare,
  fix: fix(fixId),
});

describe('productionFixes', () => {
  const live = [
    deployment('a', 'promoted', 1),
    deployment('b', 'canary', 0.5),
    deployment('c', 'canary', 0.2),
  ];

  it('gives every call the promoted fixes, and a canary fix exactly when the SDK puts the call in its treatment', () => {
    for (let i = 0; i < 200; i++) {
      const key = `task_${i}`;
      const expected = [fix('a')];
      if (canaryArm('b', key, 0.5) === 'treatment') expected.push(fix('b'));
      if (canaryArm('c', key, 0.2) === 'treatment') expected.push(fix('c'));
      expect(productionFixes(live, BFCL_AGENT_FUNCTION, key)).toEqual(expected);
    }
  });

  it('gives a call in a canary’s treatment its fix in place of the one promoted for its pattern, as the SDK does', () => {
    const replacing = [...live, { ...deployment('d', 'canary', 0.5), patternId: 'p-a' }];
    const keys = Array.from({ length: 40 }, (_, i) => `task_${i}`);
    for (const key of keys) {
      const fixes = productionFixes(replacing, BFCL_AGENT_FUNCTION, key);
      const inD = canaryArm('d', key, 0.5) === 'treatment';
      expect(fixes.includes(replacing[3]!.fix)).toBe(inD);
      expect(fixes.includes(live[0]!.fix)).toBe(!inD);
    }
  });

  it('gives a canary to about its share of calls', () => {
    const n = 4000;
    const treated = Array.from({ length: n }, (_, i) =>
      productionFixes(live, BFCL_AGENT_FUNCTION, `k${i}`),
    ).filter((fixes) => fixes.some((f) => f.type === 'prompt_adjustment' && f.instructions === 'c')).length;
    // Binomial(4000, 0.2): sd ~ 25.3; 5 sd either side.
    expect(Math.abs(treated - 0.2 * n)).toBeLessThan(5 * Math.sqrt(n * 0.2 * 0.8));
  });

  it('leaves the canaries out of the promoted-only set', () => {
    expect(promotedFixes(live, BFCL_AGENT_FUNCTION)).toEqual([fix('a')]);
  });

  it("gives each of the agent's steps its own function's fixes only", () => {
    const both = [
      ...live,
      deployment('r', 'promoted', 1, BFCL_ROUTE_FUNCTION),
      deployment('s', 'canary', 1, BFCL_ROUTE_FUNCTION),
    ];
    expect(productionFixes(both, BFCL_ROUTE_FUNCTION, 'task_1')).toEqual([fix('r'), fix('s')]);
    expect(agentProductionFixes(both, 'task_1')).toEqual({
      fixes: productionFixes(live, BFCL_AGENT_FUNCTION, 'task_1'),
      routeFixes: [fix('r'), fix('s')],
    });
    expect(agentPromotedFixes(both)).toEqual({ fixes: [fix('a')], routeFixes: [fix('r')] });
  });
});
