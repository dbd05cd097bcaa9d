// POST /v1/feedback: verdicts on calls that returned (DESIGN.md section 8). Like events, names and
// identifiers have hard bounds (400 past them) while free text and free-form values (message,
// input, output, tag values) are truncated and marked at ingest, never refused for their size.

import { DEFAULT_VERDICT_THRESHOLD, MAX_VERDICT_LABEL_LENGTH, WRONG_ANSWER_TYPE } from '@arc-agent/core';
import { type Static, Type } from 'typebox';
import {
  FixIdsSchema,
  Identifier,
  MAX_FUNCTION_NAME_LENGTH,
  MAX_ID_LENGTH,
  TagsSchema,
  TimestampSchema,
} from './event-schemas.js';

const Score = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const FeedbackSchema = Type.Object(
  {
    id: Identifier('Client id of this verdict; a retried id is stored once (idempotency)'),
    callId: Identifier('The judged call: the id the SDK gave it (its `callId` option, or generated)'),
    function: Type.String({
      minLength: 1,
      maxLength: MAX_FUNCTION_NAME_LENGTH,
      description: 'Tracked function the call belongs to',
    }),
    score: Score('1 is right, 0 wrong; below `threshold` the call was a wrong answer'),
    threshold: Type.Optional(
      Score(`The score below which the call is wrong (default ${DEFAULT_VERDICT_THRESHOLD})`),
    ),
    label: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_VERDICT_LABEL_LENGTH,
        description: `What was wrong, as a name: the error type of the wrong answer (default ${WRONG_ANSWER_TYPE})`,
      }),
    ),
    message: Type.Optional(
      Type.String({ description: "What the verifier said: the wrong answer's error message" }),
    ),
    input: Type.Optional(
      Type.Unknown({ description: "The call's input, replayed by rollouts; bounded and redacted" }),
    ),
    output: Type.Optional(Type.Unknown({ description: 'What the call returned; bounded and redacted' })),
    timestamp: TimestampSchema('When the judged call was made (when it was judged, if unknown)'),
    agentId: Type.Optional(Type.String({ maxLength: MAX_ID_LENGTH })),
    tags: Type.Optional(TagsSchema),
    fixIds: Type.Optional(FixIdsSchema),
  },
  {
    description:
      'A verdict on a call already reported as a success (SDK, /v1/events or /v1/traces). Below the ' +
      'threshold the call becomes a failure of category wrong_answer (its success is taken back); at or ' +
      'above it, it stays a success and its input and output, when given, join the successful examples. ' +
      'Unknown properties are ignored.',
  },
);

export type FeedbackInput = Static<typeof FeedbackSchema>;

export function feedbackBodySchema(maxItems: number) {
  return Type.Object({ feedback: Type.Array(FeedbackSchema, { maxItems }) });
}
