import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENERATED_SECRETS, IDENTIFIER_SEPARATORS } from './generated-secrets.fixture.js';
import {
  type JsonBounds,
  MAX_DEPTH_MARKER,
  resolveBounds,
  toJsonSafe,
  watchedJsonSafe,
} from './json-safe-copy.js';
import {
  REDACTED,
  type RedactOptions,
  redactedJsonSafe,
  redactForCut,
  redactIdentifier,
  redactIdentifiers,
  redactJsonSchema,
  redactSecrets,
  redactText,
} from './redact-secrets.js';
import { SECRET_CORPUS, type SecretSample } from './secret-corpus.fixture.js';

/** The secret as it appears raw and as it appears inside JSON text (escaped). */
function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1)];
}

function expectNoLeak(result: unknown, sample: SecretSample): void {
  const json = JSON.stringify(result);
  for (const form of forms(sample.secret)) {
    expect(json.includes(form), `${sample.label}: "${form}" survived in ${json.slice(0, 300)}`).toBe(false);
  }
}

/** Ways a secret reaches the server: as a value, in an error, in a key, nested, in a list. */
const EMBEDDINGS: Record<string, (context: string) => unknown> = {
  'an innocent key': (context) => ({ note: context }),
  'a secret key': (context) => ({ password: context }),
  'a deep innocent path': (context) => ({ input: { args: [{ options: { query: context } }] } }),
  'a list': (context) => ['before', context, 'after'],
  'a key': (context) => ({ [context]: 1 }),
  'an error message and stack': (context) => toJsonSafe(new Error(context)),
  'an error cause': (context) => toJsonSafe(new Error('tool failed', { cause: new TypeError(context) })),
  'the bare string': (context) => context,
};

describe('redactSecrets: the secret corpus', () => {
  it('holds at least 40 distinct, realistic samples', () => {
    expect(SECRET_CORPUS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(SECRET_CORPUS.map(({ label }) => label)).size).toBe(SECRET_CORPUS.length);
    for (const sample of SECRET_CORPUS) {
      expect(sample.context, sample.label).toContain(sample.secret);
      expect(sample.secret.length, sample.label).toBeGreaterThanOrEqual(8);
    }
  });

  it.each(Object.keys(EMBEDDINGS))('lets no secret survive in %s', (embedding) => {
    for (const sample of SECRET_CORPUS) {
      const value = EMBEDDINGS[embedding]!(sample.context);
      const { value: redacted, redactions } = redactSecrets(value);
      expectNoLeak(redacted, sample);
      expect(redactions, sample.label).toBeGreaterThan(0);
    }
  });

  it('lets no secret survive when all of them arrive in one event', () => {
    const event = {
      function: 'search_flights',
      input: SECRET_CORPUS.map(({ context }) => context),
      output: { text: SECRET_CORPUS.map(({ context }) => context).join('\n') },
      error: toJsonSafe(new Error(SECRET_CORPUS.map(({ context }) => context).join(' | '))),
    };
    const { value } = redactSecrets(event);
    for (const sample of SECRET_CORPUS) expectNoLeak(value, sample);
  });

  it('lets no secret survive in redactText, nor in JSON text of the context', () => {
    for (const sample of SECRET_CORPUS) {
      expectNoLeak(redactText(sample.context), sample);
      expectNoLeak(redactText(JSON.stringify({ body: sample.context })), sample);
    }
  });
});

