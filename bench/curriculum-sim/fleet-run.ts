// One run of Arc's learner against a simulated fleet (issue 13): every step the fleet serves a
// period of traffic with the fixes deployed now (canaries at their share), the canaries are judged,
// people decide the approvals waiting for them, and the learner takes one step exactly as the
// server's does: the patterns with failures and their counts, core's plan, Bernoulli rollouts from
// the hidden success probabilities, core's update, and at sync steps core's approval requests. The
// decisions are core's own functions (`Machinery`), never copies of them.
import * as core from '@arc-agent/core';
import {
  type Curriculum,
  DEFAULT_CANARY_SETTINGS,
  type LearnerConfig,
  type LearnerState,
  NO_FIX_ID,
  type PlanPattern,
  type ResolvedLearnerConfig,
  resolveLearnerConfig,
  SeededRandom,
  type UnsampledPolicy,
} from '@arc-agent/core';
import type { SimCandidate, SimPattern, SimulatedFleet } from './simulated-fleet.js';
import { binomial, poisson } from './traffic-sampling.js';

/** Core's learning, approval and canary functions the run calls (core's own unless a test wraps them). */
export interface Machinery {
  createLearnerState: typeof core.createLearnerState;
  addCandidates: typeof core.addCandidates;
  withPromotedIncumbents: typeof core.withPromotedIncumbents;
  planLearningStep: typeof core.planLearningStep;
  applyStepResults: typeof core.applyStepResults;
  shouldSync: typeof core.shouldSync;
  approvalRequests: typeof core.approvalRequests;
  judgeCanary: typeof core.judgeCanary;
}

export const CORE_MACHINERY: Machinery = {
  createLearnerState: core.createLearnerState,
  addCandidates: core.addCandidates,
  withPromotedIncumbents: core.withPromotedIncumbents,
  planLearningStep: core.planLearningStep,
  applyStepResults: core.applyStepResults,
  shouldSync: core.shouldSync,
  approvalRequests: core.approvalRequests,
  judgeCanary: core.judgeCanary,
};

/** A curriculum as a project would configure it. */
export interface CurriculumSpec {
  name: string;
  curriculum: Curriculum;
  /** SEC's τ (the temperature setting). */
  temperature: number;
  /** SEC's unsampled-arm policy. */
  unsampled: UnsampledPolicy;
}

/** Everything but the curriculum is the product's default: learner, approvals, canaries. */
export interface RunSettings {
  /** Learning steps: the horizon. Every step has the budget B · G, spent or not. */
  steps: number;
  learner: LearnerConfig;
  canaryShare: number;
  canary: core.CanaryLimits;
  approval: core.ApprovalPolicyOptions;
  /** Steps a person takes to approve a fix that was not auto-approved. */
  reviewSteps: number;
  /** Replay examples kept per pattern and per function (the server's reservoirs). */
  reservoir: number;
}

export const DEFAULT_RUN_SETTINGS: RunSettings = {
  steps: 250,
  learner: {},
  canaryShare: DEFAULT_CANARY_SETTINGS.canaryShare,
  canary: DEFAULT_CANARY_SETTINGS,
  approval: {},
  reviewSteps: 15,
  reservoir: 50,
};

export interface FleetRunResult {
  curriculum: string;
  /** Rollouts the run was allowed: steps · B · G. */
  budget: number;
  /** Rollouts it planned and ran. */
  rolloutsRun: number;
  /** Steps in which it had nothing to draw: their budget is charged all the same. */
  idleSteps: number;
  /** Expected failures over the horizon with no fix at all. */
  failuresWithoutFixes: number;
  /** Expected failures prevented over the horizon by what was deployed (harm to working calls subtracted). */
  failuresPrevented: number;
  /** Patterns whose promoted fix at the horizon prevents some of their failures. */
  patternsFixed: number;
  learnablePatterns: number;
  /** Per learnable pattern: rollouts spent when the learner first reported a fix that helps it (null: never). */
  rolloutsToFirstFix: (number | null)[];
  deployments: { canaries: number; promoted: number; rolledBack: number };
}

interface Deployment {
  pattern: SimPattern;
  candidate: SimCandidate;
  status: 'canary' | 'promoted' | 'rolled_back' | 'superseded';
  treatment: core.CanaryArmTally;
  control: core.CanaryArmTally;
}

