import { type CandidateFix, uniqueCandidates } from './candidate-fix.js';
import type { CandidateGeneratorInput } from './generator-input.js';
import { parsingCandidates } from './parsing-candidates.js';
import { schemaCandidates } from './schema-candidates.js';
import { transientCandidates } from './transient-candidates.js';
import { unknownCandidates } from './unknown-candidates.js';
import { wrongAnswerCandidates } from './wrong-answer-candidates.js';

/** Candidates to judge, or an escalation: a failure no fix may be learned for automatically. */
export type CandidateGeneration =
  | { kind: 'candidates'; candidates: CandidateFix[] }
  | { kind: 'escalate'; reason: string };

/**
 * The rule and mining generators of the pattern's category (DESIGN.md section 5), each candidate
 * once. Authentication failures are never fixed automatically: a fix that changes credentials or
 * who answers is a decision for people, so they are escalated with no candidates.
 */
export function generateCandidates(input: CandidateGeneratorInput): CandidateGeneration {
  const { category } = input.pattern;
  switch (category) {
    case 'auth_failure':
      return {
        kind: 'escalate',
        reason: `Authentication failures of \`${input.pattern.function}\` need a person: Arc never changes credentials or identities.`,
      };
    case 'parsing_error':
      return { kind: 'candidates', candidates: uniqueCandidates(parsingCandidates(input)) };
    case 'api_schema':
    case 'validation':
      return { kind: 'candidates', candidates: uniqueCandidates(schemaCandidates(input)) };
    case 'timeout':
    case 'rate_limit':
    case 'network':
      return {
        kind: 'candidates',
        candidates: uniqueCandidates(transientCandidates(category, input.failures)),
      };
    case 'wrong_answer':
      return { kind: 'candidates', candidates: uniqueCandidates(wrongAnswerCandidates(input)) };
    case 'unknown':
      return { kind: 'candidates', candidates: uniqueCandidates(unknownCandidates(input)) };
  }
}
