import type { Category } from './failure-category.js';
import { type FailureFacts, type FingerprintRule, firstRuleSetting } from './fingerprint-rule.js';

/*
 * What each category means here, so the evidence below points one way:
 * - api_schema: the request did not fit the contract of what was called (unknown, missing or
 *   mistyped parameter, invalid tool or response schema, context over the model's limit, unknown
 *   model, table or column, unavailable tool).
 * - validation: a value failed a check (zod, ajv, the AI SDK's schema check of model output, a
 *   database constraint, a business API's 422 `"amount" is required`).
 * - parsing_error: text could not be parsed at all (JSON.parse, output parsers, SQL syntax).
 * - network: the far side or the path to it failed, including every 5xx except gateway timeouts:
 *   from the agent's side a 500, 503 or an overloaded provider call for the same remedy as a reset
 *   connection (back off, retry, fail over), and none of it is the request's fault.
 * - timeout: a deadline passed (408, 504, socket/header/body timeouts, aborts; agents abort mostly on
 *   deadlines). rate_limit: we used up our allowance (429, quotas, pool exhaustion).
 *
 * Evidence is read most specific first: user rules, error code, error type, HTTP status (given or
 * printed in the message), then words in the message.
 *
 * Error types come from JavaScript (`RateLimitError`) and from the Python SDK, which names a class
 * by module (`openai.RateLimitError`, `httpx.ConnectError`, `json.decoder.JSONDecodeError`): a
 * dotted type is looked up whole, then by its class name, so both spellings share the table.
 */

const CODE_CATEGORY: ReadonlyMap<string, Category> = new Map(
  (
    [
      [
        'timeout',
        [
          'ETIMEDOUT',
          'ESOCKETTIMEDOUT',
          'ECONNABORTED',
          'ETIME',
          'UND_ERR_CONNECT_TIMEOUT',
          'UND_ERR_HEADERS_TIMEOUT',
          'UND_ERR_BODY_TIMEOUT',
          'ERR_SOCKET_CONNECTION_TIMEOUT',
          'ABORT_ERR',
          'TIMEOUT_ERR',
          'ERR_CANCELED',
          '57014', // query_canceled (statement_timeout)
          '55P03', // lock_not_available
          '-32001', // MCP request timeout
        ],
      ],
      [
        'network',
        [
          'ECONNREFUSED',
          'ECONNRESET',
          'ENOTFOUND',
          'EAI_AGAIN',
          'EHOSTUNREACH',
          'EHOSTDOWN',
          'ENETUNREACH',
          'ENETDOWN',
          'EPIPE',
          'EAI_NONAME', // Python's socket.gaierror
          'EPROTO',
          'UND_ERR_SOCKET',
          'UND_ERR_CLOSED',
          'ERR_NETWORK',
          'ERR_STREAM_PREMATURE_CLOSE',
          'ERR_TLS_CERT_ALTNAME_INVALID',
          'CERT_HAS_EXPIRED',
          'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
          'DEPTH_ZERO_SELF_SIGNED_CERT',
          'SELF_SIGNED_CERT_IN_CHAIN',
          'overloaded_error',
          'server_error',
          '57P01', // admin_shutdown
          '57P02', // crash_shutdown
          '57P03', // cannot_connect_now
        ],
      ],
      [
        'auth_failure',
        [
          'invalid_api_key',
          'invalid_authentication',
          'authentication_error',
          'permission_error',
          'permission_denied',
          'unauthorized',
          'invalid_token',
          'token_expired',
          'ERR_JWT_EXPIRED',
          'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
          'ERR_JWT_CLAIM_VALIDATION_FAILED',
          '42501', // insufficient_privilege
        ],
      ],
      [
        'rate_limit',
        [
          'rate_limit_exceeded',
          'rate_limit_error',
          'insufficient_quota',
          'too_many_requests',
          'RESOURCE_EXHAUSTED',
          'ThrottlingException',
          '53300', // too_many_connections
        ],
      ],
      [
        'api_schema',
        [
          'context_length_exceeded',
          'model_not_found',
          'unsupported_parameter',
          'unsupported_value',
          'unknown_parameter',
          'missing_required_parameter',
          '-32600', // JSON-RPC invalid request
          '-32601', // JSON-RPC method not found
        ],
      ],
      [
        'validation',
        [
          'ERR_INVALID_URL',
          'invalid_type',
          'invalid_format',
          'invalid_value',
          'invalid_enum_value',
          'invalid_string',
          'too_small',
          'too_big',
          'unrecognized_keys',
          '-32602', // JSON-RPC invalid params
        ],
      ],
      ['parsing_error', ['42601' /* syntax_error */, '-32700' /* JSON-RPC parse error */]],
    ] as const
  ).flatMap(([category, codes]) => codes.map((code) => [code, category] as const)),
);

