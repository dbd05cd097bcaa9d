// One line of words per stream event, for the live feed.

import type { StreamMessage } from './api-types.js';
import { percent, points, shortId, words } from './format.js';

export type Tone = 'failure' | 'learning' | 'good' | 'bad' | 'neutral';

export interface EventSummary {
  title: string;
  detail: string;
  tone: Tone;
  /** The pattern it is about, for a link. */
  patternId?: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function summarizeEvent(message: StreamMessage): EventSummary {
  const data = obj(message.data);
  switch (message.type) {
    case 'failures.ingested': {
      const patterns = Array.isArray(data.patterns) ? data.patterns.map(obj) : [];
      const byCategory = new Map<string, number>();
      for (const p of patterns)
        byCategory.set(str(p.category), (byCategory.get(str(p.category)) ?? 0) + num(p.count));
      const n = num(data.failures);
      const categories = [...byCategory].map(([category, count]) => `${words(category)} ${count}`).join(', ');
      return {
        title: `${n} failure${n === 1 ? '' : 's'} ingested`,
        detail: `across ${patterns.length} pattern${patterns.length === 1 ? '' : 's'}${categories ? `: ${categories}` : ''}`,
        tone: 'failure',
      };
    }
    case 'pattern.created':
      return {
        title: 'New pattern',
        detail: `${str(data.function)}: ${str(data.normalizedMessage)}`,
        tone: 'failure',
        patternId: str(data.patternId),
      };
    case 'learner.step':
      return {
        title: `Learning step ${num(data.step)}`,
        detail: `${num(data.completed)} of ${num(data.rollouts)} rollouts${data.synced === true ? ', synced to agents' : ''}`,
        tone: 'learning',
      };
    case 'learning.result':
      return {
        title: 'Fix learned',
        detail: `${points(num(data.improvement))} at ${percent(num(data.confidence))} confidence (${str(data.function)})`,
        tone: 'good',
        patternId: str(data.patternId),
      };
    case 'approval.created':
    case 'approval.approved':
    case 'approval.denied': {
      const verb = message.type.slice('approval.'.length);
      const result = obj(data.result);
      const status = str(data.status);
      const auto = verb === 'approved' && str(data.decidedBy) === 'arc';
      const proposed = str(result.source) === 'person';
      return {
        title:
          verb === 'created'
            ? proposed
              ? `Fix proposed by ${str(result.proposedBy) || 'a person'}`
              : status === 'pending'
                ? 'Approval requested'
                : 'Fix put up for approval'
            : `Fix ${verb}${auto ? ' automatically' : str(data.decidedBy) ? ` by ${str(data.decidedBy)}` : ''}`,
        detail: `${str(result.function)}: ${proposed ? 'not measured' : points(num(result.improvement))}`,
        tone: verb === 'denied' ? 'bad' : verb === 'approved' ? 'good' : 'neutral',
        patternId: str(result.patternId),
      };
    }
    case 'deployment.created':
      return {
        title: 'Canary started',
        detail: `${str(data.function)} at ${percent(num(data.canaryShare), 0)} of calls (${shortId(str(data.fixId), 12)})`,
        tone: 'good',
        patternId: str(data.patternId),
      };
    case 'deployment.promoted':
      return {
        title: 'Fix promoted to every call',
        detail: str(data.reason) || str(data.function),
        tone: 'good',
        patternId: str(data.patternId),
      };
    case 'deployment.rolled_back':
      return {
        title: 'Fix rolled back',
        detail: str(data.reason) || str(data.function),
        tone: 'bad',
        patternId: str(data.patternId),
      };
    default:
      return { title: message.type, detail: '', tone: 'neutral' };
  }
}
