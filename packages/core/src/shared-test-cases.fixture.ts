// Inputs of the shared test vectors (shared-test-vectors.fixture.ts) beyond core's corpora: values
// as agents pass them (secrets under keys and inside text, bounds at work, Unicode at the cuts),
// failures as Python agents raise them, and deployed fixes valid and not.

import type { JsonBounds } from './json-safe-copy.js';
import { SECRET_CORPUS } from './secret-corpus.fixture.js';
import type { VectorRedactOptions } from './shared-test-vectors.fixture.js';

const context = (label: string): string => {
  const sample = SECRET_CORPUS.find((s) => s.label === label);
  if (sample === undefined) throw new Error(`no corpus sample '${label}'`);
  return sample.context;
};

/** Where the case of secrets across the length bound cuts. */
const STRADDLED_LENGTH = 100;

export interface RedactionValueCase {
  name: string;
  value: unknown;
  bounds?: Partial<JsonBounds>;
  options?: VectorRedactOptions;
}

export const REDACTION_VALUE_CASES: readonly RedactionValueCase[] = [
  {
    name: 'secrets under secret-sounding keys, harmless neighbours kept',
    value: {
      password: 'hunter2hunter2',
      apiKey: 12345,
      api_key: null,
      Authorization: 'whatever it is',
      session: { id: 1 },
      sessionId: 'abc-123',
      max_tokens: 256,
      prompt_tokens: 10,
      author: 'Jane',
      oauth: 'provider',
      basicAuth: true,
      creditCard: '4111',
      nested: { client_secret: 'x', list: [{ token: 'y' }, { tokens: 3 }] },
    },
  },
  {
    name: 'secrets inside strings at every depth and in keys',
    value: {
      messages: [
        { role: 'system', content: context('OpenAI project key in a shell export') },
        { role: 'user', content: context('E-mail address in an error') },
      ],
      [context('GitHub installation token in a command line').slice(0, 60)]: 'key holds a token',
      headers: { 'x-debug': context('JWT as a Bearer credential') },
    },
  },
  {
    name: 'e-mail addresses kept when e-mail redaction is off',
    value: { to: 'pat.lee@example.net', note: `${context('Stripe live secret key')}` },
    options: { emails: false },
  },
  {
    name: 'extra keys and extra patterns',
    value: {
      customerRef: 'C-991',
      internal: { employee_number: 'E-12345' },
      note: 'order ORD-778812 shipped',
    },
    options: {
      extraKeys: ['customer-ref', 'EmployeeNumber'],
      extraPatterns: [{ name: 'order_id', source: 'ORD-\\d{6}', flags: '' }],
    },
  },
  {
    name: 'look-alikes of Arc keys and AWS secrets left alone, real ones in odd places taken',
    value: {
      names: [
        'created database arc_test_4242_0a1b2c3d4e5f for the run',
        'the arc_session cookie and arc_rollout_worker_concurrency_limit',
        'xarc_k1Fz0123456789abcdefghijklmnopq is no key',
        'aws secret rotation runs nightly; the secret access key policy is in the runbook',
        'aws secret abcdefghijklmnopqrstuvwxyzabcdefghijklmn (letters only)',
        'AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" and a longer run wJalrXUtnFEMIxK7MDENGxbPxRfiCYEXAMPLEKEYxx',
        `aws secret${' '.repeat(40)}is`,
      ],
      'aws-secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY': 'key holds an AWS secret',
    },
  },
  {
    name: 'keys joined into identifiers by - _ . / : =, ordinary joined words left alone',
    value: {
      ids: SECRET_CORPUS.filter(({ secret }) =>
        /^(?:sk-|[sr]k_|whsec_|gh[pousr]_|github_pat_|arc_|xox[abprs]-|AKIA|ASIA|AIza|eyJ)/.test(secret),
      ).flatMap(({ secret }) => [...'-_./:='].map((separator) => `req${separator}${secret}${separator}v2`)),
      ordinary: [
        'task-skeleton',
        'risk_assessment',
        'ask-proj-x',
        'sk-learn-extra-feature-selection-tools',
        'i18n-sk-translations-for-checkout-page',
        'check_github_pat_expiration_notification_service',
        'draw_arc_between_points_with_tolerance',
        `sk-${'sk-'.repeat(12)}`,
        `jwt-eyJ${'_eyJ'.repeat(8)}`,
      ],
    },
  },
  {
    name: 'idempotent: markers are not redacted again',
    value: { token: '[REDACTED]', text: 'key [REDACTED:openai_key] and password=[REDACTED:secret]' },
  },
  {
    name: 'long strings cut to the length bound',
    value: { text: 'x'.repeat(50), keep: 'short' },
    bounds: { maxStringLength: 20 },
  },
  {
    // Each secret starts 10 characters before the cut: cut first, its head would be left in clear.
    name: 'a secret across the length bound is redacted before the cut',
    value: SECRET_CORPUS.map((s) => {
      const at = s.context.indexOf(s.secret);
      return `${' '.repeat(Math.max(0, STRADDLED_LENGTH - 10 - at))}${s.context}`;
    }),
    bounds: { maxStringLength: STRADDLED_LENGTH },
  },
  {
    name: 'a long string is redacted only as far as its cut needs, the rest counted unread',
    value: [`${' '.repeat(7)}${context('OpenAI project key in a shell export')} ${'tail '.repeat(60)}`],
    bounds: { maxStringLength: 40 },
  },
  {
    name: 'a secret across the budget is redacted before the cut',
    value: { text: `${'x'.repeat(16)} ${context('OpenAI project key in a shell export')}` },
    bounds: { maxTotalSize: 60 },
  },
  {
    name: 'a cut never splits a surrogate pair',
    value: ['ab😀😀😀😀', 'é'.repeat(30), 'a\nb\tc"d\\e\u0001f'.repeat(4)],
    bounds: { maxStringLength: 5 },
  },
  {
    name: 'deep nesting cut at the depth bound',
    value: { a: { b: { c: { d: { e: 'deep' } } } }, list: [[[['x']]]] },
    bounds: { maxDepth: 3 },
  },
  {
    name: 'keys and items past their bounds are counted',
    value: {
      ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i])),
      items: Array.from({ length: 15 }, (_, i) => i * 1.5),
    },
    bounds: { maxKeys: 5, maxItems: 4 },
  },
  {
    name: 'the total budget ends each open container with a marker',
    value: {
      first: 'a'.repeat(40),
      second: { inner: 'b'.repeat(40), more: ['c'.repeat(30), 'd'.repeat(30)] },
      third: 'e'.repeat(40),
    },
    bounds: { maxTotalSize: 120 },
  },
  {
    name: 'budget accounting of escapes, Unicode and numbers',
    value: {
      quotes: '"quoted" \\ back',
      control: '\u0000\u0001\u001f\b\f\n\r\t',
      unicode: 'naïve café – 東京 😀',
      numbers: [0, -1, 1.5, 1e21, 1e-7, 0.00001, 123456789012, -0.5, 2.5e-8],
      flags: [true, false, null],
    },
    bounds: { maxTotalSize: 160 },
  },
  {
    name: 'integer-like keys come first, as in a JavaScript object',
    value: { b: 1, '10': 'ten', '2': 'two', a: 3, '01': 'not an index' },
    bounds: { maxKeys: 3 },
  },
  {
    name: 'a __proto__ key stays an ordinary key',
    value: JSON.parse('{"__proto__": {"password": "p4ss-w0rd!"}, "x": 1}'),
  },
  {
    name: 'every corpus secret in one structure',
    value: {
      contexts: SECRET_CORPUS.map((s) => s.context),
      byLabel: Object.fromEntries(SECRET_CORPUS.slice(0, 20).map((s) => [s.label, s.context])),
    },
  },
];

