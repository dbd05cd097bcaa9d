// A real, tiny `arc demo`: the local model (fetched into the cache on first use), real BFCL tasks,
// the embedded server with its dashboard, one learning step with rollouts, a person's harmful fix
// approved through the API. It checks the report's shape and numbers against each other, that
// the dashboard answered while the demo ran, and that a run repeats under its seed.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBeforeAfter } from './before-after-table.js';
import { DemoProgress } from './demo-progress.js';
import type { DemoReport, TaskOutcome } from './demo-report.js';
import { HARMFUL_FIX } from './harmful-fix.js';
import { runDemo } from './run-demo.js';

describe('arc demo', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('runs a tiny real demo, serves the dashboard meanwhile and writes the report', {
    timeout: 900_000,
  }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'arc-demo-test-'));
    const reportFile = join(dir, 'report.json');
    let output = '';
    const dashboard: { status: number; type: string | null; health: number }[] = [];
    const returned = await runDemo(
      { tasks: 4, learningTasks: 4, steps: 1, batchSize: 1, groupSize: 2, seed: 3, report: reportFile },
      {
        progress: new DemoProgress({
          write: (text) => {
            output += text;
          },
        }),
        onStarted: async ({ dashboardUrl, adminKey }) => {
          const page = await fetch(dashboardUrl);
          const health = await fetch(new URL('/v1/patterns', dashboardUrl), {
            headers: { authorization: `Bearer ${adminKey}` },
          });
          dashboard.push({
            status: page.status,
            type: page.headers.get('content-type'),
            health: health.status,
          });
          await page.body?.cancel();
          await health.body?.cancel();
        },
      },
    );
    expect(dashboard).toEqual([{ status: 200, type: expect.stringMatching(/^text\/html/), health: 200 }]);

    const report = JSON.parse(await readFile(reportFile, 'utf8')) as DemoReport;
    expect(report).toEqual(returned);
    expect(report.model).toMatch(/SmolLM2-135M/);
    expect(report.seed).toBe(3);
    expect(report.baseline.tasks).toBe(4);
    expect(report.final.tasks).toBe(4);
    expect(report.promotedOnly.tasks).toBe(4);
    // One held-out task of each BFCL category.
    expect(Object.keys(report.byTaskCategory).sort()).toEqual([
      'irrelevance',
      'multiple',
      'parallel',
      'simple',
    ]);
    for (const score of [report.baseline, report.final, report.promotedOnly]) {
      expect(score.successRate).toBeGreaterThanOrEqual(0);
      expect(score.successRate).toBeLessThanOrEqual(1);
    }
    // Every held-out task is either solved or counted once in a failure category, before and after.
    const failures = (side: 'before' | 'after') =>
      Object.values(report.byCategory).reduce((sum, n) => sum + n[side], 0);
    expect(failures('before')).toBe(Math.round(4 * (1 - report.baseline.successRate)));
    expect(failures('after')).toBe(Math.round(4 * (1 - report.final.successRate)));
    const solved = (side: 'before' | 'after') =>
      Object.values(report.byTaskCategory).reduce((sum, n) => sum + n[side], 0);
    expect(solved('before')).toBe(Math.round(4 * report.baseline.successRate));
    expect(solved('after')).toBe(Math.round(4 * report.final.successRate));
    // The learning pool's failures became patterns, and the step practised on them.
    expect(report.patterns.length).toBeGreaterThan(0);
    for (const p of report.patterns) {
      expect(p).toMatchObject({
        id: expect.any(String),
        category: expect.any(String),
        occurrences: expect.any(Number),
      });
    }
    expect(report.rollouts).toBe(2);
    expect(report.curriculum).toHaveLength(1);
    const [snapshot] = report.curriculum;
    expect(snapshot!.step).toBe(1);
    expect(snapshot!.arms.length).toBeGreaterThan(0);
    const ids = new Set(report.patterns.map((p) => p.id));
    for (const arm of snapshot!.arms) {
      expect(ids.has(arm.patternId)).toBe(true);
      expect(arm).toMatchObject({ category: expect.any(String), q: expect.any(Number) });
    }
    // The probabilities the step drew with, and what it drew (B = 1).
    expect(snapshot!.arms.reduce((sum, a) => sum + a.probability, 0)).toBeCloseTo(1, 9);
    expect(snapshot!.arms.reduce((sum, a) => sum + a.drawn, 0)).toBe(1);
    expect(Array.isArray(report.fixesDeployed)).toBe(true);
    // Two calls after the step cannot promote a canary; production less its canaries applies no
    // fix then, the baseline pass's calls, which are not asked of the model again.
    expect(report.fixesDeployed.filter((d) => d.status === 'promoted')).toEqual([]);
    expect(report.promotedOnly).toEqual(report.baseline);
    expect(Object.keys(report.usage.phases)).not.toContain('held-out, promoted fixes only');
    // The person's canary counted the two calls served after it went in, each in one arm.
    const person = report.fixesDeployed.find((d) => JSON.stringify(d.fix) === JSON.stringify(HARMFUL_FIX));
    expect(person!.treatment.trials + person!.control.trials).toBe(2);
    expect(person!.treatment.failures).toBeLessThanOrEqual(person!.treatment.trials);
    expect(person!.control.failures).toBeLessThanOrEqual(person!.control.trials);
    // The person's harmful fix went in through the approvals API as a canary; a rollback names it.
    expect(output).toMatch(
      /a person proposed \{"type":"param_patch","params":\{"maxTokens":4\}\} for bfcl_route/,
    );
    for (const r of report.rollbacks) {
      expect(r).toEqual({
        fixId: expect.any(String),
        patternId: expect.any(String),
        reason: expect.stringMatching(/^canary test: /),
        step: 1,
      });
      expect(ids.has(r.patternId)).toBe(true);
    }
    // Traffic: two rounds of two tasks (one before the step, one after).
    expect(report.traffic.map((round) => round.length)).toEqual([2, 2]);
    // What was shown: the settings at start, the curriculum per step, the table at the end.
    expect(output).toMatch(/learner {4}B 1, G 2, s 1 \(product defaults: B 32, s 50\)/);
    expect(output).toMatch(/step 1: 2\/2 rollouts/);
    expect(output).toContain(formatBeforeAfter(report));
  });

  it('repeats under its seed: the same answers to the held-out set and the traffic, the same rollouts and curriculum', {
    timeout: 1_800_000,
  }, async () => {
    const tiny = { tasks: 2, learningTasks: 2, steps: 1, batchSize: 1, groupSize: 2, seed: 5 };
    const quiet = () => new DemoProgress({ write: () => {} });
    const first = await runDemo(tiny, { progress: quiet() });
    const second = await runDemo(tiny, { progress: quiet() });
    const answers = (outcomes: TaskOutcome[]) => outcomes.map((o) => [o.taskId, o.output, o.solved]);
    // What a run did, less what differs by design: pattern ids, time and load.
    const seen = (report: DemoReport) => ({
      baseline: answers(report.heldOut.baseline),
      final: answers(report.heldOut.final),
      traffic: report.traffic.map(answers),
      rollouts: report.rollouts,
      curriculum: report.curriculum.map((c) => c.arms.map(({ patternId: _, ...arm }) => arm)),
      patterns: report.patterns.map(({ id: _, ...p }) => p),
      tokens: report.usage.total,
    });
    expect(first.rollouts).toBe(2);
    const { seconds: _s1, ...tokens1 } = seen(first).tokens;
    const { seconds: _s2, ...tokens2 } = seen(second).tokens;
    expect({ ...seen(second), tokens: tokens2 }).toEqual({ ...seen(first), tokens: tokens1 });
  });
});
