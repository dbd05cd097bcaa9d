// POST /v1/rollouts/lease and POST /v1/rollouts/:id/result: how workers take rollout jobs and
// report their rewards.

import { type Static, Type } from 'typebox';
import { MAX_ROLLOUT_ERROR_LENGTH } from '../learner/rollout-queue.js';
import { MAX_FUNCTION_NAME_LENGTH, MAX_ID_LENGTH } from './event-schemas.js';
import { DeployedFixSchema, FixSchema } from './fix-schemas.js';
import { NulFreeText } from './nul-free-text.js';

export const MAX_LEASE = 100;
export const DEFAULT_LEASE_MS = 60_000;

export const LeaseBodySchema = Type.Object(
  {
    workerId: Type.String({
      minLength: 1,
      maxLength: MAX_ID_LENGTH,
      description: 'Names the worker; only it may report its jobs',
    }),
    functions: Type.Array(NulFreeText({ maxLength: MAX_FUNCTION_NAME_LENGTH }), {
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      description: 'Functions the worker can run',
    }),
    max: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_LEASE, description: 'Most jobs to take (default 1)' }),
    ),
    leaseMs: Type.Optional(
      Type.Integer({
        minimum: 1_000,
        maximum: 3_600_000,
        description: `How long the jobs are the worker's (default ${DEFAULT_LEASE_MS}); unreported ones are then leased again`,
      }),
    ),
  },
  { additionalProperties: false },
);

export type LeaseBody = Static<typeof LeaseBodySchema>;

const IsoTime = Type.String({ format: 'date-time' });

export const RolloutJobSchema = Type.Object({
  id: Type.String(),
  function: Type.String(),
  patternId: Type.String(),
  exampleId: Type.String({ description: 'The replayed event' }),
  source: Type.Enum(['failure', 'success'], {
    description: 'A failing example of the pattern, or a call of the function that currently succeeds',
  }),
  input: Type.Unknown({ description: 'The input to replay' }),
  candidateId: Type.String(),
  fix: Type.Union([FixSchema, Type.Null()], { description: 'Apply this fix; null: run the call as it is' }),
  baseFixes: Type.Array(DeployedFixSchema, {
    description:
      "Apply these first, as production does: the fixes promoted for the function's other patterns when the job was leased, oldest first (no canaries, nothing of the job's own pattern)",
  }),
  leaseExpiresAt: IsoTime,
  attempt: Type.Integer({ description: 'Times the job was leased, this lease included' }),
});

export const LeaseResponseSchema = Type.Object({ jobs: Type.Array(RolloutJobSchema) });

export const RolloutParamsSchema = Type.Object({
  id: NulFreeText({ maxLength: MAX_ID_LENGTH }),
});

export const RolloutResultBodySchema = Type.Object(
  {
    workerId: Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH }),
    reward: Type.Number({ minimum: 0, maximum: 1, description: "The verifier's reward" }),
    output: Type.Optional(Type.Unknown({ description: 'Any JSON; bounded and redacted before storage' })),
    error: Type.Optional(
      Type.String({ maxLength: MAX_ROLLOUT_ERROR_LENGTH, description: 'Redacted before storage' }),
    ),
    durationMs: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const RolloutResultResponseSchema = Type.Object({
  id: Type.String(),
  status: Type.Literal('done'),
  reward: Type.Number(),
  completedAt: IsoTime,
});