/** PostgreSQL SQLSTATE classes, for codes not listed one by one above. */
const SQLSTATE_CLASS: ReadonlyMap<string, Category> = new Map([
  ['08', 'network'], // connection exception
  ['22', 'validation'], // data exception
  ['23', 'validation'], // integrity constraint violation
  ['28', 'auth_failure'], // invalid authorization specification
  ['42', 'api_schema'], // undefined table/column/function: the query does not fit the schema
]);

const TYPE_CATEGORY: ReadonlyMap<string, Category> = new Map(
  (
    [
      [
        'timeout',
        [
          'TimeoutError',
          'AbortError',
          'APIConnectionTimeoutError',
          'ConnectTimeoutError',
          'HeadersTimeoutError',
          'BodyTimeoutError',
          'RequestTimeoutError',
          'TimeoutException',
          // Python: openai/anthropic, httpx, requests, urllib3, aiohttp, asyncio (cancellation, as AbortError)
          'APITimeoutError',
          'ReadTimeout',
          'WriteTimeout',
          'PoolTimeout',
          'ConnectTimeout',
          'ReadTimeoutError',
          'ServerTimeoutError',
          'requests.exceptions.Timeout',
          'CancelledError',
        ],
      ],
      [
        'network',
        [
          'APIConnectionError',
          'FetchError',
          'SocketError',
          'ConnectionError',
          'NetworkError',
          'InternalServerError',
          'ServiceUnavailableError',
          // Python: built-in OSErrors, httpx, requests, urllib3, aiohttp, socket
          'ConnectionRefusedError',
          'ConnectionResetError',
          'ConnectionAbortedError',
          'BrokenPipeError',
          'ConnectError',
          'ReadError',
          'WriteError',
          'RemoteProtocolError',
          'ChunkedEncodingError',
          'SSLError',
          'MaxRetryError',
          'NewConnectionError',
          'ProtocolError',
          'ClientConnectorError',
          'ClientConnectionError',
          'ClientOSError',
          'ServerDisconnectedError',
          'gaierror',
        ],
      ],
      [
        'auth_failure',
        [
          'AuthenticationError',
          'PermissionDeniedError',
          'UnauthorizedError',
          'ForbiddenError',
          'TokenExpiredError',
          'JsonWebTokenError',
          'NotBeforeError',
          'JWTExpired',
          'JWSSignatureVerificationFailed',
          'JWTClaimValidationFailed',
          'AI_LoadAPIKeyError',
        ],
      ],
      ['rate_limit', ['RateLimitError', 'TooManyRequestsError', 'ThrottlingException']],
      [
        'api_schema',
        [
          'BadRequestError',
          'AI_InvalidArgumentError',
          'AI_InvalidPromptError',
          'AI_NoSuchToolError',
          'AI_NoSuchModelError',
          'AI_UnsupportedFunctionalityError',
          'AI_TooManyEmbeddingValuesForCallError',
        ],
      ],
      [
        'validation',
        [
          'ZodError',
          'ValidationError',
          'ValidatorError',
          'AI_TypeValidationError',
          'AI_InvalidToolArgumentsError',
          'AI_InvalidToolInputError',
          'ToolInputParsingException',
        ],
      ],
      [
        'parsing_error',
        [
          'SyntaxError',
          'AI_JSONParseError',
          'JSONParseError',
          'OutputParserException',
          'YAMLException',
          // Python: json, PyYAML, tomllib, xml.etree
          'JSONDecodeError',
          'YAMLError',
          'ScannerError',
          'ParserError',
          'TOMLDecodeError',
          'ParseError',
        ],
      ],
      // What a verdict's failure is called unless its label names it (verdict.ts).
      ['wrong_answer', ['WrongAnswer']],
    ] as const
  ).flatMap(([category, types]) => types.map((type) => [type, category] as const)),
);

