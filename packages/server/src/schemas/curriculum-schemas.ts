// /v1/curriculum: the curriculum (DESIGN.md section 3). GET shows the learner's: the probabilities
// its next step draws patterns with, under the project's curriculum, beside SEC's Q values (or, with
// ?curriculum=trainer, the SEC curriculum external trainers drive); sample and update are for
// external trainers such as VERL, whose curriculum is kept apart from the learner's so that neither
// overwrites the other's Q values.

import { CURRICULA } from '@arc-agent/core';
import { Type } from 'typebox';
import { MAX_ID_LENGTH } from './event-schemas.js';

export const MAX_ARMS = 10_000;

export const CurriculumQuerySchema = Type.Object({
  curriculum: Type.Enum(['learner', 'trainer'], { default: 'learner' }),
});

const ArmId = Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH });

export const CurriculumArmSchema = Type.Object({
  arm: Type.String({ description: 'A pattern id (or a trainer category)' }),
  q: Type.Number(),
  probability: Type.Number({
    description:
      'Probability that one draw picks it: under the learner, what its next step draws from (0 for a pattern it ' +
      'cannot draw; under greedy, its share of the B draws); under the trainer, softmax(Q / τ) over the arms listed',
  }),
  eligible: Type.Boolean({
    description:
      'The learner can draw it: it had failing examples at the last step, is not exhausted, and has a candidate ' +
      'besides the incumbent not shown to break working calls (trainer arms: always)',
  }),
  recentFailures: Type.Union([Type.Number(), Type.Null()], {
    description:
      'Failures per learning step, smoothed: the traffic weight of the random, learnable-traffic, greedy and sec-weighted curricula (null: not known)',
  }),
  pulls: Type.Integer({ description: 'Times drawn' }),
  updates: Type.Integer({ description: 'Times rewarded' }),
  history: Type.Array(Type.Object({ step: Type.Integer(), q: Type.Number() }), {
    description: 'Q after each update',
  }),
});

export const CurriculumSchema = Type.Object({
  curriculum: Type.Enum(['learner', 'trainer']),
  draw: Type.Enum([...CURRICULA], {
    description:
      "How patterns are drawn: the project's curriculum setting for the learner, sec for the trainer",
  }),
  step: Type.Integer({ description: 'Updates so far' }),
  alpha: Type.Number(),
  temperature: Type.Number(),
  arms: Type.Array(CurriculumArmSchema),
});

export const SampleBodySchema = Type.Object(
  {
    arms: Type.Optional(
      Type.Array(ArmId, {
        minItems: 1,
        maxItems: MAX_ARMS,
        description: "Arms to draw from (default: the project's patterns)",
      }),
    ),
    batchSize: Type.Integer({
      minimum: 1,
      maximum: MAX_ARMS,
      description: 'B: draws, independent, with replacement',
    }),
  },
  { additionalProperties: false },
);

export const SampleResponseSchema = Type.Object({
  draws: Type.Array(Type.String(), {
    description: 'The arms drawn, named as sent (the curriculum keeps secrets in names redacted)',
  }),
  probabilities: Type.Record(Type.String(), Type.Number(), {
    description: 'What each arm was drawn with, named as sent',
  }),
  step: Type.Integer(),
});

export const UpdateBodySchema = Type.Object(
  {
    rewards: Type.Record(Type.String(), Type.Number(), {
      propertyNames: { minLength: 1, maxLength: MAX_ID_LENGTH },
      minProperties: 1,
      maxProperties: MAX_ARMS,
      description: 'r(c) per arm: mean |GRPO advantage| of its rollouts this step',
    }),
  },
  { additionalProperties: false },
);

export const UpdateResponseSchema = Type.Object({
  step: Type.Integer(),
  arms: Type.Array(Type.Object({ arm: Type.String(), q: Type.Number() })),
});

export const ResetResponseSchema = Type.Object({
  removedArms: Type.Integer({
    description: 'Arms the trainer curriculum had, now dropped with their Q values',
  }),
  step: Type.Integer({ description: 'Updates so far: 0, a fresh curriculum' }),
});
