import { describe, expect, it } from 'vitest';
import { builtinCategory, categorizeFailure, statusFromMessage } from './categorize-failure.js';
import type { FailureFacts } from './fingerprint-rule.js';

describe('builtinCategory', () => {
  it.each<[FailureFacts, string]>([
    // HTTP status
    [{ status: 401 }, 'auth_failure'],
    [{ status: 403 }, 'auth_failure'],
    [{ status: 429 }, 'rate_limit'],
    [{ status: 408 }, 'timeout'],
    [{ status: 504 }, 'timeout'],
    [{ status: 500 }, 'network'],
    [{ status: 502 }, 'network'],
    [{ status: 503 }, 'network'],
    [{ status: 529 }, 'network'],
    [{ status: 413 }, 'api_schema'],
    [{ status: 404 }, 'unknown'],
    [{ status: 400 }, 'api_schema'],
    [{ status: 422 }, 'validation'],
    [{ status: 400, message: 'Unknown parameter: response_formt' }, 'api_schema'],
    [{ status: 400, message: '"amount" is required' }, 'validation'],
    [{ status: 422, message: 'Invalid schema for tool search: missing "type"' }, 'api_schema'],
    [{ status: 403, message: 'API rate limit exceeded for 203.0.113.7.' }, 'rate_limit'],
    // status printed in the message
    [{ message: '429 Rate limit reached for gpt-4o' }, 'rate_limit'],
    [{ message: 'Request failed with status code 401' }, 'auth_failure'],
    [{ message: 'upstream said HTTP 504' }, 'timeout'],
    [{ message: 'Error fetching from x: [503 Service Unavailable] try later' }, 'network'],
    // error codes
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'timeout'],
    [{ code: 'ABORT_ERR' }, 'timeout'],
    [{ code: 'ECONNREFUSED' }, 'network'],
    [{ code: 'ECONNRESET' }, 'network'],
    [{ code: 'ENOTFOUND' }, 'network'],
    [{ code: 'insufficient_quota' }, 'rate_limit'],
    [{ code: 'rate_limit_exceeded' }, 'rate_limit'],
    [{ code: 'invalid_api_key' }, 'auth_failure'],
    [{ code: 'context_length_exceeded' }, 'api_schema'],
    [{ code: '23505' }, 'validation'],
    [{ code: '22P02' }, 'validation'],
    [{ code: '08006' }, 'network'],
    [{ code: '28P01' }, 'auth_failure'],
    [{ code: '42P01' }, 'api_schema'],
    [{ code: '42601' }, 'parsing_error'],
    [{ code: '42501' }, 'auth_failure'],
    [{ code: '53300' }, 'rate_limit'],
    [{ code: '57014' }, 'timeout'],
    [{ code: '40P01' }, 'unknown'],
    [{ code: '-32602' }, 'validation'],
    // error types
    [{ errorType: 'TimeoutError' }, 'timeout'],
    [{ errorType: 'AbortError' }, 'timeout'],
    [{ errorType: 'APIConnectionError' }, 'network'],
    [{ errorType: 'TokenExpiredError' }, 'auth_failure'],
    [{ errorType: 'RateLimitError' }, 'rate_limit'],
    [{ errorType: 'SyntaxError' }, 'parsing_error'],
    [{ errorType: 'AI_JSONParseError' }, 'parsing_error'],
    [{ errorType: 'OutputParserException' }, 'parsing_error'],
    [{ errorType: 'WrongAnswer', message: "expected unit 'celsius', got 'fahrenheit'" }, 'wrong_answer'],
    [{ errorType: 'ZodError' }, 'validation'],
    [{ errorType: 'AI_TypeValidationError' }, 'validation'],
    [{ errorType: 'AI_NoSuchToolError' }, 'api_schema'],
    [{ errorType: 'AI_NoObjectGeneratedError' }, 'validation'],
    // message words only
    [{ errorType: 'Error', message: 'Request timed out.' }, 'timeout'],
    [{ errorType: 'Error', message: 'You exceeded your current quota' }, 'rate_limit'],
    [{ errorType: 'Error', message: 'invalid x-api-key' }, 'auth_failure'],
    [{ errorType: 'TypeError', message: 'fetch failed' }, 'network'],
    [{ errorType: 'Error', message: 'socket hang up' }, 'network'],
    [{ errorType: 'Error', message: 'Unexpected end of JSON input' }, 'parsing_error'],
    [{ errorType: 'Error', message: "This model's maximum context length is 8192 tokens" }, 'api_schema'],
    [{ errorType: 'Error', message: 'Tool "search" not found.' }, 'api_schema'],
    [{ errorType: 'Error', message: 'value violates check constraint "positive_amount"' }, 'validation'],
    [{ errorType: 'Error', message: "ENOENT: no such file or directory, open 'out.json'" }, 'unknown'],
    [{ errorType: 'TypeError', message: "Cannot read properties of undefined (reading 'x')" }, 'unknown'],
    [{}, 'unknown'],
  ])('%j -> %s', (facts, expected) => {
    expect(builtinCategory(facts)).toBe(expected);
  });

  it('reads the most specific evidence first: code, then type, then status, then words', () => {
    // axios: the code says timeout although nothing else does
    expect(builtinCategory({ errorType: 'AxiosError', code: 'ECONNABORTED', message: 'x' })).toBe('timeout');
    // a code beats a type that says otherwise
    expect(builtinCategory({ errorType: 'TimeoutError', code: 'ECONNREFUSED' })).toBe('network');
    // a type beats the status: OpenAI's BadRequestError is about the request whatever its words
    expect(
      builtinCategory({ errorType: 'BadRequestError', status: 400, message: 'got 3.5, expected <= 2' }),
    ).toBe('api_schema');
    // the status beats words: an overloaded 429 is still a rate limit
    expect(builtinCategory({ status: 429, message: 'The engine is currently overloaded' })).toBe(
      'rate_limit',
    );
    // a wrapper type defers to its message (AI SDK RetryError carries the last error's text)
    expect(
      builtinCategory({
        errorType: 'AI_RetryError',
        message: 'Failed after 3 attempts. Last error: Rate limit',
      }),
    ).toBe('rate_limit');
    expect(
      builtinCategory({ errorType: 'AI_NoObjectGeneratedError', message: 'could not parse the response' }),
    ).toBe('parsing_error');
  });
});

