import type { Category } from './failure-category.js';

/**
 * Error messages as the libraries agents use word them (OpenAI and Anthropic SDKs, Vercel AI SDK,
 * undici/fetch, axios, V8 JSON.parse, zod, ajv, pg, jsonwebtoken, LangChain/LangGraph, MCP, Google
 * Generative AI, plus tool APIs), with the category each should get and a group label: entries
 * with one label are one failure seen with different volatile values and must share a pattern id;
 * entries with different labels (and the same function) must not.
 */
export type CorpusEntry = {
  errorType: string;
  message: string;
  status?: number;
  code?: string;
  /** Defaults to `CORPUS_DEFAULT_FUNCTION`. */
  function?: string;
  category: Category;
  group: string;
};

export const CORPUS_DEFAULT_FUNCTION = 'runAgentStep';

const OPENAI_KEYS_URL = 'https://platform.openai.com/account/api-keys';
const OPENAI_LIMITS = 'Visit https://platform.openai.com/account/rate-limits to learn more.';

const zod3Enum = (received: string) =>
  `[\n  {\n    "received": "${received}",\n    "code": "invalid_enum_value",\n    "options": [\n      "user",\n      "assistant"\n    ],\n    "path": [\n      "role"\n    ],\n    "message": "Invalid enum value. Expected 'user' | 'assistant', received '${received}'"\n  }\n]`;

const zod3Type = (path: string, expected: string, received: string) =>
  `[\n  {\n    "code": "invalid_type",\n    "expected": "${expected}",\n    "received": "${received}",\n    "path": [\n      "${path}"\n    ],\n    "message": "Expected ${expected}, received ${received}"\n  }\n]`;

const aiTypeValidation = (value: string, path: string, expected: string, received: string) =>
  `Type validation failed: Value: ${value}.\nError message: ${zod3Type(path, expected, received)}`;

const anthropic = (type: string, message: string, requestId: string) =>
  `{"type":"error","error":{"type":"${type}","message":"${message}"},"request_id":"${requestId}"}`;

const anthropicRateLimit = (org: string, limit: string) =>
  `This request would exceed the rate limit for your organization (${org}) of ${limit} input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.`;

