import { describe, expect, it } from 'vitest';
import { SECRET_CORPUS } from './secret-corpus.fixture.js';
import { SecretTextScanner } from './secret-text-scanner.js';

const scanner = new SecretTextScanner({ emails: true, extraPatterns: [] });

function redact(text: string, on = scanner): { text: string; count: number } {
  const tally = { count: 0 };
  return { text: on.redact(text, tally), count: tally.count };
}

describe('SecretTextScanner', () => {
  it.each([
    ['sk-proj-abcDEF123_ghiJKL456-mnoPQR789', '[REDACTED:openai_key]'],
    ['sk-ant-api03-abcDEF123_ghiJKL456-mnoPQR789AA', '[REDACTED:anthropic_key]'],
    ['AKIAIOSFODNN7EXAMPLE', '[REDACTED:aws_access_key_id]'],
    [
      'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key=[REDACTED:aws_secret_key]',
    ],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED:github_token]'],
    ['xoxb-123456789012-abcdefABCDEF', '[REDACTED:slack_token]'],
    ['rk_live_abcdefABCDEF0123456789', '[REDACTED:stripe_key]'],
    ['AIzaSyA1234567890abcdefghijklmnopqrstuv', '[REDACTED:google_api_key]'],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', '[REDACTED:jwt]'],
    ['Bearer abc.def-123', 'Bearer [REDACTED:bearer_token]'],
    ['Basic dXNlcjpwYXNz', 'Basic [REDACTED:basic_auth]'],
    ['https://u:p4ss@h.io/x', 'https://u:[REDACTED:url_password]@h.io/x'],
    ['4111-1111-1111-1111', '[REDACTED:card_number]'],
    ['a.b+c@d-e.co.uk', '[REDACTED:email]'],
    ['Cookie: a=1; b=2', 'Cookie: [REDACTED:cookie]'],
    ['secret=hunter2', 'secret=[REDACTED:secret]'],
    ['arc_k1Fz0123456789abcdefghijklmnopq', '[REDACTED:arc_key]'],
    ['aws secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws secret [REDACTED:aws_secret_key]'],
    [
      'AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
      'AWS_SECRET_ACCESS_KEY: "[REDACTED:aws_secret_key]"',
    ],
    [
      'secret access key is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.',
      'secret access key is [REDACTED:aws_secret_key].',
    ],
  ])('%s → %s', (input, expected) => {
    expect(redact(input)).toEqual({ text: expected, count: 1 });
  });

  it('keeps the type of a known secret written after a secret name', () => {
    expect(redact('GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789').text).toBe(
      'GITHUB_TOKEN=[REDACTED:github_token]',
    );
  });

  it('hides a private key to the end of the text when its END line was cut off', () => {
    expect(redact('key: -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg…[truncated 120 chars]').text).toBe(
      'key: [REDACTED:private_key]',
    );
  });

  it('leaves null-like values after a secret name, and nested JSON objects, to be judged on their own', () => {
    expect(redact('{"token":null,"password":true}').count).toBe(0);
    expect(redact('{"credentials":{"user":"bob"}}').count).toBe(0);
  });

  it('rejects look-alikes the checks see through', () => {
    for (const text of [
      'The bearer instruments were signed',
      'basic building blocks',
      'order 4111 1111 1111 1112',
      'ask-me-anything-about-kubernetes-today',
      'timestamp 1764000000000123',
      'arc_test_4242_0a1b2c3d4e5f',
      'xarc_k1Fz0123456789abcdefghijklmnopq',
      'aws secret wJalrXUtnFEMIxK7MDENGxbPxRfiCYEXAMPLEKEYxx',
      'aws secret abcdefghijklmnopqrstuvwxyzabcdefghijklmn',
      'the secret access key ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ',
    ]) {
      expect(redact(text)).toEqual({ text, count: 0 });
    }
  });

  it('scans a batch as one text and gives the same results as one at a time', () => {
    const texts = SECRET_CORPUS.map(({ context }) => context).concat(['plain', '', 'x@y', 'short']);
    const tally = { count: 0 };
    const batch = scanner.redactAll(texts, tally)!;
    const single = texts.map((text) => redact(text));
    expect(batch).toEqual(single.map(({ text }) => text));
    expect(tally.count).toBe(single.reduce((sum, { count }) => sum + count, 0));
  });

  it('answers undefined for a batch with nothing to hide', () => {
    expect(scanner.redactAll(['hello', 'world 2025-03-14T07:05:00Z'], { count: 0 })).toBeUndefined();
  });

  it('never lets a match run from one string of a batch into the next', () => {
    const texts = [
      'contact jane',
      '@example.com',
      'postgres://u:pw',
      '@host/db',
      '-----BEGIN PRIVATE KEY-----',
      'tail',
    ];
    expect(scanner.redactAll(texts, { count: 0 })).toEqual([
      'contact jane',
      '@example.com',
      'postgres://u:pw',
      '@host/db',
      '[REDACTED:private_key]',
      'tail',
    ]);
  });

  it('falls back to one string at a time when a string holds the batch separator', () => {
    const texts = ['a\u0000b jane@example.com', 'c'];
    const tally = { count: 0 };
    expect(scanner.redactAll(texts, tally)).toEqual(['a\u0000b [REDACTED:email]', 'c']);
    expect(tally.count).toBe(1);
  });

  it('applies extra patterns after the built-in ones and skips e-mails when told', () => {
    const custom = new SecretTextScanner({
      emails: false,
      extraPatterns: [{ name: 'employee_id', pattern: /EMP-\d{6}/ }],
    });
    expect(redact('EMP-123456 mailed jane@example.com', custom)).toEqual({
      text: '[REDACTED:employee_id] mailed jane@example.com',
      count: 1,
    });
    expect(custom.redactAll(['EMP-000001', 'x'], { count: 0 })).toEqual(['[REDACTED:employee_id]', 'x']);
  });

  it('ignores extra patterns that match the empty string', () => {
    const custom = new SecretTextScanner({ emails: true, extraPatterns: [{ name: 'none', pattern: /x*/ }] });
    expect(redact('abc', custom)).toEqual({ text: 'abc', count: 0 });
  });

  // No timing is asserted: a regex that backtracks badly would take minutes on these inputs and
  // trip the test timeout instead.
  it('stays linear on adversarial input', { timeout: 20_000 }, () => {
    const n = 200_000;
    const inputs = [
      'a'.repeat(n),
      `${'a'.repeat(n)}@`,
      '@'.repeat(n),
      `x@${'a.'.repeat(n / 2)}`,
      `${'a.'.repeat(n / 2)}@b`,
      '4'.repeat(n),
      '4 '.repeat(n / 2),
      '4111 '.repeat(n / 5),
      `://${':'.repeat(n)}`,
      '://a:'.repeat(n / 5),
      '-----BEGIN RSA PRIVATE KEY-----'.repeat(n / 31),
      '-----BEGIN '.repeat(n / 11),
      'password='.repeat(n / 9),
      '"password":'.repeat(n / 11),
      '='.repeat(n),
      '"'.repeat(n),
      'Bearer '.repeat(n / 7),
      `Basic ${'A'.repeat(n)}`,
      'sk-'.repeat(n / 3),
      'sk-ant-'.repeat(n / 7),
      '_sk-'.repeat(n / 4),
      'eyJ-'.repeat(n / 4),
      `${'eyJ_'.repeat(n / 4)}.${'b'.repeat(n)}`,
      'github_pat_'.repeat(n / 11),
      '_ghp_'.repeat(n / 5),
      '-AIza'.repeat(n / 5),
      '_arc_'.repeat(n / 5),
      `sk-${'a'.repeat(n)}`,
      'eyJ.'.repeat(n / 4),
      `eyJ${'a'.repeat(n)}.${'b'.repeat(n)}`,
      'xoxb-'.repeat(n / 5),
      'Cookie:'.repeat(n / 7),
      'arc_'.repeat(n / 4),
      `arc_${'a'.repeat(n)}`,
      'aws secret '.repeat(n / 11),
      `aws secret${' '.repeat(n)}`,
      `secret access key${' '.repeat(n)}:${' '.repeat(n)}x`,
      'aws_secret_access_key:'.repeat(n / 22),
      `aws secret ${'A1'.repeat(n / 2)}`,
    ];
    for (const input of inputs) {
      const { text } = redact(input);
      expect(typeof text).toBe('string');
    }
    expect(scanner.redactAll(inputs, { count: 0 })?.length ?? inputs.length).toBe(inputs.length);
  });
});
