/**
 * What a schema or validation error says is wrong, read from its normalised message: which field,
 * and whether it is missing, not allowed, of the wrong type, outside its allowed values, or breaking
 * another constraint. Structured issue lists (zod, FastAPI/pydantic) are read field by field; plain
 * sentences (ajv, HTTP APIs, MCP, PostgreSQL, OpenAI) by the phrasings those libraries use. Field
 * names survive normalisation because the normaliser keeps quoted names (DESIGN.md section 4).
 */

export type SchemaProblem = 'missing' | 'unknown' | 'type' | 'enum' | 'constraint';

export interface SchemaIssue {
  problem: SchemaProblem;
  /** Dotted path of the field (`items.price`); absent when the error names none. */
  field?: string;
  /** Expected JSON type, for `type`. */
  expected?: string;
  /** Allowed values, for `enum`, when the error lists them. */
  allowed?: string[];
  /** The error's own words, for `constraint`. */
  detail?: string;
}

const TYPE = '(string|number|integer|boolean|array|object|null)';
// A whole name (not the tail of a longer word), optionally quoted.
const NAME = '(?<![\\w.-])[\'"`]?([A-Za-z_][\\w.-]*)[\'"`]?';
const FIELD_WORD = '(?:key|field|property|parameter|argument|attribute|column)s?';
// FastAPI prefixes a field's location with where it was sent.
const LOCATIONS = new Set(['body', 'query', 'path', 'header', 'cookie']);

export function schemaIssues(message: string): SchemaIssue[] {
  const structured = issueObjects(message);
  return dedupe(structured.length > 0 ? structured : sentenceIssues(message));
}

function quotedStrings(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((m) =>
    (m[1] ?? m[2]!).replace(/\\(.)/g, '$1'),
  );
}

/** `{ "code": …, "path": [ … ], "message": … }` objects, as zod and pydantic list their issues. */
function issueObjects(message: string): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  // One level of nesting: pydantic's issues carry the offending `input` object inside them.
  for (const [block] of message.matchAll(/\{(?:[^{}]|\{[^{}]*\})*\}/g)) {
    const location = /"(path|loc)"\s*:\s*\[([^\]]*)\]/.exec(block);
    const keys = /"keys"\s*:\s*\[([^\]]*)\]/.exec(block);
    if (location === null && keys === null) continue;
    const segments = location === null ? [] : quotedStrings(location[2]!);
    if (location?.[1] === 'loc' && LOCATIONS.has(segments[0] ?? '')) segments.shift();
    const prefix = segments.join('.');
    const field = prefix === '' ? undefined : prefix;
    const text =
      /"(?:message|msg)"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(block)?.[1]?.replace(/\\(.)/g, '$1') ?? '';
    const code = /"(?:code|type)"\s*:\s*"([A-Za-z_]+)"/.exec(block)?.[1] ?? '';
    const options = /"options"\s*:\s*\[([^\]]*)\]/.exec(block);
    const expected = new RegExp(`\\bexpected ${TYPE}\\b`, 'i').exec(text)?.[1]?.toLowerCase();
    if (code === 'unrecognized_keys' && keys !== null) {
      for (const key of quotedStrings(keys[1]!)) {
        issues.push({ problem: 'unknown', field: prefix === '' ? key : `${prefix}.${key}` });
      }
    } else if (code === 'missing' || /\brequired\b|received undefined/i.test(text)) {
      issues.push(withField({ problem: 'missing' }, field));
    } else if (code.includes('enum') || options !== null) {
      const issue = withField<SchemaIssue>({ problem: 'enum' }, field);
      if (options !== null) issue.allowed = quotedStrings(options[1]!);
      issues.push(issue);
    } else if (expected !== undefined && (code === '' || code === 'invalid_type')) {
      issues.push(withField({ problem: 'type', expected }, field));
    } else {
      issues.push(withField({ problem: 'constraint', detail: text || code }, field));
    }
  }
  return issues;
}

type SentenceRule = { pattern: RegExp; issue: (m: RegExpExecArray) => SchemaIssue };