describe('redactSecrets: secret keys', () => {
  it('replaces the whole value under a secret key, objects included', () => {
    const { value, redactions } = redactSecrets({
      user: 'bob',
      password: 'hunter2',
      headers: { Authorization: 'Token abc', 'X-Api-Key': 12345, accept: 'json' },
      auth: { user: 'bob', pass: 'x' },
      credentials: ['a', 'b'],
      sessionId: 'sess_42',
    });
    expect(value).toEqual({
      user: 'bob',
      password: REDACTED,
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, accept: 'json' },
      auth: REDACTED,
      credentials: REDACTED,
      sessionId: 'sess_42',
    });
    expect(redactions).toBe(5);
  });

  it('keeps null and booleans under secret keys, as they reveal nothing', () => {
    expect(redactSecrets({ token: null, cookie: false, password: '' })).toEqual({
      value: { token: null, cookie: false, password: REDACTED },
      redactions: 1,
    });
  });

  it('leaves counts and usage fields alone', () => {
    const usage = {
      max_tokens: 512,
      maxTokens: 512,
      prompt_tokens: 412,
      completion_tokens: 88,
      total_tokens: 500,
      tokens: ['Hello', ' world'],
      token_count: 2,
      tokenizer: 'cl100k_base',
      author: 'Jane Austen',
      secretary: 'Ann',
      session_id: 'sess_1',
    };
    expect(redactSecrets(usage)).toEqual({ value: usage, redactions: 0 });
  });

  it('hides secrets inside keys too', () => {
    expect(redactSecrets({ 'jane.doe@example.com': { visits: 3 } })).toEqual({
      value: { '[REDACTED:email]': { visits: 3 } },
      redactions: 1,
    });
  });
});

describe('redactSecrets: leaves ordinary data untouched', () => {
  const ordinary = [
    '550e8400-e29b-41d4-a716-446655440000',
    '0193b2c4-7e1f-7a3b-9c2d-001000000abc',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
    'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
    '2025-03-14T07:05:00.123Z',
    '2025-03-14 07:05:00+01:00',
    '1764000000000',
    '1764000000000000',
    'order 4111 1111 1111 1112 shipped',
    'ORD-5234567812345670',
    'invoice #4000-1234-1234-1235',
    'Call +1 (415) 555-2671 or 020 7946 0958',
    'The bearer of this letter explains the basic idea: a token limit of 4096, a password reset flow and the secret sauce.',
    'Authentication failed: invalid token: expired',
    'Set max_tokens=512 and temperature=0.2 for the session.',
    'https://example.com/search?q=flights&page=2#results',
    'http://localhost:3000/api/v1/items',
    '    at Object.createInvoice (/srv/agent/dist/tools/invoice.js:88:12)',
    'node_modules/.pnpm/vitest@3.2.7_@types+node@20.19.43/node_modules/vitest',
    'import { toJsonSafe } from "@arc-agent/core"; // v0.1.0',
    'scikit-learn (sk-learn) and risk-assessment-pipeline-configuration-v2',
    'desk-booking-service-production-east-1',
    'Basic Authentication is enabled for Basic users',
    'cookie consent given',
    'v1.8.2 on 10.0.0.12:5432, price 289.00 USD, flight DL401',
    '{"airline":"Delta","flight":"DL401","price_usd":289,"author":"bot"}',
    'created database arc_test_4242_0a1b2c3d4e5f for the run',
    'ARC_ROLLOUT_CONCURRENCY=4 arc_rollout_worker_concurrency_limit reached',
    'the arc_session cookie and the @arc-agent/sdk package',
    'aws secret rotation runs nightly; the secret access key policy is in the runbook',
    'SecretAccessKey rotated at 2025-03-14T07:05:00Z by aws-secrets-manager',
    'aws secret hash: a94a8fe5ccb19ba61c4c0873d391e987982fbbd3a94a8fe5ccb19ba61c4c0873',
  ];

  it.each(ordinary)('%s', (text) => {
    expect(redactText(text)).toBe(text);
    expect(redactSecrets({ text, list: [text] })).toEqual({ value: { text, list: [text] }, redactions: 0 });
  });

  it('leaves numbers alone, even sixteen-digit ones', () => {
    expect(redactSecrets({ id: 4111111111111111, n: 1.5 }).redactions).toBe(0);
  });
});