const secret = (label: string): string => {
  const sample = SECRET_CORPUS.find((s) => s.label === label);
  if (sample === undefined) throw new Error(`no corpus sample '${label}'`);
  return sample.secret;
};

export interface RedactionIdentifierCase {
  name: string;
  texts: string[];
  /** What keys the placeholders' HMAC: the API key, in the SDKs and at the server. */
  key: string;
  maxLength: number;
  options?: VectorRedactOptions;
}

const OPENAI = secret('OpenAI key (legacy)');
const GITHUB = secret('GitHub fine-grained personal access token');
const CARD = secret('Visa number with spaces');
const EMAIL = secret('E-mail address with plus addressing');
const AWS_ID = secret('AWS access key id in a botocore error');
const IDS_WITH_SECRETS = [
  `support.answer.${OPENAI}`,
  `agent-${EMAIL}`,
  `call ${CARD}`,
  `evt.${OPENAI}.1`,
  `worker/${GITHUB}`,
  `fix_${AWS_ID}`,
  `${OPENAI}/${OPENAI}`,
];

/** Identifiers (function, agent, worker, event, call and fix ids) as the SDKs send them (redactIdentifiers). */
export const REDACTION_IDENTIFIER_CASES: readonly RedactionIdentifierCase[] = [
  {
    name: 'identifiers without secrets come back as they were',
    texts: ['support.answer', 'evt-0f3c-12', 'worker-1', 'a', '', 'x'.repeat(300)],
    key: 'vector-key-1',
    maxLength: 256,
  },
  {
    name: 'each secret in an identifier becomes a placeholder keyed by the API key, the same wherever it is',
    texts: IDS_WITH_SECRETS,
    key: 'vector-key-1',
    maxLength: 256,
  },
  {
    name: 'another key gives other placeholders for the same identifiers',
    texts: IDS_WITH_SECRETS,
    key: 'vector-key-2',
    maxLength: 256,
  },
  {
    name: 'an identifier past maxLength with its placeholders becomes one placeholder',
    texts: [`f.${OPENAI}`, `a-much-longer-function-name.${OPENAI}`, `${'n'.repeat(20)} ${CARD}`],
    key: 'vector-key-1',
    maxLength: 40,
  },
  {
    name: 'lengths in UTF-16 units; a Unicode key; a lone surrogate hashed as the encoder writes it',
    texts: [
      `${'\u{1F600}'.repeat(20)}${OPENAI}`,
      `${'é'.repeat(20)}${OPENAI}`,
      `\uD800 lone ${OPENAI} surrogate ${'z'.repeat(40)}`,
      `password=abc\uDFFFdef`,
    ],
    key: 'clé-\u{1F511}-\uD83D',
    maxLength: 60,
  },
  {
    name: 'placeholders and markers already in an identifier are kept',
    texts: ['fn-[REDACTED:openai_key#3f9a1c2b7d4e]', 'fn-[REDACTED:openai_key]', 'fn-[REDACTED]'],
    key: 'vector-key-1',
    maxLength: 256,
  },
  {
    name: 'extra patterns apply to identifiers, and e-mails stay when e-mail redaction is off',
    texts: ['order ORD-123456 for ana@example.org', 'agent ana@example.org'],
    key: 'vector-key-1',
    maxLength: 256,
    options: { emails: false, extraPatterns: [{ name: 'order_id', source: 'ORD-\\d{6}', flags: '' }] },
  },
];