// ajv paths: `data/items/<int>` is the field `items` (array positions are not names).
const ajvField = (path: string) =>
  path
    .split('/')
    .filter((s) => s !== '' && !s.startsWith('<'))
    .join('.') || undefined;

const SENTENCE_RULES: readonly SentenceRule[] = [
  {
    pattern: new RegExp(
      `\\b(?:required ${FIELD_WORD}|missing(?: required)?(?: ${FIELD_WORD})?):? ${NAME}`,
      'gi',
    ),
    issue: (m) => ({ problem: 'missing', field: m[1]! }),
  },
  {
    pattern: new RegExp(`(?:${FIELD_WORD} )?${NAME} (?:is|are) (?:required|missing)\\b`, 'gi'),
    issue: (m) => ({ problem: 'missing', field: m[1]! }),
  },
  { pattern: /^([A-Za-z_][\w.-]*): Required\b/g, issue: (m) => ({ problem: 'missing', field: m[1]! }) },
  { pattern: /\bnull value in column "(\w+)"/g, issue: (m) => ({ problem: 'missing', field: m[1]! }) },
  {
    pattern: new RegExp(
      `\\b(?:unrecognized|unknown|unexpected|extra)(?: request)? ${FIELD_WORD}(?: supplied)?:? ${NAME}`,
      'gi',
    ),
    issue: (m) => ({ problem: 'unknown', field: m[1]! }),
  },
  { pattern: /\badditional propert/gi, issue: () => ({ problem: 'unknown' }) },
  {
    pattern: new RegExp(`\\bdata((?:/[\\w<>-]+)*) must be ${TYPE}\\b`, 'g'),
    issue: (m) => withField({ problem: 'type', expected: m[2]! }, ajvField(m[1]!)),
  },
  {
    pattern: new RegExp(`\\bexpected ['"\`]([A-Za-z_][\\w.-]*)['"\`] to be (?:an? )?${TYPE}\\b`, 'gi'),
    issue: (m) => ({ problem: 'type', field: m[1]!, expected: m[2]!.toLowerCase() }),
  },
  {
    pattern: new RegExp(`${NAME}:? (?:must|should) be (?:one of|equal to one of)\\b:?(.*)`, 'gi'),
    issue: (m) => {
      const allowed = quotedStrings(m[2]!);
      return allowed.length > 0
        ? { problem: 'enum', field: m[1]!, allowed }
        : { problem: 'enum', field: m[1]! };
    },
  },
  {
    // `data …` is ajv's root, handled above.
    pattern: new RegExp(
      `(?!data\\b)${NAME}:? (?:must be|should be|expected)(?: of type| an?)? ${TYPE}\\b`,
      'gi',
    ),
    issue: (m) => ({ problem: 'type', field: m[1]!, expected: m[2]!.toLowerCase() }),
  },
  {
    pattern: /\bdata((?:\/[\w<>-]+)+) (must [^,;]+)/g,
    issue: (m) => withField({ problem: 'constraint', detail: m[2]!.trim() }, ajvField(m[1]!)),
  },
];

function sentenceIssues(message: string): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const rule of SENTENCE_RULES) {
    for (const m of message.matchAll(rule.pattern)) issues.push(rule.issue(m as RegExpExecArray));
  }
  return issues;
}

function withField<T extends SchemaIssue>(issue: T, field: string | undefined): T {
  if (field !== undefined) issue.field = field;
  return issue;
}

/** One issue per problem and field; a looser constraint on a field already explained is dropped. */
function dedupe(issues: readonly SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  const explained = new Set<string | undefined>();
  const out: SchemaIssue[] = [];
  for (const issue of issues) {
    const key = `${issue.problem}\u0000${issue.field ?? ''}`;
    if (seen.has(key)) continue;
    if (issue.problem === 'constraint' && issue.field !== undefined && explained.has(issue.field)) continue;
    seen.add(key);
    explained.add(issue.field);
    out.push(issue);
  }
  return out;
}