export const ERROR_MESSAGE_CORPUS: readonly CorpusEntry[] = [
  // --- OpenAI Node SDK: `${status} ${message}` ------------------------------------------------
  ...[
    'sk-proj-********************************************x9Qa',
    'sk-abc12***************************************7fZ2',
    'sk-svcacct-****************************************Kq1m',
  ].map((key) => ({
    errorType: 'AuthenticationError',
    status: 401,
    code: 'invalid_api_key',
    message: `401 Incorrect API key provided: ${key}. You can find your API key at ${OPENAI_KEYS_URL}.`,
    category: 'auth_failure' as const,
    group: 'openai-incorrect-key',
  })),
  {
    errorType: 'AuthenticationError',
    status: 401,
    message: `401 You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from ${OPENAI_KEYS_URL}.`,
    category: 'auth_failure',
    group: 'openai-no-key',
  },
  ...[
    ['org-AbC123xYz789QwErTy456uIoP', '30000', '29000', '1500', '1.2s'],
    ['org-9ZyXwVuT8sRqPoN7mLkJ6iHg', '30000', '28791', '2210', '2.002s'],
    ['org-Qm3xT0pLk9WvB2nR7sYc4HdE', '450000', '449120', '3051', '340ms'],
  ].map(([org, limit, used, requested, wait]) => ({
    errorType: 'RateLimitError',
    status: 429,
    code: 'rate_limit_exceeded',
    message: `429 Rate limit reached for gpt-4o in organization ${org} on tokens per min (TPM): Limit ${limit}, Used ${used}, Requested ${requested}. Please try again in ${wait}. ${OPENAI_LIMITS}`,
    category: 'rate_limit' as const,
    group: 'openai-tpm-gpt-4o',
  })),
  ...[
    ['org-AbC123xYz789QwErTy456uIoP', '120ms'],
    ['org-Lk2Jh8Gf6Ds4Az1Xc9Vb7Nm5', '6m0s'],
  ].map(([org, wait]) => ({
    errorType: 'RateLimitError',
    status: 429,
    code: 'rate_limit_exceeded',
    message: `429 Rate limit reached for gpt-4o-mini in organization ${org} on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${wait}. ${OPENAI_LIMITS}`,
    category: 'rate_limit' as const,
    group: 'openai-rpm-gpt-4o-mini',
  })),
  ...[
    ['org-AbC123xYz789QwErTy456uIoP', '89995', '912', '14m2.88s'],
    ['org-Zx8Cv6Bn4Mq2Wr0Ty7Ui5Op3', '89410', '1377', '21m14.4s'],
  ].map(([org, used, requested, wait]) => ({
    errorType: 'RateLimitError',
    status: 429,
    code: 'rate_limit_exceeded',
    message: `429 Rate limit reached for gpt-4o in organization ${org} on tokens per day (TPD): Limit 90000, Used ${used}, Requested ${requested}. Please try again in ${wait}. ${OPENAI_LIMITS}`,
    category: 'rate_limit' as const,
    group: 'openai-tpd-gpt-4o',
  })),
  {
    errorType: 'RateLimitError',
    status: 429,
    code: 'insufficient_quota',
    message:
      '429 You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    category: 'rate_limit',
    group: 'openai-insufficient-quota',
  },
  ...[
    ['128000', '131072'],
    ['8192', '9012'],
  ].map(([max, got]) => ({
    errorType: 'BadRequestError',
    status: 400,
    code: 'context_length_exceeded',
    message: `400 This model's maximum context length is ${max} tokens. However, your messages resulted in ${got} tokens. Please reduce the length of the messages.`,
    category: 'api_schema' as const,
    group: 'openai-context-length',
  })),
  ...[
    ['8192', '8429', '8012', '417'],
    ['16385', '17020', '15100', '1920'],
  ].map(([max, got, inMessages, inFunctions]) => ({
    errorType: 'BadRequestError',
    status: 400,
    code: 'context_length_exceeded',
    message: `400 This model's maximum context length is ${max} tokens. However, your messages resulted in ${got} tokens (${inMessages} in the messages, ${inFunctions} in the functions). Please reduce the length of the messages or functions.`,
    category: 'api_schema' as const,
    group: 'openai-context-length-functions',
  })),
  ...['call_DdmO9zD2gP3kXhmLxy4Qe8a5', 'call_7hKq2NwXvB4mYp9LrT1sZc6E'].map((id) => ({
    errorType: 'BadRequestError',
    status: 400,
    message: `400 An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${id}`,
    category: 'api_schema' as const,
    group: 'openai-tool-call-without-response',
  })),
  {
    errorType: 'BadRequestError',
    status: 400,
    message:
      "400 Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
    category: 'api_schema',
    group: 'openai-tool-message-without-tool-calls',
  },
  {
    errorType: 'BadRequestError',
    status: 400,
    message: "400 Missing required parameter: 'messages'.",
    category: 'api_schema',
    group: 'openai-missing-messages',
  },
  {
    errorType: 'BadRequestError',
    status: 400,
    message: "400 Missing required parameter: 'model'.",
    category: 'api_schema',
    group: 'openai-missing-model',
  },
  {
    errorType: 'BadRequestError',
    status: 400,
    message: '400 Unrecognized request argument supplied: functionz',
    category: 'api_schema',
    group: 'openai-unrecognized-functionz',
  },
  {
    errorType: 'BadRequestError',
    status: 400,
    message: '400 Unrecognized request argument supplied: tool_choise',
    category: 'api_schema',
    group: 'openai-unrecognized-tool-choise',
  },
  ...[
    ['2', '1397022'],
    ['5', '2000113'],
  ].map(([index, length]) => ({
    errorType: 'BadRequestError',
    status: 400,
    message: `400 Invalid 'messages[${index}].content': string too long. Expected a string with maximum length 1048576, but got a string with length ${length} instead.`,
    category: 'api_schema' as const,
    group: 'openai-content-too-long',
  })),
  {
    errorType: 'BadRequestError',
    status: 400,
    message:
      "400 Invalid schema for function 'get_weather': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'location'.",
    category: 'api_schema',
    group: 'openai-strict-schema-get-weather',
  },
  {
    errorType: 'BadRequestError',
    status: 400,
    message:
      "400 Invalid schema for function 'search_docs': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'query'.",
    category: 'api_schema',
    group: 'openai-strict-schema-search-docs',
  },
  ...['3.5', '2.7'].map((got) => ({
    errorType: 'BadRequestError',
    status: 400,
    message: `400 Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${got} instead.`,
    category: 'api_schema' as const,
    group: 'openai-temperature-above-max',
  })),
  {
    errorType: 'BadRequestError',
    status: 400,
    message:
      "400 'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
    category: 'api_schema',
    group: 'openai-json-mode-needs-json',
  },
  {
    errorType: 'NotFoundError',
    status: 404,
    code: 'model_not_found',
    message: '404 The model `gpt-5-turbo` does not exist or you do not have access to it.',
    category: 'api_schema',
    group: 'openai-model-not-found-gpt-5-turbo',
  },
  {
    errorType: 'NotFoundError',
    status: 404,
    code: 'model_not_found',
    message: '404 The model `gpt-4-32k` does not exist or you do not have access to it.',
    category: 'api_schema',
    group: 'openai-model-not-found-gpt-4-32k',
  },
  ...['proj_Ab12Cd34Ef56Gh78Ij90Kl12', 'proj_Zy98Xw76Vu54Ts32Rq10Po98'].map((project) => ({
    errorType: 'PermissionDeniedError',
    status: 403,
    message: `403 Project \`${project}\` does not have access to model \`gpt-4o\``,
    category: 'auth_failure' as const,
    group: 'openai-project-no-model-access',
  })),
  {
    errorType: 'InternalServerError',
    status: 500,
    message: '500 The server had an error while processing your request. Sorry about that!',
    category: 'network',
    group: 'openai-server-error',
  },
  ...['req_5f8c2a1b9d3e4f60a7b8c9d0e1f2a3b4', 'req_0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f'].map((id) => ({
    errorType: 'InternalServerError',
    status: 500,
    message: `500 The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error. (Please include the request ID ${id} in your email.)`,
    category: 'network' as const,
    group: 'openai-server-error-with-request-id',
  })),
  {
    errorType: 'InternalServerError',
    status: 503,
    message: '503 The engine is currently overloaded, please try again later',
    category: 'network',
    group: 'openai-engine-overloaded',
  },
  {
    errorType: 'APIConnectionTimeoutError',
    message: 'Request timed out.',
    category: 'timeout',
    group: 'openai-request-timed-out',
  },
  {
    errorType: 'APIConnectionTimeoutError',
    message: 'Request timed out.',
    function: 'searchWeb',
    category: 'timeout',
    group: 'openai-request-timed-out-in-search',
  },
  {
    errorType: 'APIConnectionError',
    message: 'Connection error.',
    category: 'network',
    group: 'openai-connection-error',
  },
  ...[
    ['thread_abc123XYZ456def789', 'run_9Kx2Lm4Np6Qr8St0Uv2Wx4Yz'],
    ['thread_Q7w8E9r0T1y2U3i4O5p6', 'run_A1s2D3f4G5h6J7k8L9z0X1c2'],
  ].map(([thread, run]) => ({
    errorType: 'BadRequestError',
    status: 400,
    message: `400 Can't add messages to ${thread} while a run ${run} is active.`,
    category: 'api_schema' as const,
    group: 'openai-assistants-run-active',
  })),

  // --- Anthropic SDK: `${status} ${JSON body}` ---------------------------------------------------
  ...['req_011CUxAbcDEf12GhIjKlMn34', 'req_011CV9zYxWvUt87SrQpOnM65'].map((id) => ({
    errorType: 'APIError',
    status: 529,
    message: `529 ${anthropic('overloaded_error', 'Overloaded', id)}`,
    category: 'network' as const,
    group: 'anthropic-overloaded',
  })),
  ...[
    ['3f2a9c4e-1b7d-4e8f-9a6b-2c5d8e1f4a7b', '40,000', 'req_011CUa1b2c3d4e5f6g7h8i9j'],
    ['8c1e5b2d-7f3a-4c9e-b1d6-0a2f4e6c8b9d', '400,000', 'req_011CVk9j8i7h6g5f4e3d2c1b'],
  ].map(([org, limit, id]) => ({
    errorType: 'RateLimitError',
    status: 429,
    message: `429 ${anthropic('rate_limit_error', anthropicRateLimit(org!, limit!), id!)}`,
    category: 'rate_limit' as const,
    group: 'anthropic-input-tpm',
  })),
  ...['req_011CUpQ1rS2tU3vW4xY5zA6b', 'req_011CW7c8D9e0F1g2H3i4J5k6'].map((id) => ({
    errorType: 'AuthenticationError',
    status: 401,
    message: `401 ${anthropic('authentication_error', 'invalid x-api-key', id)}`,
    category: 'auth_failure' as const,
    group: 'anthropic-invalid-key',
  })),
  ...[
    ['1', 'toolu_01A09q90qw90lq917835lq9'],
    ['3', 'toolu_01Xk7Yh2Vb9Nc4Mz8Lp3Qr6T'],
  ].map(([index, id]) => ({
    errorType: 'BadRequestError',
    status: 400,
    message: `400 {"type":"error","error":{"type":"invalid_request_error","message":"messages.${index}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message."}}`,
    category: 'api_schema' as const,
    group: 'anthropic-orphan-tool-result',
  })),
  ...[
    ['208310', 'req_011CUs1T2u3V4w5X6y7Z8a9B'],
    ['231877', 'req_011CW0p9O8i7U6y5T4r3E2w1'],
  ].map(([tokens, id]) => ({
    errorType: 'BadRequestError',
    status: 400,
    message: `400 ${anthropic('invalid_request_error', `prompt is too long: ${tokens} tokens > 200000 maximum`, id!)}`,
    category: 'api_schema' as const,
    group: 'anthropic-prompt-too-long',
  })),

  // --- Vercel AI SDK ------------------------------------------------------------------------
  ...['sk-proj-****************************************************Zq7W', 'sk-proj-***************abcd'].map(
    (key) => ({
      errorType: 'AI_APICallError',
      status: 401,
      message: `Incorrect API key provided: ${key}. You can find your API key at ${OPENAI_KEYS_URL}.`,
      category: 'auth_failure' as const,
      group: 'ai-sdk-incorrect-key',
    }),
  ),
  ...[
    ['org-AbC123xYz789QwErTy456uIoP', '795', '1.59s'],
    ['org-Pl0Ok9Ij8Uh7Yg6Tf5Rd4Es3', '4012', '8.024s'],
  ].map(([org, requested, wait]) => ({
    errorType: 'AI_APICallError',
    status: 429,
    message: `Rate limit reached for gpt-4o in organization ${org} on tokens per min (TPM): Limit 30000, Used 30000, Requested ${requested}. Please try again in ${wait}. ${OPENAI_LIMITS}`,
    category: 'rate_limit' as const,
    group: 'ai-sdk-tpm-gpt-4o',
  })),
  ...['127.0.0.1:11434', '::1:8080'].map((address) => ({
    errorType: 'AI_APICallError',
    message: `Cannot connect to API: connect ECONNREFUSED ${address}`,
    category: 'network' as const,
    group: 'ai-sdk-cannot-connect',
  })),
  {
    errorType: 'AI_NoObjectGeneratedError',
    message: 'No object generated: could not parse the response.',
    category: 'parsing_error',
    group: 'ai-sdk-no-object-unparsable',
  },
  {
    errorType: 'AI_NoObjectGeneratedError',
    message: 'No object generated: response did not match schema.',
    category: 'validation',
    group: 'ai-sdk-no-object-schema-mismatch',
  },
  {
    errorType: 'AI_TypeValidationError',
    message: aiTypeValidation('{"name":"Ada","age":"36"}', 'age', 'number', 'string'),
    category: 'validation',
    group: 'ai-sdk-age-not-number',
  },
  {
    errorType: 'AI_TypeValidationError',
    message: aiTypeValidation('{"name":"Grace Hopper","age":"eighty-five"}', 'age', 'number', 'string'),
    category: 'validation',
    group: 'ai-sdk-age-not-number',
  },
  {
    errorType: 'AI_TypeValidationError',
    message: aiTypeValidation('{"city":"Paris","days":3}', 'units', 'string', 'undefined'),
    category: 'validation',
    group: 'ai-sdk-units-missing',
  },
  {
    errorType: 'AI_TypeValidationError',
    message: aiTypeValidation('{"city":"Lyon","days":10,"lang":"fr"}', 'units', 'string', 'undefined'),
    category: 'validation',
    group: 'ai-sdk-units-missing',
  },
  ...[
    ['{"city": "Paris", "temp": 21,', '30'],
    ['{"city": "Ouagadougou", "temp": 35.5,', '37'],
  ].map(([text, position]) => ({
    errorType: 'AI_JSONParseError',
    message: `JSON parsing failed: Text: ${text}.\nError message: Expected double-quoted property name in JSON at position ${position}`,
    category: 'parsing_error' as const,
    group: 'ai-sdk-json-trailing-comma',
  })),
  ...[
    ['```json\n{"city":"Paris"}\n```', '"```json\n{"city":"Paris"}\n```"'],
    ['```json\n{\n  "items": [1, 2, 3]\n}\n```', '"```json\n{\n "... '],
  ].map(([text, snippet]) => ({
    errorType: 'AI_JSONParseError',
    message: `JSON parsing failed: Text: ${text}.\nError message: Unexpected token '\`', ${snippet!.trimEnd()} is not valid JSON`,
    category: 'parsing_error' as const,
    group: 'ai-sdk-json-markdown-fence',
  })),
  ...[
    ['3', 'org-AbC123xYz789QwErTy456uIoP', '20s'],
    ['5', 'org-Mn3Bv5Cx7Zl9Kj1Hg3Fd5Sa7', '7.5s'],
  ].map(([attempts, org, wait]) => ({
    errorType: 'AI_RetryError',
    message: `Failed after ${attempts} attempts. Last error: Rate limit reached for gpt-4o-mini in organization ${org} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${wait}. ${OPENAI_LIMITS}`,
    category: 'rate_limit' as const,
    group: 'ai-sdk-retry-rpm',
  })),
  ...['3', '4'].map((attempts) => ({
    errorType: 'AI_RetryError',
    message: `Failed after ${attempts} attempts. Last error: Overloaded`,
    category: 'network' as const,
    group: 'ai-sdk-retry-overloaded',
  })),
  {
    errorType: 'AI_LoadAPIKeyError',
    message:
      "OpenAI API key is missing. Pass it using the 'apiKey' parameter or the OPENAI_API_KEY environment variable.",
    category: 'auth_failure',
    group: 'ai-sdk-openai-key-missing',
  },
  {
    errorType: 'AI_LoadAPIKeyError',
    message:
      "Anthropic API key is missing. Pass it using the 'apiKey' parameter or the ANTHROPIC_API_KEY environment variable.",
    category: 'auth_failure',
    group: 'ai-sdk-anthropic-key-missing',
  },
  {
    errorType: 'AI_NoSuchToolError',
    message: "Model tried to call unavailable tool 'web_search'. Available tools: getWeather, calculator.",
    category: 'api_schema',
    group: 'ai-sdk-unavailable-web-search',
  },
  {
    errorType: 'AI_NoSuchToolError',
    message: "Model tried to call unavailable tool 'send_email'. Available tools: getWeather, calculator.",
    category: 'api_schema',
    group: 'ai-sdk-unavailable-send-email',
  },
  ...['{"city":42}', '{"city":["Paris","Lyon"]}'].map((value) => ({
    errorType: 'AI_InvalidToolArgumentsError',
    message: `Invalid arguments for tool getWeather: ${aiTypeValidation(value, 'city', 'string', 'number')}`,
    category: 'validation' as const,
    group: 'ai-sdk-tool-args-city',
  })),

  // --- undici / fetch / Node net --------------------------------------------------------------
  ...[1, 2].map(() => ({
    errorType: 'TypeError',
    code: 'ECONNREFUSED',
    message: 'fetch failed',
    category: 'network' as const,
    group: 'fetch-failed-refused',
  })),
  {
    errorType: 'TypeError',
    code: 'ENOTFOUND',
    message: 'fetch failed',
    category: 'network',
    group: 'fetch-failed-not-found',
  },
  {
    errorType: 'TypeError',
    code: 'UND_ERR_HEADERS_TIMEOUT',
    message: 'fetch failed',
    category: 'timeout',
    group: 'fetch-failed-headers-timeout',
  },
  ...['127.0.0.1:3000', '10.0.3.7:5432', '::1:5432', '[::1]:8080', '172.17.0.2:6379'].map((address) => ({
    errorType: 'Error',
    code: 'ECONNREFUSED',
    message: `connect ECONNREFUSED ${address}`,
    category: 'network' as const,
    group: 'connect-refused',
  })),
  ...['api.openai.com', 'db.internal.example.com', 'nonexistent.invalid'].map((host) => ({
    errorType: 'Error',
    code: 'ENOTFOUND',
    message: `getaddrinfo ENOTFOUND ${host}`,
    category: 'network' as const,
    group: 'getaddrinfo-not-found',
  })),
  {
    errorType: 'Error',
    code: 'EAI_AGAIN',
    message: 'getaddrinfo EAI_AGAIN api.anthropic.com',
    category: 'network',
    group: 'getaddrinfo-again',
  },
  {
    errorType: 'Error',
    code: 'ECONNRESET',
    message: 'read ECONNRESET',
    category: 'network',
    group: 'read-reset',
  },
  {
    errorType: 'Error',
    code: 'ECONNRESET',
    message: 'socket hang up',
    category: 'network',
    group: 'socket-hang-up',
  },
  {
    errorType: 'Error',
    code: 'EPIPE',
    message: 'write EPIPE',
    category: 'network',
    group: 'write-epipe',
  },
  ...['104.18.7.192:443', '10.0.12.4:5432'].map((address) => ({
    errorType: 'Error',
    code: 'ETIMEDOUT',
    message: `connect ETIMEDOUT ${address}`,
    category: 'timeout' as const,
    group: 'connect-timed-out',
  })),
  ...[
    ['api.openai.com:443', '10000ms'],
    ['generativelanguage.googleapis.com:443', '30000ms'],
    ['localhost:11434', '5000ms'],
  ].map(([address, timeout]) => ({
    errorType: 'ConnectTimeoutError',
    code: 'UND_ERR_CONNECT_TIMEOUT',
    message: `Connect Timeout Error (attempted address: ${address}, timeout: ${timeout})`,
    category: 'timeout' as const,
    group: 'undici-connect-timeout',
  })),
  {
    errorType: 'HeadersTimeoutError',
    code: 'UND_ERR_HEADERS_TIMEOUT',
    message: 'Headers Timeout Error',
    category: 'timeout',
    group: 'undici-headers-timeout',
  },
  {
    errorType: 'BodyTimeoutError',
    code: 'UND_ERR_BODY_TIMEOUT',
    message: 'Body Timeout Error',
    category: 'timeout',
    group: 'undici-body-timeout',
  },
  {
    errorType: 'SocketError',
    code: 'UND_ERR_SOCKET',
    message: 'other side closed',
    category: 'network',
    group: 'undici-other-side-closed',
  },
  {
    errorType: 'TimeoutError',
    message: 'The operation was aborted due to timeout',
    category: 'timeout',
    group: 'abort-signal-timeout',
  },
  {
    errorType: 'AbortError',
    code: 'ABORT_ERR',
    message: 'This operation was aborted',
    category: 'timeout',
    group: 'abort-controller-abort',
  },
  ...['5000', '30000'].map((ms) => ({
    errorType: 'TimeoutError',
    message: `Promise timed out after ${ms} milliseconds`,
    category: 'timeout' as const,
    group: 'p-timeout',
  })),
  ...[
    '2024-03-11T09:15:27Z is after 2024-03-01T00:00:00Z',
    '2025-01-02T18:04:55Z is after 2024-12-31T23:59:59Z',
  ].map((when) => ({
    errorType: 'Error',
    message: `tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ${when}`,
    category: 'network' as const,
    group: 'upstream-certificate-expired',
  })),
  ...[
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
  ].map((trace) => ({
    errorType: 'HTTPError',
    status: 504,
    message: `504 upstream request timeout (traceparent ${trace})`,
    category: 'timeout' as const,
    group: 'envoy-upstream-timeout',
  })),

  // --- axios -------------------------------------------------------------------------------
  ...[1, 2].map(() => ({
    errorType: 'AxiosError',
    status: 503,
    code: 'ERR_BAD_RESPONSE',
    message: 'Request failed with status code 503',
    category: 'network' as const,
    group: 'axios-503',
  })),
  {
    errorType: 'AxiosError',
    status: 502,
    code: 'ERR_BAD_RESPONSE',
    message: 'Request failed with status code 502',
    category: 'network',
    group: 'axios-502',
  },
  {
    errorType: 'AxiosError',
    status: 404,
    code: 'ERR_BAD_REQUEST',
    message: 'Request failed with status code 404',
    category: 'unknown',
    group: 'axios-404',
  },
  {
    errorType: 'AxiosError',
    status: 401,
    code: 'ERR_BAD_REQUEST',
    message: 'Request failed with status code 401',
    category: 'auth_failure',
    group: 'axios-401',
  },
  {
    errorType: 'AxiosError',
    status: 429,
    code: 'ERR_BAD_REQUEST',
    message: 'Request failed with status code 429',
    category: 'rate_limit',
    group: 'axios-429',
  },
  ...['5000', '30000', '120000'].map((ms) => ({
    errorType: 'AxiosError',
    code: 'ECONNABORTED',
    message: `timeout of ${ms}ms exceeded`,
    category: 'timeout' as const,
    group: 'axios-timeout',
  })),
  {
    errorType: 'AxiosError',
    code: 'ERR_NETWORK',
    message: 'Network Error',
    category: 'network',
    group: 'axios-network-error',
  },

  // --- V8 JSON.parse (Node 20 wording, and Node 18's where noted) ------------------------------
  ...['8', '131'].map((position) => ({
    errorType: 'SyntaxError',
    message: `Expected double-quoted property name in JSON at position ${position}`,
    category: 'parsing_error' as const,
    group: 'json-expected-property-name',
  })),
  {
    errorType: 'SyntaxError',
    message: 'Unexpected end of JSON input',
    category: 'parsing_error',
    group: 'json-unexpected-end',
  },
  ...[
    '"<!DOCTYPE "...',
    '"<html>\r\n<h"...',
    '"<html><head><title>502 Bad Gateway</title></head></html>"',
  ].map((snippet) => ({
    errorType: 'SyntaxError',
    message: `Unexpected token '<', ${snippet} is not valid JSON`,
    category: 'parsing_error' as const,
    group: 'json-got-html',
  })),
  ...[
    ['H', '"Here is th"...'],
    ['S', '"Sure! Here"...'],
    ['T', '"The server"...'],
    ['I', '"I cannot c"...'],
  ].map(([token, snippet]) => ({
    errorType: 'SyntaxError',
    message: `Unexpected token '${token}', ${snippet} is not valid JSON`,
    category: 'parsing_error' as const,
    group: 'json-got-prose',
  })),
  ...['"```json\n{"a":1}\n```"', '"```json\n{\n "... '].map((snippet) => ({
    errorType: 'SyntaxError',
    message: `Unexpected token '\`', ${snippet.trimEnd()} is not valid JSON`,
    category: 'parsing_error' as const,
    group: 'json-got-markdown-fence',
  })),
  ...['7', '1043'].map((position) => ({
    errorType: 'SyntaxError',
    message: `Unexpected non-whitespace character after JSON at position ${position}`,
    category: 'parsing_error' as const,
    group: 'json-trailing-data',
  })),
  ...['42', '7'].map((position) => ({
    errorType: 'SyntaxError',
    message: `Unexpected token } in JSON at position ${position}`,
    category: 'parsing_error' as const,
    group: 'json-node18-stray-brace',
  })),
  ...['0', '0'].map((position) => ({
    errorType: 'SyntaxError',
    message: `Unexpected token u in JSON at position ${position}`,
    category: 'parsing_error' as const,
    group: 'json-node18-undefined',
  })),
  {
    errorType: 'SyntaxError',
    message: '"undefined" is not valid JSON',
    category: 'parsing_error',
    group: 'json-undefined',
  },
  {
    errorType: 'SyntaxError',
    message: '"[object Object]" is not valid JSON',
    category: 'parsing_error',
    group: 'json-object-object',
  },
  ...['17', '2301'].map((position) => ({
    errorType: 'SyntaxError',
    message: `Expected ',' or '}' after property value in JSON at position ${position}`,
    category: 'parsing_error' as const,
    group: 'json-missing-comma',
  })),
  ...['54', '812'].map((position) => ({
    errorType: 'SyntaxError',
    message: `Bad control character in string literal in JSON at position ${position}`,
    category: 'parsing_error' as const,
    group: 'json-control-character',
  })),
  ...['4096', '16384'].map((position) => ({
    errorType: 'SyntaxError',
    message: `Unterminated string in JSON at position ${position}`,
    category: 'parsing_error' as const,
    group: 'json-unterminated-string',
  })),

  // --- zod (v3 and v4 issue lists) ----------------------------------------------------------
  ...['bot', 'System', 'developer'].map((received) => ({
    errorType: 'ZodError',
    message: zod3Enum(received),
    category: 'validation' as const,
    group: 'zod-role-enum',
  })),
  {
    errorType: 'ZodError',
    message: zod3Type('amount', 'number', 'string'),
    category: 'validation',
    group: 'zod-amount-number-got-string',
  },
  {
    errorType: 'ZodError',
    message: zod3Type('amount', 'number', 'null'),
    category: 'validation',
    group: 'zod-amount-number-got-null',
  },
  {
    errorType: 'ZodError',
    message:
      '[\n  {\n    "expected": "number",\n    "code": "invalid_type",\n    "path": [\n      "amount"\n    ],\n    "message": "Invalid input: expected number, received string"\n  }\n]',
    category: 'validation',
    group: 'zod4-amount-number-got-string',
  },
  {
    errorType: 'ZodError',
    message:
      '[\n  {\n    "code": "unrecognized_keys",\n    "keys": [\n      "foo"\n    ],\n    "path": [],\n    "message": "Unrecognized key: \\"foo\\""\n  }\n]',
    category: 'validation',
    group: 'zod4-unrecognized-foo',
  },
  {
    errorType: 'ZodError',
    message:
      '[\n  {\n    "origin": "string",\n    "code": "too_small",\n    "minimum": 3,\n    "inclusive": true,\n    "path": [\n      "query"\n    ],\n    "message": "Too small: expected string to have >=3 characters"\n  }\n]',
    category: 'validation',
    group: 'zod4-query-too-short',
  },

  // --- ajv ---------------------------------------------------------------------------------
  {
    errorType: 'ValidationError',
    message: "data must have required property 'name'",
    category: 'validation',
    group: 'ajv-required-name',
  },
  {
    errorType: 'ValidationError',
    message: "data must have required property 'email'",
    category: 'validation',
    group: 'ajv-required-email',
  },
  ...['1', '17', '256'].map((index) => ({
    errorType: 'ValidationError',
    message: `data/items/${index} must be integer`,
    category: 'validation' as const,
    group: 'ajv-items-integer',
  })),
  {
    errorType: 'ValidationError',
    message: 'data/age must be >= 18',
    category: 'validation',
    group: 'ajv-age-minimum',
  },
  {
    errorType: 'ValidationError',
    message: 'data must NOT have additional properties',
    category: 'validation',
    group: 'ajv-additional-properties',
  },
  {
    errorType: 'ValidationError',
    message: 'data/email must match format "email"',
    category: 'validation',
    group: 'ajv-email-format',
  },

  // --- pg (node-postgres) ----------------------------------------------------------------------
  ...['ada@example.com', 'grace.hopper@navy.mil'].map((email) => ({
    errorType: 'DatabaseError',
    code: '23505',
    message: `duplicate key value violates unique constraint "users_email_key" Key (email)=(${email}) already exists.`,
    category: 'validation' as const,
    group: 'pg-unique-users-email',
  })),
  {
    errorType: 'DatabaseError',
    code: '23505',
    message: 'duplicate key value violates unique constraint "orders_pkey"',
    category: 'validation',
    group: 'pg-unique-orders-pkey',
  },
  {
    errorType: 'DatabaseError',
    code: '23502',
    message: 'null value in column "email" of relation "users" violates not-null constraint',
    category: 'validation',
    group: 'pg-not-null-users-email',
  },
  {
    errorType: 'DatabaseError',
    code: '23503',
    message: 'insert or update on table "orders" violates foreign key constraint "orders_user_id_fkey"',
    category: 'validation',
    group: 'pg-fk-orders-user',
  },
  {
    errorType: 'DatabaseError',
    code: '42P01',
    message: 'relation "userz" does not exist',
    category: 'api_schema',
    group: 'pg-missing-relation-userz',
  },
  {
    errorType: 'DatabaseError',
    code: '42P01',
    message: 'relation "order_items" does not exist',
    category: 'api_schema',
    group: 'pg-missing-relation-order-items',
  },
  {
    errorType: 'DatabaseError',
    code: '42703',
    message: 'column "emial" does not exist',
    category: 'api_schema',
    group: 'pg-missing-column-emial',
  },
  {
    errorType: 'DatabaseError',
    code: '42601',
    message: 'syntax error at or near "SELEC"',
    category: 'parsing_error',
    group: 'pg-syntax-selec',
  },
  ...['abc', '12.5', 'NaN'].map((value) => ({
    errorType: 'DatabaseError',
    code: '22P02',
    message: `invalid input syntax for type integer: "${value}"`,
    category: 'validation' as const,
    group: 'pg-bad-integer',
  })),
  ...['4411', 'not-a-uuid'].map((value) => ({
    errorType: 'DatabaseError',
    code: '22P02',
    message: `invalid input syntax for type uuid: "${value}"`,
    category: 'validation' as const,
    group: 'pg-bad-uuid',
  })),
  ...['255', '64'].map((length) => ({
    errorType: 'DatabaseError',
    code: '22001',
    message: `value too long for type character varying(${length})`,
    category: 'validation' as const,
    group: 'pg-value-too-long',
  })),
  {
    errorType: 'DatabaseError',
    code: '28P01',
    message: 'password authentication failed for user "app"',
    category: 'auth_failure',
    group: 'pg-password-failed',
  },
  {
    errorType: 'DatabaseError',
    code: '42501',
    message: 'permission denied for table invoices',
    category: 'auth_failure',
    group: 'pg-permission-invoices',
  },
  {
    errorType: 'Error',
    message: 'Connection terminated unexpectedly',
    category: 'network',
    group: 'pg-connection-terminated',
  },
  {
    errorType: 'Error',
    message: 'Connection terminated due to connection timeout',
    category: 'timeout',
    group: 'pg-connection-timeout',
  },
  {
    errorType: 'Error',
    message: 'timeout exceeded when trying to connect',
    category: 'timeout',
    group: 'pg-pool-connect-timeout',
  },
  {
    errorType: 'DatabaseError',
    code: '53300',
    message: 'sorry, too many clients already',
    category: 'rate_limit',
    group: 'pg-too-many-clients',
  },
  {
    errorType: 'DatabaseError',
    code: '57014',
    message: 'canceling statement due to statement timeout',
    category: 'timeout',
    group: 'pg-statement-timeout',
  },
  {
    errorType: 'DatabaseError',
    code: '57P01',
    message: 'terminating connection due to administrator command',
    category: 'network',
    group: 'pg-admin-shutdown',
  },
  {
    errorType: 'DatabaseError',
    code: '40P01',
    message: 'deadlock detected',
    category: 'unknown',
    group: 'pg-deadlock',
  },

  // --- jsonwebtoken ----------------------------------------------------------------------------
  { errorType: 'TokenExpiredError', message: 'jwt expired', category: 'auth_failure', group: 'jwt-expired' },
  {
    errorType: 'JsonWebTokenError',
    message: 'invalid signature',
    category: 'auth_failure',
    group: 'jwt-invalid-signature',
  },
  {
    errorType: 'JsonWebTokenError',
    message: 'jwt malformed',
    category: 'auth_failure',
    group: 'jwt-malformed',
  },
  {
    errorType: 'JsonWebTokenError',
    message: 'jwt must be provided',
    category: 'auth_failure',
    group: 'jwt-missing',
  },
  {
    errorType: 'NotBeforeError',
    message: 'jwt not active',
    category: 'auth_failure',
    group: 'jwt-not-active',
  },
  ...['api.example.com', 'api.acme.io'].map((audience) => ({
    errorType: 'JsonWebTokenError',
    message: `jwt audience invalid. expected: ${audience}`,
    category: 'auth_failure' as const,
    group: 'jwt-audience',
  })),

  // --- LangChain / LangGraph / MCP ------------------------------------------------------------
  ...[
    ['{"action": "search", "action_input": "weather in SF"', '52'],
    ['{"action": "calculator", "action_input": "2 + 2", ', '61'],
  ].map(([text, position]) => ({
    errorType: 'OutputParserException',
    message: `Failed to parse. Text: "${text}". Error: SyntaxError: Expected ',' or '}' after property value in JSON at position ${position}`,
    category: 'parsing_error' as const,
    group: 'langchain-structured-parse',
  })),
  ...[
    'I should look up the weather first.\nAction: search',
    'Final answer is 42, computed on 2024-05-01.',
  ].map((text) => ({
    errorType: 'OutputParserException',
    message: `Could not parse LLM output: ${text}`,
    category: 'parsing_error' as const,
    group: 'langchain-could-not-parse-llm-output',
  })),
  {
    errorType: 'Error',
    message: 'Tool "search_web" not found.',
    category: 'api_schema',
    group: 'langgraph-tool-search-web-not-found',
  },
  {
    errorType: 'Error',
    message: 'Tool "get_stock_price" not found.',
    category: 'api_schema',
    group: 'langgraph-tool-stock-not-found',
  },
  ...['25', '50'].map((limit) => ({
    errorType: 'GraphRecursionError',
    message: `Recursion limit of ${limit} reached without hitting a stop condition. You can increase the limit by setting the "recursionLimit" config key.`,
    category: 'unknown' as const,
    group: 'langgraph-recursion-limit',
  })),
  {
    errorType: 'ToolInputParsingException',
    message: 'Received tool input did not match expected schema',
    category: 'validation',
    group: 'langchain-tool-input-schema',
  },
  {
    errorType: 'McpError',
    code: '-32602',
    message:
      'MCP error -32602: Input validation error: Invalid arguments for tool convert_amount: amount: expected number, received string',
    category: 'validation',
    group: 'mcp-invalid-arguments',
  },
  {
    errorType: 'McpError',
    code: '-32001',
    message: 'MCP error -32001: Request timed out',
    category: 'timeout',
    group: 'mcp-request-timeout',
  },

  // --- Google Generative AI -------------------------------------------------------------------
  ...['gemini-1.5-pro', 'gemini-2.0-flash'].map((model) => ({
    errorType: 'GoogleGenerativeAIFetchError',
    status: 429,
    message: `[GoogleGenerativeAI Error]: Error fetching from https://generativelanguage.googleapis.com/v1beta/models/${model}:generateContent: [429 Too Many Requests] Resource has been exhausted (e.g. check quota).`,
    category: 'rate_limit' as const,
    group: 'gemini-resource-exhausted',
  })),

  // --- GitHub, AWS, git, vector stores: what agents' tools call ---------------------------------
  ...['203.0.113.7', '2001:db8::8a2e:370:7334'].map((ip) => ({
    errorType: 'HttpError',
    status: 403,
    message: `API rate limit exceeded for ${ip}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`,
    category: 'rate_limit' as const,
    group: 'github-rate-limit-ip',
  })),
  ...[
    ['20240311T091527Z', '20240311T091827Z', '20240311T092027Z'],
    ['20250102T180455Z', '20250102T180801Z', '20250102T181001Z'],
  ].map(([signed, now, limit]) => ({
    errorType: 'InvalidSignatureException',
    status: 403,
    message: `Signature expired: ${signed} is now earlier than ${now} (${limit} - 5 min.)`,
    category: 'auth_failure' as const,
    group: 'aws-signature-expired',
  })),
  ...['3f2a9c4e1b7d4e8f9a6b2c5d8e1f4a7b3c6d9e0f', '9e107d9d372bb6826bd81d3542a419d6e4b2c1a0'].map((sha) => ({
    errorType: 'Error',
    message: `fatal: bad object ${sha}`,
    category: 'unknown' as const,
    group: 'git-bad-object',
  })),
  ...['3f2a9c4e-1b7d-4e8f-9a6b-2c5d8e1f4a7b', '0d9a7c55-3e1b-4f2a-8c6d-9b8e7f6a5d4c'].map((id) => ({
    errorType: 'QdrantError',
    status: 404,
    message: `Not found: Point with id ${id} does not exists!`,
    category: 'unknown' as const,
    group: 'qdrant-point-missing',
  })),

  // --- Tool APIs and app code -----------------------------------------------------------------
  ...[
    ['4411', '9f1c2b7e'],
    ['17', '0a2b44d1'],
  ].map(([user, req]) => ({
    errorType: 'Error',
    message: `user ${user} not found (req ${req})`,
    category: 'unknown' as const,
    group: 'app-user-not-found',
  })),
  ...['ord_8Hk2LmN4pQ', 'ord_1aZ9yX8wV7'].map((order) => ({
    errorType: 'Error',
    message: `order ${order} not found`,
    category: 'unknown' as const,
    group: 'app-order-not-found',
  })),
  ...['cus_NffrFeUfNV2Hib', 'cus_Q1w2E3r4T5y6U7'].map((customer) => ({
    errorType: 'StripeInvalidRequestError',
    status: 404,
    code: 'resource_missing',
    message: `No such customer: '${customer}'`,
    category: 'unknown' as const,
    group: 'stripe-no-such-customer',
  })),
  ...['req_7f3a9c21', 'req_01b44e9a'].map((id) => ({
    errorType: 'HTTPError',
    status: 422,
    message: `422 Unprocessable Entity: "amount" is required (request_id=${id})`,
    category: 'validation' as const,
    group: 'payments-amount-required',
  })),
  {
    errorType: 'HTTPError',
    status: 422,
    message: '422 Unprocessable Entity: "currency" is required (request_id=req_55c0de42)',
    category: 'validation',
    group: 'payments-currency-required',
  },
  ...['usd', 'eur'].map((currency) => ({
    errorType: 'HTTPError',
    status: 422,
    message: `422 {"detail":[{"type":"missing","loc":["body","amount"],"msg":"Field required","input":{"currency":"${currency}"}}]}`,
    category: 'validation' as const,
    group: 'fastapi-amount-missing',
  })),
  ...['ada@example.com', 'alan.turing@bletchley.co.uk'].map((email) => ({
    errorType: 'ConflictError',
    status: 409,
    message: `User with email ${email} already exists`,
    category: 'validation' as const,
    group: 'app-user-email-exists',
  })),
  {
    errorType: 'TypeError',
    message: "Cannot read properties of undefined (reading 'content')",
    category: 'unknown',
    group: 'js-undefined-content',
  },
  {
    errorType: 'TypeError',
    message: "Cannot read properties of undefined (reading 'choices')",
    category: 'unknown',
    group: 'js-undefined-choices',
  },
  {
    errorType: 'TypeError',
    message: "Cannot read properties of null (reading 'tool_calls')",
    category: 'unknown',
    group: 'js-null-tool-calls',
  },
  {
    errorType: 'RangeError',
    message: 'Maximum call stack size exceeded',
    category: 'unknown',
    group: 'js-stack-overflow',
  },
  ...['4411', '17'].map((run) => ({
    errorType: 'Error',
    code: 'ENOENT',
    message: `ENOENT: no such file or directory, open '/tmp/agent-${run}/output.json'`,
    category: 'unknown' as const,
    group: 'fs-output-missing',
  })),
  // Verdicts on answers that came back (arc.feedback, track's verify), as the server records them.
  ...["'fahrenheit'", "'kelvin'"].map((got) => ({
    errorType: 'WrongAnswer',
    message: `expected unit 'celsius', got ${got}`,
    category: 'wrong_answer' as const,
    group: 'verdict-unit-celsius',
  })),
  ...['0.2', '0.35'].map((score) => ({
    errorType: 'WrongAnswer',
    message: `The answer does not mention the refund policy (judge score ${score})`,
    category: 'wrong_answer' as const,
    group: 'verdict-judge-refund-policy',
  })),
  {
    errorType: 'TypeError',
    code: 'ERR_INVALID_URL',
    message: 'Invalid URL',
    category: 'validation',
    group: 'js-invalid-url',
  },
];
