// BFCL describes parameters in a JSON-Schema-like dialect with Python's type names (`dict`,
// `float`, `tuple`, `any`). The agent validates and constrains its output against real JSON
// Schema, so each task's parameters are translated once, when the task is loaded.

export type JsonSchema = Record<string, unknown>;

/** A parameter (or the parameter object) as BFCL writes it. */
export interface BfclParameterSchema {
  type: string;
  description?: string;
  properties?: Record<string, BfclParameterSchema>;
  items?: BfclParameterSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
}

const SCALARS: Readonly<Record<string, string>> = {
  string: 'string',
  integer: 'integer',
  float: 'number',
  boolean: 'boolean',
};

export class BfclSchemaError extends Error {
  override readonly name = 'BfclSchemaError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks that `value` is a BFCL parameter schema (recursively), naming the path of what is not. */
export function parseBfclParameterSchema(value: unknown, path: string): BfclParameterSchema {
  if (!isRecord(value) || typeof value.type !== 'string')
    throw new BfclSchemaError(`${path}: needs a string "type"`);
  const { type } = value;
  if (!Object.hasOwn(SCALARS, type) && !['dict', 'array', 'tuple', 'any'].includes(type)) {
    throw new BfclSchemaError(`${path}: unknown type "${type}"`);
  }
  const out: BfclParameterSchema = { type };
  if (typeof value.description === 'string') out.description = value.description;
  if (value.enum !== undefined) {
    if (!Array.isArray(value.enum)) throw new BfclSchemaError(`${path}.enum: must be a list`);
    out.enum = value.enum;
  }
  if (value.default !== undefined) out.default = value.default;
  if (value.properties !== undefined) {
    if (!isRecord(value.properties)) throw new BfclSchemaError(`${path}.properties: must be an object`);
    out.properties = Object.fromEntries(
      Object.entries(value.properties).map(([k, v]) => [
        k,
        parseBfclParameterSchema(v, `${path}.properties.${k}`),
      ]),
    );
  }
  if (value.items !== undefined) out.items = parseBfclParameterSchema(value.items, `${path}.items`);
  if (value.required !== undefined) {
    if (!Array.isArray(value.required) || value.required.some((r) => typeof r !== 'string')) {
      throw new BfclSchemaError(`${path}.required: must be a list of names`);
    }
    out.required = value.required as string[];
  }
  return out;
}

/**
 * The JSON Schema of a BFCL parameter. `float` is `number` (BFCL accepts an int for a float);
 * `tuple` is an array, as BFCL compares tuples as lists; `any` accepts any JSON value; a `dict`
 * with properties admits no others (BFCL rejects unexpected keys), one without admits any.
 */
export function bfclToJsonSchema(schema: BfclParameterSchema): JsonSchema {
  const out: JsonSchema = {};
  const scalar = Object.hasOwn(SCALARS, schema.type) ? SCALARS[schema.type] : undefined;
  if (scalar !== undefined) out.type = scalar;
  else if (schema.type === 'array' || schema.type === 'tuple') {
    out.type = 'array';
    if (schema.items) out.items = bfclToJsonSchema(schema.items);
  } else if (schema.type === 'dict') {
    out.type = 'object';
    if (schema.properties) {
      out.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([name, property]) => [name, bfclToJsonSchema(property)]),
      );
      const required = (schema.required ?? []).filter((name) => Object.hasOwn(schema.properties ?? {}, name));
      if (required.length > 0) out.required = required;
      out.additionalProperties = false;
    }
  }
  if (schema.enum) out.enum = schema.enum;
  if (schema.description !== undefined) out.description = schema.description;
  if (schema.default !== undefined) out.default = schema.default;
  return out;
}
