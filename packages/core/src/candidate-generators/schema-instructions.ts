import type { JsonSchema, PatternSummary } from './generator-input.js';
import { type SchemaIssue, schemaIssues } from './schema-issues.js';

/** Fields listed from a schema at most; a prompt is no place for a hundred-field dump. */
const MAX_LISTED_FIELDS = 30;
const MAX_DESCRIPTION = 160;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema of a dotted field path; numeric or placeholder segments step into array items. */
export function schemaAt(schema: JsonSchema | undefined, path: string): JsonSchema | undefined {
  let node: unknown = schema;
  for (const segment of path.split('.')) {
    while (isObject(node) && isObject(node.items) && !isObject(node.properties)) node = node.items;
    if (/^(?:\d+|<int>)$/.test(segment)) continue;
    const properties = isObject(node) ? node.properties : undefined;
    if (!isObject(properties) || !Object.hasOwn(properties, segment)) return undefined;
    node = properties[segment];
  }
  return isObject(node) ? node : undefined;
}

function typeText(schema: JsonSchema | undefined): string | undefined {
  if (schema === undefined) return undefined;
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type) && type.every((t) => typeof t === 'string')) return type.join(' or ');
  return undefined;
}

function enumValues(schema: JsonSchema | undefined): string[] | undefined {
  const values = schema?.enum;
  return Array.isArray(values) && values.length > 0 ? values.map((v) => JSON.stringify(v)) : undefined;
}

/** `(string, one of "USD", "EUR": ISO 4217 code)`, or '' when the schema says nothing about it. */
function fieldHint(schema: JsonSchema | undefined): string {
  const parts: string[] = [];
  const type = typeText(schema);
  if (type !== undefined) parts.push(type);
  const values = enumValues(schema);
  if (values !== undefined) parts.push(`one of ${values.join(', ')}`);
  let text = parts.join(', ');
  const description = schema?.description;
  if (typeof description === 'string' && description.trim() !== '') {
    const cut = description.trim().slice(0, MAX_DESCRIPTION);
    text = text === '' ? cut : `${text}: ${cut}`;
  }
  return text === '' ? '' : ` (${text})`;
}

function propertyNames(schema: JsonSchema | undefined): string[] {
  return isObject(schema?.properties) ? Object.keys(schema.properties) : [];
}

function requiredNames(schema: JsonSchema | undefined): string[] {
  const required = schema?.required;
  return Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [];
}

const code = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

function sentence(issue: SchemaIssue, schema: JsonSchema | undefined): string {
  const field = issue.field;
  const target = field === undefined ? schema : schemaAt(schema, field);
  const hint = field === undefined ? '' : fieldHint(target);
  const allowedFields = propertyNames(schema).slice(0, MAX_LISTED_FIELDS);
  switch (issue.problem) {
    case 'missing':
      if (field !== undefined) return `The field \`${field}\`${hint} is required: always include it.`;
      return requiredNames(schema).length > 0
        ? `A required field was missing: always include ${code(requiredNames(schema))}.`
        : 'A required field was missing: include every field the task asks for.';
    case 'unknown': {
      const only = allowedFields.length > 0 ? `; use only ${code(allowedFields)}` : '';
      return field !== undefined
        ? `Do not send the field \`${field}\`${only}.`
        : `Do not send fields that are not defined${only}.`;
    }
    case 'type': {
      const expected = issue.expected ?? typeText(target);
      const subject = field === undefined ? 'The output' : `The field \`${field}\``;
      return expected === undefined
        ? `${subject} has the wrong type.`
        : `${subject} must be of type ${expected}.`;
    }
    case 'enum': {
      const allowed = issue.allowed?.map((v) => JSON.stringify(v)) ?? enumValues(target);
      const subject = field === undefined ? 'The value' : `The field \`${field}\``;
      return allowed === undefined
        ? `${subject} must be one of its allowed values.`
        : `${subject} must be one of ${allowed.join(', ')}.`;
    }
    case 'constraint':
      return field === undefined
        ? `The output must satisfy: ${issue.detail}.`
        : `The field \`${field}\`${hint} must satisfy: ${issue.detail}.`;
  }
}

/** `Required fields: `a` (number), `b` (string). Optional fields: …` for an object schema. */
function schemaSummary(schema: JsonSchema): string | undefined {
  if (!isObject(schema.properties)) return undefined;
  const required = new Set(requiredNames(schema));
  const names = Object.keys(schema.properties).slice(0, MAX_LISTED_FIELDS);
  const list = (subset: string[]) =>
    subset.map((n) => `\`${n}\`${fieldHint(schemaAt(schema, n))}`).join(', ');
  const parts: string[] = [];
  const requiredList = names.filter((n) => required.has(n));
  const optionalList = names.filter((n) => !required.has(n));
  if (requiredList.length > 0) parts.push(`Required fields: ${list(requiredList)}.`);
  if (optionalList.length > 0) parts.push(`Optional fields: ${list(optionalList)}.`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/**
 * Instructions for the system prompt that address what the error says is wrong (`The field
 * `currency` (string) is required: always include it.`), followed by a summary of the output
 * schema when one is known. When the error names nothing specific, the error itself is quoted so
 * the model knows what to avoid.
 */
export function schemaInstructions(pattern: PatternSummary, schema?: JsonSchema): string {
  const issues = schemaIssues(pattern.normalizedMessage);
  const lines =
    issues.length > 0
      ? issues.map((issue) => sentence(issue, schema))
      : [
          `Earlier outputs of \`${pattern.function}\` were rejected with "${pattern.errorType}: ${pattern.normalizedMessage}". Make the output satisfy what that error requires.`,
        ];
  const summary = schema === undefined ? undefined : schemaSummary(schema);
  if (summary !== undefined) lines.push(summary);
  return lines.join('\n');
}
