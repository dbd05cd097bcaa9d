// The `outputSchema` option of track, arcMiddleware and wrapOpenAI: the JSON Schema a function's
// output must satisfy, declared so that Arc's learner can force structured output against it and
// coerce to it (DESIGN.md section 5). Checked once, when the function is tracked, with the bounds
// the server applies (core's checkDeclaredSchema), so a bad declaration fails at startup and never
// as rejected events later.

import { checkDeclaredSchema, type JsonSchema } from '@arc-agent/core';
import { type CaptureOptions, captureSchema } from './capture-context.js';

/**
 * The Standard JSON Schema interface (https://standardschema.dev), kept to what Arc reads: zod 4,
 * and other libraries that implement it, convert their schemas to JSON Schema through it.
 */
export interface StandardJSONSchemaV1 {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly jsonSchema: {
      readonly output: (options: { readonly target: string }) => Record<string, unknown>;
    };
  };
}

/** A JSON Schema object, or a schema of a library that can state its JSON Schema (zod 4). */
export type OutputSchemaOption = Record<string, unknown> | StandardJSONSchemaV1;

/** The dialect asked of Standard JSON Schema libraries: zod's own default, and JSON Schema's current one. */
const TARGET = 'draft-2020-12';

function standardProps(value: unknown): Record<string, unknown> | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return typeof props === 'object' && props !== null ? (props as Record<string, unknown>) : undefined;
}

/** The JSON Schema of a Standard JSON Schema object; throws a TypeError naming `where` when it has none. */
function convertStandard(props: Record<string, unknown>, where: string): unknown {
  const output = (props.jsonSchema as { output?: unknown } | undefined)?.output;
  if (typeof output !== 'function') {
    throw new TypeError(
      `${where}: outputSchema is a Standard Schema that cannot state its JSON Schema (no ~standard.jsonSchema); pass a JSON Schema object`,
    );
  }
  try {
    return output.call(props.jsonSchema, { target: TARGET });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`${where}: outputSchema could not be converted to JSON Schema: ${reason}`);
  }
}

/**
 * The declared schema as plain JSON data (a detached copy, secrets in its strings redacted), or
 * undefined when none was declared. Throws a TypeError naming `where` (e.g. `arc.track`) when
 * `option` is no schema Arc can use.
 */
export function declaredOutputSchema(
  option: unknown,
  where: string,
  capture: CaptureOptions,
): JsonSchema | undefined {
  if (option === undefined) return undefined;
  const props = standardProps(option);
  const check = checkDeclaredSchema(props === undefined ? option : convertStandard(props, where));
  if (!check.ok) throw new TypeError(`${where}: outputSchema ${check.problem}`);
  // Redaction can lengthen it (a short email's placeholder is longer than the email), and the
  // server refuses a batch with one event whose schema is past the bound: checked as it is sent.
  const sent = checkDeclaredSchema(captureSchema(check.schema, capture));
  if (!sent.ok) throw new TypeError(`${where}: outputSchema, redacted as it is sent, ${sent.problem}`);
  return sent.schema;
}
