// GET /v1/fixes: the fixes deployed for the project, as the SDK applies them (core's DeployedFix).

import { FIX_RISKS } from '@arc-agent/core';
import { Type } from 'typebox';
import { MAX_FUNCTION_NAME_LENGTH } from './event-schemas.js';
import { NulFreeText } from './nul-free-text.js';

/** A fix as JSON (core's Fix: prompt_adjustment, few_shot, …); validated by core where it is used. */
export const FixSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: 'A fix (DESIGN.md section 5): { type: prompt_adjustment | few_shot | param_patch | … }',
});

export const RiskSchema = Type.Enum([...FIX_RISKS]);

export const FixesQuerySchema = Type.Object({
  function: Type.Optional(NulFreeText({ maxLength: MAX_FUNCTION_NAME_LENGTH })),
});

export const FixesHeadersSchema = Type.Object({
  'if-none-match': Type.Optional(
    Type.String({ maxLength: 2_000, description: 'ETag of the fixes the client has' }),
  ),
});

export const DeployedFixSchema = Type.Object({
  id: Type.String({ description: 'The fix id calls report in fixIds' }),
  version: Type.Integer({ minimum: 1 }),
  patternId: Type.String(),
  function: Type.String(),
  fix: FixSchema,
  risk: RiskSchema,
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  canaryShare: Type.Number({
    minimum: 0,
    maximum: 1,
    description: 'Share of calls that get the fix while it is a canary; 1 once promoted',
  }),
});

export const FixesResponseSchema = Type.Object({ fixes: Type.Array(DeployedFixSchema) });
