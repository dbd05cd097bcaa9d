// Type coercion of a model's output against a JSON Schema: the common near-misses of LLM output
// ("42" for 42, "true" for true, a lone object where an array was asked, an enum value in the
// wrong case) are turned into what the schema says. Only `type`, `enum`, `properties` and
// `items` are read; anything else is left as it is, so coercion never makes output less valid.

type Schema = Record<string, unknown>;

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matches(value: unknown, type: string): boolean {
  const actual = jsonType(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function convert(value: unknown, type: string): { ok: true; value: unknown } | { ok: false } {
  if (typeof value === 'string') {
    const text = value.trim();
    if ((type === 'number' || type === 'integer') && NUMERIC.test(text)) {
      const n = Number(text);
      if (type === 'number' || Number.isInteger(n)) return { ok: true, value: n };
    }
    if (type === 'boolean' && /^(true|false)$/i.test(text))
      return { ok: true, value: text.toLowerCase() === 'true' };
    if (type === 'null' && text === 'null') return { ok: true, value: null };
  }
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return { ok: true, value: String(value) };
  }
  if (type === 'array' && value !== undefined && value !== null) return { ok: true, value: [value] };
  return { ok: false };
}

function coerceEnum(value: unknown, options: unknown[]): unknown {
  if (typeof value !== 'string' || options.includes(value)) return value;
  const lower = value.trim().toLowerCase();
  return options.find((o) => typeof o === 'string' && o.toLowerCase() === lower) ?? value;
}

export function coerceToSchema(value: unknown, schema: Schema): unknown {
  const types =
    typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
  let result = value;
  if (types.length > 0 && !types.some((t) => matches(value, String(t)))) {
    for (const type of types) {
      const converted = convert(value, String(type));
      if (converted.ok) {
        result = converted.value;
        break;
      }
    }
  }
  if (Array.isArray(schema.enum)) result = coerceEnum(result, schema.enum);
  if (Array.isArray(result) && isObject(schema.items)) {
    const items = schema.items;
    return result.map((item) => coerceToSchema(item, items));
  }
  if (isObject(result) && isObject(schema.properties)) {
    const properties = schema.properties;
    const out: Record<string, unknown> = { ...result };
    for (const [key, sub] of Object.entries(properties)) {
      if (Object.hasOwn(out, key) && isObject(sub)) out[key] = coerceToSchema(out[key], sub);
    }
    return out;
  }
  return result;
}