/** The category of an error type: the whole name, else (a Python `module.Class`) the class name. */
function typeCategory(errorType: string): Category | undefined {
  const listed = TYPE_CATEGORY.get(errorType);
  if (listed !== undefined) return listed;
  const dot = errorType.lastIndexOf('.');
  return dot < 0 ? undefined : TYPE_CATEGORY.get(errorType.slice(dot + 1));
}

/** Types that say little alone; used only when nothing more specific decided. */
const FALLBACK_TYPE_CATEGORY: ReadonlyMap<string, Category> = new Map([
  ['AI_NoObjectGeneratedError', 'validation'],
]);

const STATUS_CATEGORY: ReadonlyMap<number, Category> = new Map([
  [401, 'auth_failure'],
  [403, 'auth_failure'],
  [407, 'auth_failure'],
  [429, 'rate_limit'],
  [408, 'timeout'],
  [504, 'timeout'],
  [524, 'timeout'], // Cloudflare: origin timed out
  [405, 'api_schema'],
  [413, 'api_schema'],
  [415, 'api_schema'],
]);

// The request's contract (parameters, schemas, limits) versus a value's check, for 400 and 422.
const CONTRACT_WORDS =
  /\bparam(?:eter)?s?\b|\bargument|\bschema\b|context length|maximum context|prompt is too long|\btokens\b|unrecognized request|unknown (?:field|key|property|parameter)|tool_calls?\b|tool_use|tool_result|\bmodel\b/i;
const VALUE_WORDS =
  /\bis required|\brequired\b|must (?:be|have|match|not)|invalid (?:value|format|email|date|input|option)|too (?:short|long|small|big)|out of range|not allowed|\bexpected\b|already exists/i;

