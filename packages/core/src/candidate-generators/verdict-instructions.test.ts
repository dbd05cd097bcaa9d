import { describe, expect, it } from 'vitest';
import { correctionOf, verdictInstructions } from './verdict-instructions.js';

const pattern = { function: 'weather.answer', errorType: 'WrongAnswer' };
const failing = (...messages: (string | undefined)[]) =>
  messages.map((error, i) => ({ input: { q: i }, ...(error === undefined ? {} : { error }) }));

describe('correctionOf', () => {
  it('reads what the verifier expected and what it got', () => {
    expect(correctionOf("expected unit 'celsius', got 'fahrenheit'")).toEqual({
      subject: '',
      expected: "unit 'celsius'",
      actual: "'fahrenheit'",
    });
    expect(correctionOf('wrong value for city: expected "Paris", got "London"')).toEqual({
      subject: 'city',
      expected: '"Paris"',
      actual: '"London"',
    });
    expect(correctionOf('amount: expected 42 but received 41.')).toEqual({
      subject: 'amount',
      expected: '42',
      actual: '41',
    });
    expect(correctionOf('The currency should be EUR, not USD')).toEqual({
      subject: 'currency',
      expected: 'EUR',
      actual: 'USD',
    });
    expect(correctionOf('total must equal the sum of the lines')).toEqual({
      subject: 'total',
      expected: 'the sum of the lines',
    });
  });

  it('finds none in messages that state no correction', () => {
    expect(correctionOf('the answer is rude')).toBeUndefined();
    expect(correctionOf('')).toBeUndefined();
    expect(correctionOf('nothing expected here')).toBeUndefined();
  });
});

describe('verdictInstructions', () => {
  it('turns recurring corrections into rules, most frequent first, with what was given instead when that recurs too', () => {
    const text = verdictInstructions(
      pattern,
      failing(
        "expected unit 'celsius', got 'fahrenheit'",
        'city: expected "Paris", got "Lyon"',
        "expected unit 'celsius', got 'kelvin'",
        "expected unit 'celsius', got 'fahrenheit'",
        'wind should be km/h, not mph',
        'Wind should be km/h, not knots',
        "expected unit 'celsius', got 'kelvin'",
        "expected unit 'celsius', got 'rankine'",
      ),
    );
    expect(text).toBe(
      [
        'Answers of `weather.answer` were judged wrong by its verifier.',
        'Follow these corrections:',
        "- Use unit 'celsius', not 'fahrenheit' or 'kelvin'.",
        '- For wind, use km/h.',
      ].join('\n'),
    );
  });

  it('reads the checker of a benchmark the same way: one habit, each answer its own value', () => {
    const bfcl = [
      "values: expected the values the question states, got \"Invalid value for parameter 'city': 'Berkeley'\"",
      "values: expected the values the question states, got \"Invalid value for parameter 'unit': 'F'\"",
    ];
    expect(
      verdictInstructions({ function: 'bfcl_answer', errorType: 'value_error:string' }, failing(...bfcl)),
    ).toBe(
      [
        'Answers of `bfcl_answer` were judged wrong (value_error:string) by its verifier.',
        'Follow these corrections:',
        '- For values, use the values the question states.',
      ].join('\n'),
    );
  });

  it('quotes the findings when no correction recurs, grouped by their normalised form', () => {
    const text = verdictInstructions(
      { function: 'support.reply', errorType: 'tone' },
      failing(
        'the reply is rude to customer 4411',
        undefined,
        'expected 42, got 41',
        'the reply is rude to customer 17',
        '',
      ),
    );
    expect(text).toBe(
      [
        'Answers of `support.reply` were judged wrong (tone) by its verifier.',
        'What the verifier said about wrong answers, most frequent first:',
        '- "the reply is rude to customer 4411" (2 times)',
        '- "expected 42, got 41"',
        'Check the answer against these before giving it.',
      ].join('\n'),
    );
  });

  it('says nothing when the verifier said nothing', () => {
    expect(verdictInstructions(pattern, failing(undefined, '  '))).toBeUndefined();
    expect(verdictInstructions(pattern, [])).toBeUndefined();
  });

  it('keeps the instruction bounded however long and many the messages are', () => {
    const long = Array.from({ length: 50 }, (_, i) => `expected ${'x'.repeat(5_000)}${i % 10}, got y`);
    const text = verdictInstructions(pattern, failing(...long, ...long))!;
    expect(text.split('\n')).toHaveLength(2 + 8);
    expect(text.length).toBeLessThan(3_000);
    const findings = verdictInstructions(
      pattern,
      failing(...Array.from({ length: 50 }, (_, i) => `${'z'.repeat(9_000)} ${'abcdefghij'[i % 10]}`)),
    )!;
    expect(findings.length).toBeLessThan(2_000);
  });
});