describe('builtinCategory for Python exceptions (as the Python SDK names them: module.Class)', () => {
  it.each<[string, string]>([
    ['json.decoder.JSONDecodeError', 'parsing_error'],
    ['yaml.scanner.ScannerError', 'parsing_error'],
    ['tomllib.TOMLDecodeError', 'parsing_error'],
    ['TimeoutError', 'timeout'],
    ['asyncio.exceptions.TimeoutError', 'timeout'],
    ['asyncio.exceptions.CancelledError', 'timeout'],
    ['httpx.TimeoutException', 'timeout'],
    ['httpx.ReadTimeout', 'timeout'],
    ['httpx.ConnectTimeout', 'timeout'],
    ['httpx.PoolTimeout', 'timeout'],
    ['httpx.ConnectError', 'network'],
    ['httpx.RemoteProtocolError', 'network'],
    ['requests.exceptions.Timeout', 'timeout'],
    ['requests.exceptions.ReadTimeout', 'timeout'],
    ['requests.exceptions.ConnectTimeout', 'timeout'],
    ['requests.exceptions.ConnectionError', 'network'],
    ['requests.exceptions.SSLError', 'network'],
    ['urllib3.exceptions.ReadTimeoutError', 'timeout'],
    ['urllib3.exceptions.MaxRetryError', 'network'],
    ['aiohttp.client_exceptions.ServerTimeoutError', 'timeout'],
    ['aiohttp.client_exceptions.ClientConnectorError', 'network'],
    ['ConnectionRefusedError', 'network'],
    ['ConnectionResetError', 'network'],
    ['BrokenPipeError', 'network'],
    ['socket.gaierror', 'network'],
    ['openai.RateLimitError', 'rate_limit'],
    ['openai.APITimeoutError', 'timeout'],
    ['openai.APIConnectionError', 'network'],
    ['openai.AuthenticationError', 'auth_failure'],
    ['openai.PermissionDeniedError', 'auth_failure'],
    ['openai.BadRequestError', 'api_schema'],
    ['openai.InternalServerError', 'network'],
    ['anthropic.RateLimitError', 'rate_limit'],
    ['pydantic_core._pydantic_core.ValidationError', 'validation'],
    ['jsonschema.exceptions.ValidationError', 'validation'],
    ['KeyError', 'unknown'],
    ['mypackage.errors.SomethingElse', 'unknown'],
  ])('%s -> %s', (errorType, expected) => {
    expect(builtinCategory({ errorType, message: 'x' })).toBe(expected);
  });

  it("reads Python's errno names and socket codes as codes", () => {
    expect(builtinCategory({ errorType: 'OSError', code: 'ECONNREFUSED', message: '[Errno 111]' })).toBe(
      'network',
    );
    expect(builtinCategory({ errorType: 'socket.gaierror', code: 'EAI_NONAME', message: 'x' })).toBe(
      'network',
    );
  });

  it('a dotted type whose class name is unknown falls through to status and words', () => {
    expect(builtinCategory({ errorType: 'mylib.ApiError', status: 429, message: 'slow down' })).toBe(
      'rate_limit',
    );
    expect(
      builtinCategory({ errorType: 'mylib.ApiError', message: 'Read timed out. (read timeout=5)' }),
    ).toBe('timeout');
  });
});

describe('statusFromMessage', () => {
  it.each<[string, number | undefined]>([
    ['401 Incorrect API key provided', 401],
    ['Request failed with status code 503', 503],
    ['{"statusCode": 429}', 429],
    ['HTTP/1.1 502 Bad Gateway', 502],
    ['[429 Too Many Requests] Resource has been exhausted', 429],
    ['user 4411 not found', undefined],
    ['600 apples', undefined],
  ])('%s', (message, status) => {
    expect(statusFromMessage(message)).toBe(status);
  });
});

describe('categorizeFailure with user rules', () => {
  const facts = { function: 'searchWeb', errorType: 'Error', message: 'quota of 100 searches per day used' };

  it('uses the built-in evidence without rules', () => {
    expect(categorizeFailure(facts)).toBe('rate_limit');
  });

  it('lets the first matching rule that sets a category decide', () => {
    const rules = [
      { match: { function: 'other' }, category: 'network' as const },
      { match: { message: 'searches per day' }, fingerprint: ['search-quota'] },
      { match: { function: /^search/ }, category: 'api_schema' as const },
      { match: { function: 'searchWeb' }, category: 'timeout' as const },
    ];
    expect(categorizeFailure(facts, rules)).toBe('api_schema');
  });

  it('falls back to built-in evidence when no rule matches', () => {
    expect(categorizeFailure(facts, [{ match: { status: 500 }, category: 'network' }])).toBe('rate_limit');
  });
});