/** Failures as Python agents raise them, as the Python SDK reports them. */
export const FAILURE_CASES: readonly {
  function: string;
  errorType: string;
  message: string;
  status?: number;
  code?: string;
}[] = [
  {
    function: 'plan',
    errorType: 'json.decoder.JSONDecodeError',
    message: 'Expecting value: line 1 column 1 (char 0)',
  },
  { function: 'plan', errorType: 'TimeoutError', message: 'timed out' },
  { function: 'plan', errorType: 'asyncio.exceptions.TimeoutError', message: '' },
  { function: 'fetch', errorType: 'httpx.ReadTimeout', message: 'The read operation timed out' },
  { function: 'fetch', errorType: 'httpx.ConnectTimeout', message: 'timed out' },
  {
    function: 'fetch',
    errorType: 'httpx.ConnectError',
    message: '[Errno 111] Connection refused',
    code: 'ECONNREFUSED',
  },
  { function: 'fetch', errorType: 'httpx.ConnectError', message: 'All connection attempts failed' },
  {
    function: 'fetch',
    errorType: 'httpx.RemoteProtocolError',
    message: 'Server disconnected without sending a response.',
  },
  {
    function: 'fetch',
    errorType: 'requests.exceptions.ConnectionError',
    message:
      "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /x (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a2b1c4d90>: Failed to establish a new connection: [Errno 111] Connection refused'))",
  },
  {
    function: 'fetch',
    errorType: 'requests.exceptions.ReadTimeout',
    message: "HTTPConnectionPool(host='api.example.com', port=443): Read timed out. (read timeout=5)",
  },
  { function: 'fetch', errorType: 'requests.exceptions.ConnectTimeout', message: 'connect timeout' },
  {
    function: 'fetch',
    errorType: 'ConnectionRefusedError',
    message: '[Errno 111] Connection refused',
    code: 'ECONNREFUSED',
  },
  {
    function: 'fetch',
    errorType: 'ConnectionResetError',
    message: '[Errno 104] Connection reset by peer',
    code: 'ECONNRESET',
  },
  {
    function: 'chat',
    errorType: 'openai.RateLimitError',
    status: 429,
    code: 'rate_limit_exceeded',
    message:
      "Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o in organization org-abc123 on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000.', 'type': 'tokens', 'param': None, 'code': 'rate_limit_exceeded'}}",
  },
  { function: 'chat', errorType: 'openai.APITimeoutError', message: 'Request timed out.' },
  { function: 'chat', errorType: 'openai.APIConnectionError', message: 'Connection error.' },
  {
    function: 'chat',
    errorType: 'openai.AuthenticationError',
    status: 401,
    code: 'invalid_api_key',
    message:
      "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-abc12***7fZ2.', 'code': 'invalid_api_key'}}",
  },
  {
    function: 'chat',
    errorType: 'openai.BadRequestError',
    status: 400,
    code: 'context_length_exceeded',
    message:
      "Error code: 400 - {'error': {'message': \"This model's maximum context length is 128000 tokens.\"}}",
  },
  { function: 'chat', errorType: 'openai.InternalServerError', status: 500, message: 'Error code: 500' },
  {
    function: 'extract',
    errorType: 'pydantic_core._pydantic_core.ValidationError',
    message:
      '1 validation error for Invoice\namount\n  Field required [type=missing, input_value={}, input_type=dict]\n    For further information visit https://errors.pydantic.dev/2.9/v/missing',
  },
  { function: 'extract', errorType: 'KeyError', message: "'amount'" },
  {
    function: 'extract',
    errorType: 'arc.ValidationError',
    message: 'output failed validation: amount: Field required',
  },
  {
    function: 'search',
    errorType: 'aiohttp.client_exceptions.ServerTimeoutError',
    message: 'Timeout on reading data from socket',
  },
  {
    function: 'search',
    errorType: 'aiohttp.client_exceptions.ClientConnectorError',
    message: 'Cannot connect to host api.example.com:443',
  },
  { function: 'search', errorType: 'urllib3.exceptions.ReadTimeoutError', message: 'Read timed out.' },
  {
    function: 'search',
    errorType: 'socket.gaierror',
    message: '[Errno -2] Name or service not known',
    code: 'EAI_NONAME',
  },
  {
    function: 'parse',
    errorType: 'yaml.scanner.ScannerError',
    message: 'mapping values are not allowed here',
  },
  { function: 'tool', errorType: 'anthropic.RateLimitError', status: 429, message: 'Error code: 429' },
  { function: 'tool', errorType: 'anthropic.APITimeoutError', message: 'Request timed out.' },
];