// Statuses that messages carry without a separate field: `429 Rate limit…` (OpenAI SDK), axios's
// `Request failed with status code 503`, `HTTP 502`, Google's `[429 Too Many Requests]`.
const STATUS_IN_MESSAGE =
  /^([1-5]\d\d)\b|\bstatus(?: ?code|Code)?["']?[:=]? ?([1-5]\d\d)\b|\bHTTP(?:\/\d(?:\.\d)?)? ([1-5]\d\d)\b|\[([1-5]\d\d) [A-Z]/;

const RATE_LIMIT_WORDS =
  /rate[ _-]?limit|too many requests|\bquota\b|throttl|tokens per min|requests per min|resource (?:has been )?exhausted|too many (?:connections|clients)/i;

const MESSAGE_CATEGORY: readonly (readonly [RegExp, Category])[] = [
  [
    /\btimed? ?out\b|\btimeout\b|deadline exceeded|\bETIMEDOUT\b|took too long|aborted due to timeout/i,
    'timeout',
  ],
  [RATE_LIMIT_WORDS, 'rate_limit'],
  [
    /unauthori[sz]ed|forbidden|\bapi[ _-]?key\b|\bjwt\b|invalid (?:token|signature|credentials)|token (?:has )?expired|authenticat|permission denied|access denied|does not have access|password authentication failed/i,
    'auth_failure',
  ],
  [
    /fetch failed|\bE(?:CONNREFUSED|CONNRESET|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH|PIPE)\b|socket hang up|other side closed|network error|connection (?:refused|reset|closed|terminated|error|lost)|cannot connect|getaddrinfo|certificate|\bTLS\b|\bSSL\b|bad gateway|service unavailable|overloaded|server had an error|terminating connection/i,
    'network',
  ],
  [
    // Case-sensitive: `JSON` as messages write the format, not an `output.json` file name.
    /\bJSON\b|[Uu]nexpected (?:token|end of)|[Uu]nterminated|[Cc]ould not parse|[Ff]ailed to parse|[Pp]ars(?:e|ing) (?:error|failed)|[Ss]yntax error at/,
    'parsing_error',
  ],
  [
    /context length|maximum context|prompt is too long|unrecognized request argument|(?:missing|unknown|unsupported|invalid) (?:required )?parameter|invalid schema for|unavailable tool|\b(?:relation|column|table|model|function|tool|endpoint|route)\b[^.]{0,60}?\b(?:does not exist|not found)/i,
    'api_schema',
  ],
  [
    /validation|did not match|does not match|invalid input|is required|required property|must (?:be|have|match|not)|expected .{1,40}? received|too (?:small|big|short|long)|violates|constraint|out of range|invalid (?:value|format|email|enum|option|type)|unrecognized key|already exists/i,
    'validation',
  ],
];

export function statusFromMessage(message: string): number | undefined {
  const m = STATUS_IN_MESSAGE.exec(message);
  if (m === null) return undefined;
  return Number(m[1] ?? m[2] ?? m[3] ?? m[4]);
}

function codeCategory(code: string): Category | undefined {
  const listed = CODE_CATEGORY.get(code);
  if (listed !== undefined) return listed;
  // SQLSTATE: five characters, the class is the first two; every class we map starts with a digit.
  if (/^\d[0-9A-Z]{4}$/.test(code)) return SQLSTATE_CLASS.get(code.slice(0, 2));
  return undefined;
}

function statusCategory(status: number, message: string): Category | undefined {
  if (status === 400 || status === 422) {
    if (CONTRACT_WORDS.test(message)) return 'api_schema';
    if (VALUE_WORDS.test(message)) return 'validation';
    return status === 400 ? 'api_schema' : 'validation';
  }
  // Some APIs (GitHub's primary limit) answer a spent allowance with 403, not 429.
  if (status === 403 && RATE_LIMIT_WORDS.test(message)) return 'rate_limit';
  const listed = STATUS_CATEGORY.get(status);
  if (listed !== undefined) return listed;
  return status >= 500 && status <= 599 ? 'network' : undefined;
}

/** The category the built-in evidence gives, without user rules. */
export function builtinCategory(facts: FailureFacts): Category {
  const message = facts.message ?? '';
  const fromCode = facts.code === undefined ? undefined : codeCategory(facts.code);
  if (fromCode !== undefined) return fromCode;
  const fromType = facts.errorType === undefined ? undefined : typeCategory(facts.errorType);
  if (fromType !== undefined) return fromType;
  const status = facts.status ?? statusFromMessage(message);
  const fromStatus = status === undefined ? undefined : statusCategory(status, message);
  if (fromStatus !== undefined) return fromStatus;
  for (const [pattern, category] of MESSAGE_CATEGORY) {
    if (pattern.test(message)) return category;
  }
  return (
    (facts.errorType === undefined ? undefined : FALLBACK_TYPE_CATEGORY.get(facts.errorType)) ?? 'unknown'
  );
}

/** The failure's category: the first user rule that sets one, else the built-in evidence. */
export function categorizeFailure(facts: FailureFacts, rules: readonly FingerprintRule[] = []): Category {
  return firstRuleSetting(rules, facts, 'category')?.category ?? builtinCategory(facts);
}
