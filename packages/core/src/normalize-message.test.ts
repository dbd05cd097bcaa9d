import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_NORMALIZED_MESSAGE_LENGTH,
  MAX_RAW_MESSAGE_LENGTH,
  normalizeMessage,
} from './normalize-message.js';

describe('normalizeMessage: volatile parts become placeholders', () => {
  it.each([
    ['mail ada.lovelace+ops@example.co.uk failed', 'mail <email> failed'],
    ['see https://api.example.com:8443/v1/users/42?expand=true&x=1.', 'see <url>.'],
    ['(see https://x.io/a)', '(see <url>)'],
    ['getaddrinfo ENOTFOUND api.openai.com', 'getaddrinfo ENOTFOUND <host>'],
    ['connect to db.internal:5432 and localhost:3000', 'connect to <host> and <host>'],
    ['connect ECONNREFUSED 127.0.0.1:3000', 'connect ECONNREFUSED <ip>'],
    ['connect ECONNREFUSED ::1:5432', 'connect ECONNREFUSED <ip>'],
    ['from [2001:db8::1]:443 and fe80::1 and ::ffff:10.0.0.1', 'from <ip> and <ip> and <ip>'],
    ['trace 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'trace <trace>'],
    ['trace 4bf92f3577b34da6a3ce929d0e0e4736', 'trace <trace>'],
    ['run 3f2a9c4e-1b7d-4e8f-9a6b-2c5d8e1f4a7b failed', 'run <uuid> failed'],
    [
      'ids req_9f1c2b7e, cus_NffrFeUfNV2Hib, chatcmpl-9xYzAbC123dEf, call_7hKq2NwX, msg_01XFDUDYJgAACzvnptvVoYEL',
      'ids <id>, <id>, <id>, <id>, <id>',
    ],
    ['key sk-proj-****************x9Qa in org-AbC123xYz789', 'key <id> in <id>'],
    ['bad object 3f2a9c4e1b7d4e8f9a6b2c5d8e1f4a7b3c6d9e0f at 0xDEADBEEF', 'bad object <hex> at <hex>'],
    ['(req 9f1c) (commit a1b2c3d)', '(req <hex>) (commit <hex>)'],
    ['at 2024-03-11T09:15:27.331Z', 'at <date>'],
    ['at 2024-03-11 09:15:27+02:00 and 2024-03-11', 'at <date> and <date>'],
    ['Date: Mon, 11 Mar 2024 09:15:27 GMT', 'Date: <date>'],
    ['at Mon Mar 11 2024 09:15:27 GMT+0000 (Coordinated Universal Time)', 'at <date>'],
    ['[11/Mar/2024:09:15:27 +0000] "GET /"', '[<date>] "GET /"'],
    ['signed 20240311T091527Z', 'signed <date>'],
    ['since Mar 11, 2024 at 10:30 pm', 'since <date> at <date>'],
    [
      'after 1500ms, 30s, 2.5 seconds, 6m0s and 5 min',
      'after <duration>, <duration>, <duration>, <duration> and <duration>',
    ],
    ['ratio 0.75 of 1,048,576 bytes', 'ratio <float> of <int> bytes'],
    ['user 4411 not found', 'user <int> not found'],
    [
      'user_id="4411" name=\'Ada\' Key (email)=(ada@example.com)',
      'user_id=<value> name=<value> Key (email)=<value>',
    ],
    ['invalid input syntax for type integer: "abc"', 'invalid input syntax for type integer: <value>'],
    ["Expected 'user' | 'assistant', received 'bot'", "Expected 'user' | 'assistant', received <value>"],
  ])('%s', (raw, expected) => {
    expect(normalizeMessage(raw)).toBe(expected);
  });

  it('makes the two messages of DESIGN.md one string', () => {
    expect(normalizeMessage('user 4411 not found (req 9f1c2b7e)')).toBe(
      normalizeMessage('user 17 not found (req 0a2b44d1)'),
    );
  });

  it('replaces echoed payloads (AI SDK, LangChain, V8 JSON.parse snippets)', () => {
    expect(
      normalizeMessage('JSON parsing failed: Text: {"a": 1,.\nError message: Unexpected end of JSON input'),
    ).toBe('JSON parsing failed: Text: <value>. Error message: Unexpected end of JSON input');
    expect(normalizeMessage('Type validation failed: Value: {"age":"x"}.\nError message: bad')).toBe(
      'Type validation failed: Value: <value>. Error message: bad',
    );
    expect(normalizeMessage('Could not parse LLM output: I think 42')).toBe(
      'Could not parse LLM output: <value>',
    );
    expect(normalizeMessage(`Unexpected token 'H', "Here is th"... is not valid JSON`)).toBe(
      'Unexpected token <char>, <value> is not valid JSON',
    );
    // Punctuation as the bad token tells HTML from a markdown fence, so it stays.
    expect(normalizeMessage(`Unexpected token '<', "<!DOCTYPE "... is not valid JSON`)).toBe(
      "Unexpected token '<', <value> is not valid JSON",
    );
  });
});

describe('normalizeMessage: meaningful words survive', () => {
  it.each([
    '"amount" is required',
    'Unexpected token } in JSON at position <int>',
    "Missing required parameter: 'messages'.",
    'duplicate key value violates unique constraint "users_email_key"',
    'relation "order_items" does not exist',
    "Model tried to call unavailable tool 'web_search'.",
    "data must have required property 'email'",
    '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    "Cannot read properties of undefined (reading 'content')",
    'Rate limit reached for gpt-4o-mini and claude-3-5-sonnet-20241022 and gemini-1.5-pro',
    'Request failed with status code 503',
    '429 Too Many Requests; HTTP/1.1 502; {"status": 404}',
    'deadbeef and cafe stay words; users_email_key stays a name',
  ])('%s', (raw) => {
    expect(normalizeMessage(raw)).toBe(raw);
  });

  it('keeps a name-like quoted value after a colon but normalises inside it', () => {
    expect(normalizeMessage('"message": "user 4411 not found", "request_id": "abc"')).toBe(
      '"message": "user <int> not found", "request_id": <value>',
    );
    expect(normalizeMessage('422 Unprocessable Entity: "amount" is required')).toBe(
      '422 Unprocessable Entity: "amount" is required',
    );
  });

  it('tells different tools, fields and statuses apart', () => {
    const pairs: [string, string][] = [
      ["Missing required parameter: 'messages'.", "Missing required parameter: 'model'."],
      ['Tool "search_web" not found.', 'Tool "get_stock_price" not found.'],
      ['"amount" is required', '"currency" is required'],
      ['Request failed with status code 503', 'Request failed with status code 502'],
      ['Rate limit reached for gpt-4o', 'Rate limit reached for gpt-4o-mini'],
    ];
    for (const [a, b] of pairs) expect(normalizeMessage(a)).not.toBe(normalizeMessage(b));
  });
});

describe('normalizeMessage: whitespace, length, adversarial input', () => {
  it('collapses whitespace', () => {
    expect(normalizeMessage('  a\n\n\tb  \r\n c ')).toBe('a b c');
  });

  it('reads any whitespace as one space, single spaces or not', () => {
    const unit = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', 'a', '7', 'x.io', '"');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 20 }), (units) => {
        const message = units.join('');
        expect(normalizeMessage(message)).toBe(normalizeMessage(message.replace(/\s+/g, ' ')));
      }),
    );
  });

  it('caps the normalised length at a word boundary', () => {
    const out = normalizeMessage('word '.repeat(400));
    expect(out.length).toBeLessThanOrEqual(MAX_NORMALIZED_MESSAGE_LENGTH);
    expect(out.endsWith('word')).toBe(true);
  });

  it('reads at most MAX_RAW_MESSAGE_LENGTH characters of input', () => {
    const head = 'x '.repeat(MAX_RAW_MESSAGE_LENGTH / 2);
    expect(normalizeMessage(`${head}tail`)).toBe(normalizeMessage(`${head}different tail`));
  });

  // Inputs built to make backtracking regexes blow up. The input cap bounds the work; this test
  // finishing at all (within vitest's timeout) is the check, and each still normalises sensibly.
  it.each([
    ['dotted labels', 'a.'.repeat(500_000)],
    ['long word', 'a'.repeat(1_000_000)],
    ['digits', '1'.repeat(1_000_000)],
    ['hex', 'f0'.repeat(500_000)],
    ['unclosed quotes', ': "x'.repeat(250_000)],
    ['colons', ':'.repeat(1_000_000)],
    ['email-ish', 'a@a.'.repeat(250_000)],
    ['echo without end', `Text: ${'Text: a '.repeat(125_000)}`],
    ['JSON snippet without end', `Unexpected token 'x', ${', "a'.repeat(250_000)}`],
    ['ipv6-ish', '1:'.repeat(500_000)],
    ['durations', '1m'.repeat(500_000)],
    ['url', `http://${'a'.repeat(1_000_000)}`],
  ])('%s', (_name, input) => {
    const out = normalizeMessage(input);
    expect(out.length).toBeLessThanOrEqual(MAX_NORMALIZED_MESSAGE_LENGTH);
    expect(normalizeMessage(out)).toBe(out);
  });
});

describe('normalizeMessage: properties', () => {
  it('is idempotent on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const once = normalizeMessage(s);
        expect(normalizeMessage(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent on text made of message-like pieces', () => {
    const piece = fc.constantFrom(
      ' ',
      ':',
      '=',
      '"',
      "'",
      ',',
      '.',
      '-',
      '_',
      '@',
      '/',
      '(',
      ')',
      '[',
      ']',
      '0',
      '7',
      '42',
      '1.5',
      'a',
      'f',
      'ms',
      's',
      'status code ',
      'HTTP ',
      'Text: ',
      ' Error message: ',
      'Unexpected token ',
      ' is not valid JSON',
      'req_',
      'sk-',
      'gpt-4o',
      'localhost',
      '.com',
      '::',
      'received ',
      'parameter',
      'Mon, ',
      ' Mar ',
      'T',
      'Z',
      'HTTP/1.1 ',
      '"code": ',
      ' is required',
      'x',
      '1e',
      '9f1c',
      '\n',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const once = normalizeMessage(pieces.join(''));
        expect(normalizeMessage(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });
});
