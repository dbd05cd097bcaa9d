import { type Category, isCategory } from './failure-category.js';
import { FIX_RISKS, type FixRisk } from './fix-types.js';

/*
 * The seed's HumanApprovalManager (DESIGN.md section 6): a learning result is auto-approved when
 * confidence >= 0.95, success rate >= 0.9 and its risk is low; otherwise it waits for a person,
 * with an impact assessment to decide on.
 */

export interface ApprovalPolicyOptions {
  /** Least confidence (posterior probability of beating the incumbent) to auto-approve (default 0.95). */
  minConfidence?: number;
  /** Least success rate on the pattern's failing inputs to auto-approve (default 0.9). */
  minSuccessRate?: number;
  /** Risk levels that may be auto-approved (default only 'low'). */
  autoApproveRisk?: readonly FixRisk[];
}

export interface ApprovalSubject {
  confidence: number;
  successRate: number;
  risk: FixRisk;
}

export interface ApprovalDecision {
  decision: 'auto_approved' | 'pending';
  /** Auto-approved: every criterion it met. Pending: every criterion it missed. */
  reasons: string[];
}

function unitInterval(value: unknown, field: string): number {
  if (!(typeof value === 'number' && value >= 0 && value <= 1)) {
    throw new RangeError(`${field} must be a number in [0, 1], got ${String(value)}`);
  }
  return value;
}

function risk(value: unknown, field: string): FixRisk {
  if (!FIX_RISKS.includes(value as FixRisk)) {
    throw new RangeError(`${field} must be one of ${FIX_RISKS.join(', ')}, got ${String(value)}`);
  }
  return value as FixRisk;
}

/** Thresholds are inclusive, as the seed's: confidence exactly 0.95 qualifies. */
export function decideApproval(
  subject: ApprovalSubject,
  options: ApprovalPolicyOptions = {},
): ApprovalDecision {
  const minConfidence = unitInterval(options.minConfidence ?? 0.95, 'minConfidence');
  const minSuccessRate = unitInterval(options.minSuccessRate ?? 0.9, 'minSuccessRate');
  const allowed = options.autoApproveRisk ?? ['low'];
  if (!Array.isArray(allowed)) throw new TypeError('autoApproveRisk must be an array of risk levels');
  for (const [i, r] of allowed.entries()) risk(r, `autoApproveRisk[${i}]`);
  const confidence = unitInterval(subject.confidence, 'confidence');
  const successRate = unitInterval(subject.successRate, 'successRate');
  const level = risk(subject.risk, 'risk');

  const checks: [boolean, string, string][] = [
    [
      confidence >= minConfidence,
      `confidence ${confidence} >= ${minConfidence}`,
      `confidence ${confidence} < ${minConfidence}`,
    ],
    [
      successRate >= minSuccessRate,
      `success rate ${successRate} >= ${minSuccessRate}`,
      `success rate ${successRate} < ${minSuccessRate}`,
    ],
    [
      allowed.includes(level),
      `risk ${level} may be auto-approved`,
      `risk ${level} needs a person (auto-approved: ${allowed.length > 0 ? allowed.join(', ') : 'none'})`,
    ],
  ];
  const missed = checks.filter(([ok]) => !ok).map(([, , why]) => why);
  return missed.length === 0
    ? { decision: 'auto_approved', reasons: checks.map(([, why]) => why) }
    : { decision: 'pending', reasons: missed };
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';
const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export interface ImpactInput {
  /** Failures of the pattern seen so far. */
  occurrences: number;
  /** When the pattern was first and last seen, and the present, in ms since the epoch. */
  firstSeen: number;
  lastSeen: number;
  now: number;
  /** Distinct agents the pattern's failures came from. */
  agentsAffected: number;
  category: Category;
  /** The fix's success-rate improvement over the incumbent on the pattern's inputs, in [-1, 1]. */
  improvement: number;
  risk: FixRisk;
}

export interface ImpactAssessment {
  severity: Severity;
  agentsAffected: number;
  /** The pattern's failure rate, per day. */
  failuresPerDay: number;
  /** Of those, how many the fix would turn into successes. */
  failuresPerDayPrevented: number;
  riskLevel: FixRisk;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Rates are measured over at least an hour, so a burst of ten failures in a minute is not 14 400 a day. */
const MIN_WINDOW = HOUR;
/** A pattern not seen for this long may be gone; its severity drops a level. */
const DORMANT_AFTER = 7 * DAY;
/** Failures a day at which volume reaches medium, high, critical. */
const RATE_STEPS = [10, 100, 1000];
/** Agents affected at which breadth reaches medium, high, critical. */
const AGENT_STEPS = [2, 6, 21];

const level = (value: number, steps: readonly number[]) => steps.filter((s) => value >= s).length;

function finite(value: unknown, field: string): number {
  if (!(typeof value === 'number' && Number.isFinite(value))) {
    throw new RangeError(`${field} must be a finite number, got ${String(value)}`);
  }
  return value;
}

function count(value: unknown, field: string): number {
  if (!(Number.isInteger(value) && (value as number) >= 0)) {
    throw new RangeError(`${field} must be an integer >= 0, got ${String(value)}`);
  }
  return value as number;
}

/**
 * The impact of deploying a fix, for the person approving it:
 * - failuresPerDay = occurrences / max(now − firstSeen, 1 h), per day: the rate since the pattern
 *   appeared, silent stretches included, so a pattern that stopped counts less as time passes;
 * - failuresPerDayPrevented = failuresPerDay × clamp(improvement, 0, 1);
 * - severity: the larger of a volume level (failures a day: < 10 low, < 100 medium, < 1000 high,
 *   else critical) and a breadth level (agents: 1 low, 2-5 medium, 6-20 high, more critical), one
 *   level up for authentication failures (credentials are involved) and one down when the pattern
 *   has not been seen for 7 days, within low..critical;
 * - riskLevel: the fix's risk, high whatever the fix for authentication failures.
 */
export function assessImpact(input: ImpactInput): ImpactAssessment {
  const occurrences = count(input.occurrences, 'occurrences');
  const agentsAffected = count(input.agentsAffected, 'agentsAffected');
  const now = finite(input.now, 'now');
  const firstSeen = finite(input.firstSeen, 'firstSeen');
  const lastSeen = finite(input.lastSeen, 'lastSeen');
  if (firstSeen > lastSeen) throw new RangeError('firstSeen must not be after lastSeen');
  if (lastSeen > now) throw new RangeError('lastSeen must not be after now');
  if (!isCategory(input.category))
    throw new RangeError(`category is not a known category: ${String(input.category)}`);
  const improvement = finite(input.improvement, 'improvement');
  if (improvement < -1 || improvement > 1)
    throw new RangeError(`improvement must be in [-1, 1], got ${improvement}`);
  const fixRisk = risk(input.risk, 'risk');

  const failuresPerDay = (occurrences * DAY) / Math.max(now - firstSeen, MIN_WINDOW);
  const failuresPerDayPrevented = failuresPerDay * Math.max(0, improvement);
  const auth = input.category === 'auth_failure';
  let severity = Math.max(level(failuresPerDay, RATE_STEPS), level(agentsAffected, AGENT_STEPS));
  if (auth) severity++;
  if (now - lastSeen > DORMANT_AFTER) severity--;
  return {
    severity: SEVERITIES[Math.min(3, Math.max(0, severity))]!,
    agentsAffected,
    failuresPerDay,
    failuresPerDayPrevented,
    riskLevel: auth ? 'high' : fixRisk,
  };
}