describe('redactSecrets: secrets joined into identifiers', () => {
  const KEY = 'arc_Zq4vN8mK2pL7rS1tU3wY6xA9bC0dE5fG';
  /** Corpus secrets that a prefix of their own announces (`sk-`, `ghp_`, `AKIA`, `eyJ`, …). */
  const PREFIXED = SECRET_CORPUS.filter(({ secret }) =>
    /^(?:sk-|[sr]k_|whsec_|gh[pousr]_|github_pat_|arc_|xox[abprs]-|AKIA|ASIA|AIza|eyJ)/.test(secret),
  );
  /** Parts of ids, with near misses of key prefixes (`task-sk-…` holds no `sk` word). */
  const ID_WORDS = [
    'req',
    'evt',
    'trace',
    'run',
    'call',
    'user',
    'tool',
    'prod',
    'eu',
    'west',
    'v2',
    'task',
    'skeleton',
    'risk',
    'assessment',
    'ask',
    'desk',
    'kiosk',
    'mask',
    'proj',
    'ant',
    'api03',
    'admin',
    'svcacct',
    'search',
    'research',
    'github',
    'aws',
    'akia',
  ];
  /** Words that begin keys: right before a key, with a separator, they make a longer key of it. */
  const KEY_PREFIX_WORDS = ['sk', 'arc', 'pat', 'ghp', 'gho'];
  // Numbers of at most three digits: four-digit groups joined by `-` are how cards are printed.
  const number = fc.nat(999).map(String);
  const idPart = fc.oneof(fc.constantFrom(...ID_WORDS), number);
  /** `part<sep>part<sep>…`, ending with a separator. */
  const idPrefix = fc
    .array(fc.tuple(idPart, fc.constantFrom(...IDENTIFIER_SEPARATORS)), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.map(([part, separator]) => `${part}${separator}`).join(''));
  const idSuffix = fc.option(
    fc
      .tuple(fc.constantFrom(...IDENTIFIER_SEPARATORS), idPart)
      .map(([separator, part]) => `${separator}${part}`),
    { nil: '' },
  );

  it('holds a prefixed key of every kind in the corpus', () => {
    expect(PREFIXED.length).toBeGreaterThanOrEqual(25);
  });

  it.each(IDENTIFIER_SEPARATORS)('hides a corpus key right after "%s", in text and in ids', (separator) => {
    for (const { label, secret } of PREFIXED) {
      for (const id of [`req${separator}${secret}`, `evt${separator}${secret}${separator}2`]) {
        for (const redacted of [redactText(id), redactIdentifier(id, KEY, 1_000)]) {
          expect(redacted.includes(secret), `${label}: ${redacted}`).toBe(false);
          expect(redacted.startsWith(id.slice(0, 4)), `${label}: ${redacted}`).toBe(true);
        }
      }
    }
  });

  it.each(Object.entries(GENERATED_SECRETS))(
    'hides every generated %s joined into an id',
    (_kind, secret) => {
      fc.assert(
        fc.property(idPrefix, secret, idSuffix, (prefix, key, suffix) => {
          const id = `${prefix}${key}${suffix}`;
          for (const redacted of [redactText(id), redactIdentifier(id, KEY, 1_000)]) {
            expect(redacted).not.toContain(key);
            expect(redacted.startsWith(`${prefix}[REDACTED:`)).toBe(true);
          }
        }),
        { numRuns: 200 },
      );
    },
  );

  it.each([
    'task-skeleton',
    'risk_assessment',
    'ask-proj-x',
    'eval-task-skeleton-generator-v2',
    'risk_assessment_quarterly_report_2024_final',
    'ask-proj-experimental-branch-for-the-team',
    'kiosk-sk-mode-toggle-handler-for-kiosks',
    'i18n-sk-translations-for-checkout-page',
    'sk-learn-extra-feature-selection-tools',
    'validate_github_pat_rotation_policy_and_scopes',
    'check-github_pat_expiration_notification_service',
    'draw_arc_between_points_with_tolerance',
    'research_arc_length_estimation_v2',
  ])('leaves the ordinary identifier %s alone', (id) => {
    expect(redactText(id)).toBe(id);
    expect(redactIdentifier(id, KEY, 1_000)).toBe(id);
  });

  it('leaves ordinary identifiers alone, however their parts are joined', () => {
    // Not `=`: after a word such as `token`, what follows is a value, and hidden as one.
    const ordinarySeparator = fc.constantFrom('-', '_', '.', '/', ':');
    const ordinaryPart = fc.oneof(fc.constantFrom(...ID_WORDS, ...KEY_PREFIX_WORDS), number);
    const ordinaryId = fc
      .array(fc.tuple(ordinaryPart, ordinarySeparator), { minLength: 1, maxLength: 10 })
      .map((parts) =>
        parts
          .map(([part, separator]) => `${part}${separator}`)
          .join('')
          .slice(0, -1),
      );
    fc.assert(
      fc.property(ordinaryId, (id) => {
        expect(redactText(id)).toBe(id);
        expect(redactIdentifier(id, KEY, 1_000)).toBe(id);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('redactSecrets: behaviour', () => {
  it('returns a new value and never mutates its input', () => {
    const input = { a: { password: 'x', note: 'mail jane@example.com' }, b: ['Bearer abc.def-123'] };
    const frozen = JSON.parse(JSON.stringify(input));
    deepFreeze(frozen);
    const { value } = redactSecrets(frozen);
    expect(frozen).toEqual(input);
    expect(value).not.toBe(frozen);
    expect(value).toEqual({
      a: { password: REDACTED, note: 'mail [REDACTED:email]' },
      b: ['Bearer [REDACTED:bearer_token]'],
    });
  });

  it('counts every replacement', () => {
    expect(
      redactSecrets({ password: 'x', note: 'a@b.co and c@d.io', k: ['AKIAIOSFODNN7EXAMPLE'] }).redactions,
    ).toBe(4);
  });

  it('hands back values that are not JSON-like as they are', () => {
    const date = new Date(0);
    expect(redactSecrets({ date }).value).toEqual({ date });
  });

  it('cuts JSON nested deeper than the stack allows instead of throwing', () => {
    let deep: unknown = 'jane@example.com';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const text = JSON.stringify(redactSecrets(deep).value);
    expect(text).toContain(MAX_DEPTH_MARKER);
    expect(text).not.toContain('jane@example.com');
  });

  it('keeps a "__proto__" key as data', () => {
    const { value } = redactSecrets(JSON.parse('{"__proto__":{"password":"x"},"b":"jane@example.com"}'));
    expect(JSON.stringify(value)).toBe('{"__proto__":{"password":"[REDACTED]"},"b":"[REDACTED:email]"}');
  });

  it('takes extra key names, extra patterns, and e-mail redaction off', () => {
    const options: RedactOptions = {
      extraKeys: ['X-Tenant-Signature'],
      extraPatterns: [{ name: 'employee_id', pattern: /\bEMP-\d{6}\b/ }],
      emails: false,
    };
    const input = { x_tenant_signature: 'abc', who: 'EMP-123456 <jane@example.com>' };
    const expected = {
      value: { x_tenant_signature: REDACTED, who: '[REDACTED:employee_id] <jane@example.com>' },
      redactions: 2,
    };
    expect(redactSecrets(input, options)).toEqual(expected);
    // Equal options arriving as fresh objects behave the same.
    expect(redactSecrets(input, { ...options, extraKeys: ['x-tenant-signature'] })).toEqual(expected);
    expect(redactText('EMP-000001 jane@example.com', options)).toBe(
      '[REDACTED:employee_id] jane@example.com',
    );
    expect(redactSecrets(input)).toEqual({
      value: { x_tenant_signature: 'abc', who: 'EMP-123456 <[REDACTED:email]>' },
      redactions: 1,
    });
  });
});

/** Strings that mix secrets, their pieces and separators: what idempotency must survive. */
const secretish = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SECRET_CORPUS.map(({ context }) => context)),
      fc.constantFrom(...SECRET_CORPUS.map(({ secret }) => secret)),
      fc.constantFrom(
        'password=',
        '"token":"',
        'Bearer ',
        'Basic ',
        '://u:',
        '@',
        '.com',
        '4111',
        ' ',
        '-',
        '_',
        'sk-',
        'ghp_',
        '[REDACTED',
        ']',
        'arc_',
        'aws secret ',
        'secret access key: ',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

const secretishJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    secretish,
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(secretish, fc.constantFrom('password', 'max_tokens', 'note')), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

describe('redactSecrets: properties', () => {
  it('never throws on arbitrary JSON, and is idempotent', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = redactSecrets(value);
        const twice = redactSecrets(once.value);
        expect(twice.value).toEqual(once.value);
        expect(twice.redactions).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent on values full of secrets and their pieces', () => {
    fc.assert(
      fc.property(secretishJson, (value) => {
        const once = redactSecrets(value);
        const twice = redactSecrets(once.value);
        expect(twice.value).toEqual(once.value);
        expect(twice.redactions).toBe(0);
        const json = JSON.stringify(once.value);
        expect(JSON.stringify(JSON.parse(json))).toBe(json);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same strings whether they are scanned in one event or one by one', () => {
    fc.assert(
      fc.property(fc.array(secretish, { maxLength: 6 }), (texts) => {
        expect(redactSecrets(texts).value).toEqual(texts.map((text) => redactText(text)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('redactedJsonSafe', () => {
  /** The two passes it stands for; JSON text too, because key order is what gets stored. */
  const expectAsTwoPasses = (value: unknown, bounds?: Partial<JsonBounds>, options?: RedactOptions) => {
    const fused = redactedJsonSafe(value, bounds, options);
    // A string to be cut is redacted first, so that a secret across the cut leaves no head.
    const cut = watchedJsonSafe(value, resolveBounds(bounds), undefined, (text, max) =>
      redactForCut(text, max, options),
    );
    const twoPasses = redactSecrets(cut, options).value;
    expect(fused).toStrictEqual(twoPasses);
    expect(JSON.stringify(fused)).toBe(JSON.stringify(twoPasses));
  };

  it('redacts what toJsonSafe keeps: secret keys hidden whole, secrets in strings replaced', () => {
    const value = {
      error: new Error('key sk-proj-abcdefghijklmnopqrstuvwxyz0123'),
      password: { a: 'x' },
      n: 1,
    };
    expect(redactedJsonSafe(value)).toEqual({
      error: { name: 'Error', message: 'key [REDACTED:openai_key]', stack: expect.any(String) },
      password: REDACTED,
      n: 1,
    });
    expectAsTwoPasses(value);
    expectAsTwoPasses('mail jane@example.com');
  });

  it('redacts a string before it cuts it, so that a secret across the cut keeps no head', () => {
    const key = 'sk-proj-Hn3aZ9qLx2Vb7TfR1mYc8KpW4sDe6GuJ';
    const copy = redactedJsonSafe({ a: `${'x'.repeat(8180)} ${key}` }) as { a: string };
    expect(copy.a).toBe(`${'x'.repeat(8180)} [REDACTED:o…[truncated 10 chars]`);
    expect(redactedJsonSafe(`${'x'.repeat(40)} ${key}`, { maxTotalSize: 50 })).not.toContain('sk-');
  });

  it('reads a long string only as far as its cut needs, and agrees with the whole of it redacted there', () => {
    const text = fc
      .array(fc.tuple(secretish, fc.constantFrom(' ', '', '\n', '\t', 'x'.repeat(60))), { maxLength: 40 })
      .map((parts) => parts.flat().join(''));
    fc.assert(
      fc.property(text, fc.nat(300), (text, max) => {
        const { text: head, unread } = redactForCut(text, max);
        const whole = redactText(text);
        if (unread === 0) expect(head).toBe(whole);
        else {
          expect(head.length).toBeGreaterThanOrEqual(max + 128);
          expect(head.slice(0, max + 1)).toBe(whole.slice(0, max + 1));
        }
      }),
      { numRuns: 3000 },
    );
    const long = `${'word '.repeat(200_000)}`;
    expect(redactForCut(long, 8192).unread).toBeGreaterThan(990_000);
  });

  it('leaves no head of any corpus secret, wherever it sits against the cut', () => {
    const placed = fc.record({
      sample: fc.constantFrom(...SECRET_CORPUS),
      before: fc.nat(120),
      after: fc.nat(40),
      cutAt: fc.nat(100),
      key: fc.boolean(),
    });
    fc.assert(
      fc.property(placed, ({ sample, before, after, cutAt, key }) => {
        const text = `${' '.repeat(before)}${sample.context}${' '.repeat(after)}`;
        // The secret's first characters, one more than the cut left of the straddled key above.
        const head = sample.secret.slice(0, 12);
        const value = key ? { [text]: 1 } : { text };
        const copy = JSON.stringify(redactedJsonSafe(value, { maxStringLength: before + cutAt }));
        expect(copy).not.toContain(head);
        expect(copy).not.toContain(JSON.stringify(head).slice(1, -1));
      }),
      { numRuns: 2000 },
    );
  });

  it('spends the budget on a hidden value as toJsonSafe does, so what follows is cut alike', () => {
    const value = { password: 'p'.repeat(40), note: 'mail jane@example.com or bob@example.org' };
    expectAsTwoPasses(value, { maxTotalSize: 60 });
  });

  it('gives what the two passes give where a key changes or two keys meet', () => {
    const secret = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123';
    // A secret in a key: the key is redacted.
    expectAsTwoPasses({ [`by ${secret}`]: 'jane@example.com', other: 'bob@example.org' });
    // Two long keys cut to the same text: the later value stays, though the first held a secret.
    expectAsTwoPasses({ abcdefX1: `note ${secret}`, abcdefY2: 'plain' }, { maxStringLength: 4 });
    // A key named as the marker of keys left out: the marker stays.
    const many = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, i]));
    expectAsTwoPasses({ '…': `note ${secret}`, ...many }, { maxKeys: 2 });
    // Nested deeper than redaction walks.
    let deep: unknown = 'jane@example.com';
    for (let i = 0; i < 600; i++) deep = [deep];
    expectAsTwoPasses(deep, { maxDepth: 1000 });
  });

  it('gives what the two passes give, for anything under any bounds and options', () => {
    const key = fc.oneof(
      secretish,
      fc.constantFrom('password', 'max_tokens', 'note', '…', '__proto__', '1', 'abcdefgh', 'abcdefgi'),
    );
    const leaf = fc.oneof(
      secretish,
      fc.anything({ maxDepth: 1, withMap: true, withSet: true, withDate: true }),
    );
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(key, tie('value'), { maxKeys: 5 }),
        fc.dictionary(key, tie('value'), { maxKeys: 3 }).map((entries) => new Map(Object.entries(entries))),
        secretish.map((message) => new Error(message)),
      ),
    })).value;
    const bounds = fc.record(
      {
        maxStringLength: fc.nat(40),
        maxDepth: fc.nat(5),
        maxKeys: fc.nat(5),
        maxItems: fc.nat(5),
        maxTotalSize: fc.nat(400),
      },
      { requiredKeys: [] },
    );
    const options = fc.option(
      fc.record({ extraKeys: fc.constant(['note']), emails: fc.boolean() }, { requiredKeys: [] }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(value, fc.option(bounds, { nil: undefined }), options, (v, b, o) =>
        expectAsTwoPasses(v, b, o),
      ),
      { numRuns: 1000 },
    );
  });
});

describe('redactIdentifier', () => {
  const KEY = 'arc_Zq4vN8mK2pL7rS1tU3wY6xA9bC0dE5fG';
  const MAX = 1_000;

  it('hides every secret of the corpus behind a placeholder', () => {
    for (const sample of SECRET_CORPUS) {
      const id = redactIdentifier(sample.context, KEY, MAX);
      expectNoLeak(id, sample);
      expect(id).toMatch(/\[REDACTED:[a-z_]+#[0-9a-f]{12}\]/);
    }
  });

  it('gives the same placeholder for the same secret and key, another for another secret or key', () => {
    const visa = 'order 4111 1111 1111 1111';
    expect(redactIdentifier(visa, KEY, MAX)).toBe(redactIdentifier(visa, KEY, MAX));
    expect(redactIdentifier(visa, KEY, MAX)).toMatch(/^order \[REDACTED:card_number#[0-9a-f]{12}\]$/);
    expect(redactIdentifier(visa, KEY, MAX)).not.toBe(
      redactIdentifier('order 4242 4242 4242 4242', KEY, MAX),
    );
    expect(redactIdentifier(visa, KEY, MAX)).not.toBe(redactIdentifier(visa, `${KEY}x`, MAX));
  });

  it('is the HMAC-SHA-256 of the secret under the key, cut to 12 hex digits', () => {
    // RFC 4231 test case 2: HMAC-SHA-256("Jefe", "what do ya want for nothing?") = 5bdcc146bf60754e…
    const phrase = { name: 'phrase', pattern: /what do ya want for nothing\?/ };
    expect(redactIdentifier('what do ya want for nothing?', 'Jefe', MAX, { extraPatterns: [phrase] })).toBe(
      '[REDACTED:phrase#5bdcc146bf60]',
    );
  });

  it('makes the whole identifier one placeholder when placeholders would take it past its bound', () => {
    const emails = Array.from({ length: 20 }, (_, i) => `u${i}@ex.io`).join(' ');
    expect(emails.length).toBeLessThan(200);
    const id = redactIdentifier(emails, KEY, 200);
    expect(id).toMatch(/^\[REDACTED:identifier#[0-9a-f]{12}\]$/);
    expect(redactIdentifier(emails, KEY, 200)).toBe(id);
    expect(redactIdentifier(`${emails} `, KEY, 200)).not.toBe(id);
    expect(redactIdentifier(id, KEY, 200)).toBe(id);
  });

  it('gives the same identifiers in one batch as one by one', () => {
    fc.assert(
      fc.property(fc.array(secretish, { maxLength: 6 }), (texts) => {
        expect(redactIdentifiers(texts, KEY, 200)).toEqual(
          texts.map((text) => redactIdentifier(text, KEY, 200)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('leaves identifiers without secrets alone, and its own output too', () => {
    for (const id of ['0193b2c4-7e1f-7a3b-9c2d-001000000abc', 'fix_3f9a1c2b7d4e5f60', 'search_flights']) {
      expect(redactIdentifier(id, KEY, MAX)).toBe(id);
    }
    fc.assert(
      fc.property(secretish, (text) => {
        const once = redactIdentifier(text, KEY, MAX);
        expect(redactIdentifier(once, KEY, MAX)).toBe(once);
        expect(redactText(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});

describe('redactJsonSchema', () => {
  it('keeps the schemas of secret-sounding properties and hides secrets inside strings', () => {
    const sample = (label: string) => SECRET_CORPUS.find((s) => s.label === label)!;
    const openai = sample('OpenAI key (legacy)');
    const github = sample('GitHub installation token in a command line');
    const schema = {
      type: 'object',
      description: openai.context,
      properties: {
        password: { type: 'string', minLength: 8 },
        token: { type: 'string', enum: [github.context] },
        [`note ${openai.secret}`]: { type: 'string' },
      },
      required: ['password'],
    };
    const redacted = redactJsonSchema(schema);
    expect(redacted.properties.password).toEqual({ type: 'string', minLength: 8 });
    expect(redacted.required).toEqual(['password']);
    expectNoLeak(redacted, openai);
    expectNoLeak(redacted, github);
    expect(Object.keys(redacted.properties)).toContain('note [REDACTED:openai_key]');
  });
});

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}