const valid = {
  id: 'fix_1',
  version: 1,
  patternId: 'pat_0123456789abcdef',
  function: 'support.answer',
  risk: 'low',
  confidence: 0.9,
  canaryShare: 0.25,
};

/** `count` input/output examples, each output `size` characters: a few-shot pool. */
const pool = (count: number, size: number) =>
  Array.from({ length: count }, (_, i) => ({ input: { q: `question ${i}` }, output: 'é'.repeat(size) }));

export const DEPLOYED_FIX_CASES: readonly { name: string; value: unknown }[] = [
  {
    name: 'prompt adjustment',
    value: { ...valid, fix: { type: 'prompt_adjustment', instructions: 'Answer in JSON.' } },
  },
  {
    name: 'few-shot with both example forms',
    value: {
      ...valid,
      fix: {
        type: 'few_shot',
        examples: [
          { input: { q: 1 }, output: 'a' },
          {
            messages: [
              { role: 'user', content: 'q' },
              { role: 'assistant', content: 'a' },
            ],
          },
        ],
      },
    },
  },
  {
    name: 'every parameter',
    value: {
      ...valid,
      fix: {
        type: 'param_patch',
        params: {
          temperature: 0,
          topP: 1,
          topK: 40,
          maxTokens: 512,
          presencePenalty: -2,
          frequencyPenalty: 2,
          seed: -7,
          stop: ['\n\n'],
          timeoutMs: 5000,
          model: 'gpt-4o-mini',
        },
      },
    },
  },
  {
    name: 'response format, strict by default',
    value: { ...valid, fix: { type: 'response_format', name: 'answer_v1', schema: { type: 'object' } } },
  },
  {
    name: 'output repair',
    value: { ...valid, fix: { type: 'output_repair', json: true, coerce: true, schema: { type: 'object' } } },
  },
  {
    name: 'retry policy with defaults',
    value: {
      ...valid,
      fix: {
        type: 'retry_policy',
        maxAttempts: 3,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        retryOn: { statuses: [429] },
      },
    },
  },
  {
    name: 'composite',
    value: {
      ...valid,
      fix: {
        type: 'composite',
        fixes: [
          { type: 'prompt_adjustment', instructions: 'Be brief.' },
          { type: 'output_repair', json: true },
        ],
      },
    },
  },
  {
    name: 'unknown top-level fields are ignored',
    value: { ...valid, addedLater: { x: 1 }, fix: { type: 'prompt_adjustment', instructions: 'x' } },
  },
  { name: 'not an object', value: [1, 2] },
  {
    name: 'missing risk',
    value: { ...valid, risk: undefined, fix: { type: 'prompt_adjustment', instructions: 'x' } },
  },
  {
    name: 'unknown risk',
    value: { ...valid, risk: 'none', fix: { type: 'prompt_adjustment', instructions: 'x' } },
  },
  {
    name: 'version zero',
    value: { ...valid, version: 0, fix: { type: 'prompt_adjustment', instructions: 'x' } },
  },
  {
    name: 'confidence above one',
    value: { ...valid, confidence: 1.5, fix: { type: 'prompt_adjustment', instructions: 'x' } },
  },
  { name: 'empty id', value: { ...valid, id: '', fix: { type: 'prompt_adjustment', instructions: 'x' } } },
  { name: 'unknown fix type', value: { ...valid, fix: { type: 'model_swap', model: 'x' } } },
  {
    name: 'unknown field in a fix',
    value: { ...valid, fix: { type: 'prompt_adjustment', instructions: 'x', extra: 1 } },
  },
  { name: 'empty instructions', value: { ...valid, fix: { type: 'prompt_adjustment', instructions: '' } } },
  {
    name: 'temperature out of range',
    value: { ...valid, fix: { type: 'param_patch', params: { temperature: 3 } } },
  },
  { name: 'no parameters', value: { ...valid, fix: { type: 'param_patch', params: {} } } },
  {
    name: 'fractional maxTokens',
    value: { ...valid, fix: { type: 'param_patch', params: { maxTokens: 1.5 } } },
  },
  {
    name: 'bad schema name',
    value: { ...valid, fix: { type: 'response_format', name: 'has space', schema: {} } },
  },
  { name: 'repair doing nothing', value: { ...valid, fix: { type: 'output_repair' } } },
  { name: 'coercion without a schema', value: { ...valid, fix: { type: 'output_repair', coerce: true } } },
  {
    name: 'maxDelayMs below baseDelayMs',
    value: {
      ...valid,
      fix: {
        type: 'retry_policy',
        maxAttempts: 3,
        baseDelayMs: 500,
        maxDelayMs: 100,
        retryOn: { statuses: [429] },
      },
    },
  },
  {
    name: 'retry on nothing',
    value: {
      ...valid,
      fix: { type: 'retry_policy', maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, retryOn: {} },
    },
  },
  {
    name: 'unknown category',
    value: {
      ...valid,
      fix: {
        type: 'retry_policy',
        maxAttempts: 3,
        baseDelayMs: 1,
        maxDelayMs: 1,
        retryOn: { categories: ['slow'] },
      },
    },
  },
  {
    name: 'nested composite',
    value: { ...valid, fix: { type: 'composite', fixes: [{ type: 'composite', fixes: [] }] } },
  },
  {
    name: 'few-shot examples past 32,768 characters in all',
    value: {
      ...valid,
      fix: {
        type: 'few_shot',
        examples: Array.from({ length: 4 }, (_, i) => ({ input: `q${i}`, output: 'é'.repeat(9000) })),
      },
    },
  },
  {
    name: 'few-shot examples just within the limit',
    value: {
      ...valid,
      fix: { type: 'few_shot', examples: [{ input: 'q', output: 'a'.repeat(32_000) }] },
    },
  },
  {
    name: 'an example input nested past 32 levels',
    value: {
      ...valid,
      fix: {
        type: 'few_shot',
        examples: [{ input: JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`), output: 'a' }],
      },
    },
  },
  {
    name: 'a response-format schema past 32,768 characters',
    value: {
      ...valid,
      fix: {
        type: 'response_format',
        name: 'big',
        schema: { type: 'object', description: 'd'.repeat(33_000) },
      },
    },
  },
  {
    name: 'a coercion schema nested past 32 levels',
    value: {
      ...valid,
      fix: {
        type: 'output_repair',
        coerce: true,
        schema: JSON.parse(`${'{"items":'.repeat(40)}{}${'}'.repeat(40)}`),
      },
    },
  },
  {
    name: 'a composite past 131,072 characters in all',
    value: {
      ...valid,
      fix: {
        type: 'composite',
        fixes: Array.from({ length: 8 }, () => ({
          type: 'prompt_adjustment',
          instructions: 'p'.repeat(19_000),
        })),
      },
    },
  },
  {
    name: 'a few-shot pool: each call gets its nearest examples',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(25, 20), nearest: 3 } },
  },
  {
    name: 'a few-shot pool of 32 examples, the most a pool holds',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(32, 20), nearest: 20 } },
  },
  {
    name: 'a few-shot pool past 32 examples',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(33, 20), nearest: 3 } },
  },
  {
    name: 'more than 20 examples without nearest',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(21, 20) } },
  },
  {
    name: 'nearest null',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(2, 5), nearest: null } },
  },
  { name: 'nearest zero', value: { ...valid, fix: { type: 'few_shot', examples: pool(2, 5), nearest: 0 } } },
  {
    name: 'nearest past 20',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(25, 5), nearest: 21 } },
  },
  {
    name: 'fractional nearest',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(2, 5), nearest: 1.5 } },
  },
  {
    name: 'nearest as text',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(2, 5), nearest: '1' } },
  },
  {
    name: 'nearest as a boolean',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(2, 5), nearest: true } },
  },
  {
    name: 'nearest above the pool size is taken (a call gets the whole pool)',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(2, 5), nearest: 5 } },
  },
  {
    name: 'a few-shot pool past 98,304 characters in all',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(32, 3100), nearest: 2 } },
  },
  {
    name: 'a few-shot pool whose nearest largest examples pass 32,768 characters',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(6, 9000), nearest: 4 } },
  },
  {
    name: 'a few-shot pool whose nearest largest examples just fit',
    value: { ...valid, fix: { type: 'few_shot', examples: pool(6, 9000), nearest: 3 } },
  },
  {
    name: 'a few-shot pool in a composite, with messages examples',
    value: {
      ...valid,
      fix: {
        type: 'composite',
        fixes: [
          { type: 'prompt_adjustment', instructions: 'Answer briefly.' },
          {
            type: 'few_shot',
            nearest: 1,
            examples: [
              {
                messages: [
                  { role: 'user', content: 'q é' },
                  { role: 'assistant', content: 'a' },
                ],
              },
              { input: { city: 'Paris' }, output: null },
            ],
          },
        ],
      },
    },
  },
  {
    name: 'bad message role in an example',
    value: {
      ...valid,
      fix: { type: 'few_shot', examples: [{ messages: [{ role: 'tool', content: 'x' }] }] },
    },
  },
];