const tally = (): core.CanaryArmTally => ({ trials: 0, failures: 0, patternFailures: 0 });

/** Ids of the first `count` reservoir slots, made once per prefix. */
class IdPool {
  readonly #ids: string[] = [];
  constructor(readonly prefix: string) {}
  first(count: number): readonly string[] {
    while (this.#ids.length < count) this.#ids.push(`${this.prefix}#${this.#ids.length}`);
    return this.#ids.length === count ? this.#ids : this.#ids.slice(0, count);
  }
}

/**
 * Runs the learner for `settings.steps` steps against the fleet under one curriculum. Deterministic
 * under `seed`: the fleet's traffic and the rollouts' outcomes come from streams of their own, the
 * learner's draws from its state.
 */
export function runFleet(
  fleet: SimulatedFleet,
  spec: CurriculumSpec,
  seed: number,
  settings: RunSettings = DEFAULT_RUN_SETTINGS,
  machinery: Machinery = CORE_MACHINERY,
): FleetRunResult {
  const config: ResolvedLearnerConfig = resolveLearnerConfig({
    ...settings.learner,
    curriculum: spec.curriculum,
  });
  const traffic = new SeededRandom(`traffic:${seed}:${fleet.mix.name}`);
  const outcomes = new SeededRandom(`rollouts:${seed}:${fleet.mix.name}`);
  const patternById = new Map(fleet.patterns.map((p) => [p.id, p]));
  const candidateById = new Map(fleet.patterns.flatMap((p) => p.candidates.map((c) => [c.id, c] as const)));
  const patternsOf = new Map(
    fleet.functions.map((f) => [f.name, fleet.patterns.filter((p) => p.function === f.name)]),
  );
  const occurrences = new Map(fleet.patterns.map((p) => [p.id, 0]));
  const successes = new Map(fleet.functions.map((f) => [f.name, 0]));
  const examples = new Map(fleet.patterns.map((p) => [p.id, new IdPool(p.id)]));
  const workingInputs = new Map(fleet.functions.map((f) => [f.name, new IdPool(`${f.name}:ok`)]));

  let state: LearnerState = machinery.createLearnerState({
    seed,
    // The Q history only feeds the dashboard: none is kept, which draws nothing differently.
    sec: { temperature: spec.temperature, unsampled: spec.unsampled, historyLimit: 0 },
  });
  const known = new Set<string>();
  const deployments: Deployment[] = [];
  const promoted = new Map<string, Deployment>();
  const asked = new Set<string>();
  const pending: { due: number; pattern: SimPattern; candidate: SimCandidate }[] = [];
  const firstFix = new Map<string, number>();
  let rolloutsRun = 0;
  let idleSteps = 0;
  let failuresPrevented = 0;
  let failuresWithoutFixes = 0;

  const live = (d: Deployment) => d.status === 'canary' || d.status === 'promoted';
  const deploy = (pattern: SimPattern, candidate: SimCandidate) => {
    // As the server's deploy(): a fix already live is not deployed twice.
    if (deployments.some((d) => live(d) && d.candidate === candidate)) return;
    deployments.push({ pattern, candidate, status: 'canary', treatment: tally(), control: tally() });
  };
  const effectOf = (candidateId: string) =>
    candidateId === NO_FIX_ID ? 0 : candidateById.get(candidateId)!.effect;
  const harmOf = (candidateId: string) =>
    candidateId === NO_FIX_ID ? 0 : candidateById.get(candidateId)!.harm;

  for (let t = 1; t <= settings.steps; t++) {
    // 1. A period of production traffic with what is deployed now.
    const canaries = deployments.filter((d) => d.status === 'canary');
    for (const fn of fleet.functions) {
      const patterns = patternsOf.get(fn.name)!;
      const onFunction = canaries.filter((d) => d.pattern.function === fn.name);
      const share = settings.canaryShare;
      const promotedKeep = patterns.reduce(
        (keep, p) => keep * (1 - (promoted.get(p.id)?.candidate.harm ?? 0)),
        1,
      );
      /** Chance a working call survives the fixes it gets, `forced` applied or left out for sure. */
      const keepWorking = (forced?: Deployment, applied = true) =>
        onFunction.reduce(
          (keep, d) =>
            keep * (d === forced ? (applied ? 1 - d.candidate.harm : 1) : 1 - share * d.candidate.harm),
          promotedKeep,
        );
      /** Chance a call of the pattern fails, `forced` applied or left out for sure. */
      const failing = (p: SimPattern, forced?: Deployment, applied = true) => {
        const base = Math.max(
          promoted.get(p.id)?.candidate.effect ?? 0,
          applied && forced ? forced.candidate.effect : 0,
        );
        const others = onFunction
          .filter((d) => d.pattern === p && d !== forced)
          .map((d) => d.candidate.effect);
        return 1 - (1 - p.transient) * expectedEffect(base, others, share);
      };

      // Expected failures prevented: each pattern's persistent failures times the effect of the best
      // fix a call gets, minus the working calls the fixes break.
      for (const p of patterns) {
        failuresWithoutFixes += p.failuresPerStep;
        failuresPrevented += p.failuresPerStep * (1 - failing(p));
      }
      failuresPrevented -= fn.workingCallsPerStep * (1 - keepWorking());

      // The period's calls and failures, each canary assigning calls to its arms independently.
      const calls = patterns.map((p) => poisson(traffic, p.failuresPerStep));
      const failed = patterns.map((p, i) => binomial(traffic, calls[i]!, failing(p)));
      const working = poisson(traffic, fn.workingCallsPerStep);
      const broken = binomial(traffic, working, 1 - keepWorking());
      for (const [i, p] of patterns.entries()) occurrences.set(p.id, occurrences.get(p.id)! + failed[i]!);
      successes.set(
        fn.name,
        successes.get(fn.name)! + working - broken + calls.reduce((s, n, i) => s + n - failed[i]!, 0),
      );
      for (const d of onFunction) {
        // What the canary's own counters see: its pattern's calls and the working calls by arm, with
        // their failure rates in that arm; the function's other calls split by the share.
        const own = patterns.indexOf(d.pattern);
        const ownTreated = binomial(traffic, calls[own]!, share);
        const workTreated = binomial(traffic, working, share);
        const arms = [
          [d.treatment, ownTreated, workTreated, true],
          [d.control, calls[own]! - ownTreated, working - workTreated, false],
        ] as const;
        let otherFailures = 0;
        let otherSuccesses = 0;
        for (let i = 0; i < patterns.length; i++) {
          if (i === own) continue;
          otherFailures += failed[i]!;
          otherSuccesses += calls[i]! - failed[i]!;
        }
        const otherTreatedFailures = binomial(traffic, otherFailures, share);
        const otherTreatedSuccesses = binomial(traffic, otherSuccesses, share);
        for (const [arm, ownCalls, workCalls, applied] of arms) {
          const ownFailed = binomial(traffic, ownCalls, failing(d.pattern, d, applied));
          const workFailed = binomial(traffic, workCalls, 1 - keepWorking(d, applied));
          const otherFailed = applied ? otherTreatedFailures : otherFailures - otherTreatedFailures;
          const otherCalls =
            otherFailed + (applied ? otherTreatedSuccesses : otherSuccesses - otherTreatedSuccesses);
          arm.trials += ownCalls + workCalls + otherCalls;
          arm.failures += ownFailed + workFailed + otherFailed;
          arm.patternFailures += ownFailed;
        }
      }
    }

    // 2. The canary test, as the server's deployment monitor runs it.
    for (const d of canaries) {
      const verdict = machinery.judgeCanary(
        { canaryShare: settings.canaryShare, treatment: d.treatment, control: d.control },
        settings.canary,
      );
      if (verdict.decision === 'rollback') d.status = 'rolled_back';
      if (verdict.decision === 'promote') {
        const before = promoted.get(d.pattern.id);
        if (before !== undefined) before.status = 'superseded';
        d.status = 'promoted';
        promoted.set(d.pattern.id, d);
      }
    }

    // 3. People approve what waited for them long enough; it goes out as a canary.
    for (let i = pending.length - 1; i >= 0; i--) {
      if (pending[i]!.due > t) continue;
      deploy(pending[i]!.pattern, pending[i]!.candidate);
      pending.splice(i, 1);
    }

    // 4. One learning step, as the server's: incumbents are what is promoted, new patterns get their
    //    candidates, the patterns with failures (most first) are the input.
    state = machinery.withPromotedIncumbents(
      state,
      [...promoted.values()].map((d) => ({
        patternId: d.pattern.id,
        function: d.pattern.function,
        fixId: d.candidate.id,
        fix: d.candidate.fix,
      })),
    );
    const seen = fleet.patterns.filter((p) => occurrences.get(p.id)! > 0);
    for (const p of seen) {
      if (known.has(p.id)) continue;
      known.add(p.id);
      state = machinery.addCandidates(
        state,
        { id: p.id, function: p.function, category: 'validation' },
        p.candidates.map((c) => ({ id: c.id, fix: c.fix, origin: 'rule', rationale: `candidate ${c.id}` })),
      );
    }
    const input: PlanPattern[] = seen
      .sort((a, b) => occurrences.get(b.id)! - occurrences.get(a.id)!)
      .slice(0, 500)
      .map((p) => ({
        id: p.id,
        exampleIds: examples.get(p.id)!.first(Math.min(settings.reservoir, occurrences.get(p.id)!)),
        occurrences: occurrences.get(p.id)!,
      }));
    const succeedingInputs = Object.fromEntries(
      fleet.functions.map((f) => [
        f.name,
        workingInputs.get(f.name)!.first(Math.min(settings.reservoir, successes.get(f.name)!)),
      ]),
    );
    const plan = machinery.planLearningStep(state, { patterns: input, succeedingInputs, config });
    if (plan.jobs.length === 0) {
      // Nothing to draw: as the server, no step is committed; the budget is spent all the same.
      idleSteps++;
      state = plan.nextState;
      continue;
    }
    rolloutsRun += plan.jobs.length;
    const incumbentOf = new Map(plan.nextState.patterns.map((p) => [p.id, p.candidates[0]!.id]));
    const results = plan.jobs.map((job) => {
      const pattern = patternById.get(job.patternId)!;
      const p =
        job.problemKind === 'failing'
          ? pattern.transient + (1 - pattern.transient) * effectOf(job.candidateId)
          : 1 - harmOf(job.candidateId);
      return { jobId: job.jobId, reward: outcomes.next() < p ? 1 : 0 };
    });
    const outcome = machinery.applyStepResults(plan.nextState, plan, results, config);
    state = outcome.nextState;
    for (const r of outcome.learningResults) {
      const helps =
        effectOf(r.candidateId) > effectOf(incumbentOf.get(r.patternId)!) && harmOf(r.candidateId) === 0;
      if (helps && !firstFix.has(r.patternId)) firstFix.set(r.patternId, rolloutsRun);
    }
    if (machinery.shouldSync(plan.step, config.syncInterval)) {
      const requests = machinery.approvalRequests(
        state,
        config,
        (patternId, candidateId) => asked.has(`${patternId}\u0000${candidateId}`),
        settings.approval,
      );
      for (const { entry, decision } of requests) {
        asked.add(`${entry.patternId}\u0000${entry.candidateId}`);
        const pattern = patternById.get(entry.patternId)!;
        const candidate = candidateById.get(entry.candidateId)!;
        if (decision.decision === 'auto_approved') deploy(pattern, candidate);
        else pending.push({ due: t + settings.reviewSteps, pattern, candidate });
      }
    }
  }

  const learnable = fleet.patterns.filter((p) => p.kind === 'learnable');
  return {
    curriculum: spec.name,
    budget: settings.steps * config.batchSize * config.groupSize,
    rolloutsRun,
    idleSteps,
    failuresWithoutFixes,
    failuresPrevented,
    patternsFixed: [...promoted.values()].filter((d) => d.candidate.effect > 0).length,
    learnablePatterns: learnable.length,
    rolloutsToFirstFix: learnable.map((p) => firstFix.get(p.id) ?? null),
    deployments: {
      canaries: deployments.length,
      promoted: deployments.filter((d) => d.status === 'promoted' || d.status === 'superseded').length,
      rolledBack: deployments.filter((d) => d.status === 'rolled_back').length,
    },
  };
}

/**
 * E[effect of the best fix a call gets]: `base` (what it gets for sure) and each of `canaries`
 * (effects) with probability `share`, independently. Those better than `base`, best first: the best
 * applies when drawn, the next when the best is not, and so on.
 */
function expectedEffect(base: number, canaries: readonly number[], share: number): number {
  const better = canaries.filter((effect) => effect > base).sort((a, b) => b - a);
  let expected = 0;
  let noneYet = 1;
  for (const effect of better) {
    expected += noneYet * share * effect;
    noneYet *= 1 - share;
  }
  return expected + noneYet * base;
}
