import { describe, expect, it } from 'vitest';
import { fingerprintFailure } from './fingerprint-failure.js';
import {
  DEFAULT_VERDICT_THRESHOLD,
  fingerprintWrongAnswer,
  isWrongAnswer,
  verdictOf,
  WRONG_ANSWER_TYPE,
} from './verdict.js';

describe('verdictOf', () => {
  it('reads scores, booleans and verdict objects', () => {
    expect(verdictOf(0.25)).toEqual({ verdict: { score: 0.25 } });
    expect(verdictOf(1)).toEqual({ verdict: { score: 1 } });
    expect(verdictOf(true)).toEqual({ verdict: { score: 1 } });
    expect(verdictOf(false)).toEqual({ verdict: { score: 0 } });
    expect(verdictOf({ score: 0, label: 'wrong_unit', message: "expected unit 'celsius'" })).toEqual({
      verdict: { score: 0, label: 'wrong_unit', message: "expected unit 'celsius'" },
    });
    // Blank labels and empty messages say nothing; unknown keys are not copied.
    expect(verdictOf({ score: 0.5, label: '  ', message: '', extra: 1 })).toEqual({
      verdict: { score: 0.5 },
    });
  });

  it('names what is wrong with anything else', () => {
    expect(verdictOf(1.5)).toEqual({ error: 'expected a score in [0, 1], a boolean or { score }, got 1.5' });
    expect(verdictOf(Number.NaN)).toEqual({
      error: 'expected a score in [0, 1], a boolean or { score }, got NaN',
    });
    expect(verdictOf(undefined)).toEqual({
      error: 'expected a score in [0, 1], a boolean or { score }, got undefined',
    });
    expect(verdictOf('0.5')).toEqual({
      error: 'expected a score in [0, 1], a boolean or { score }, got string',
    });
    expect(verdictOf(null)).toEqual({
      error: 'expected a score in [0, 1], a boolean or { score }, got null',
    });
    expect(verdictOf([1])).toEqual({
      error: 'expected a score in [0, 1], a boolean or { score }, got an array',
    });
    expect(verdictOf({ score: -0.1 })).toEqual({ error: 'score must be a number in [0, 1], got -0.1' });
    expect(verdictOf({ label: 'x' })).toEqual({ error: 'score must be a number in [0, 1], got undefined' });
    expect(verdictOf({ score: 0, label: 7 })).toEqual({
      error: 'label must be a string of at most 200 characters',
    });
    expect(verdictOf({ score: 0, label: 'x'.repeat(201) })).toEqual({
      error: 'label must be a string of at most 200 characters',
    });
    expect(verdictOf({ score: 0, message: {} })).toEqual({ error: 'message must be a string' });
  });
});

describe('isWrongAnswer', () => {
  it('is a score below the threshold, 0.5 by default', () => {
    expect(DEFAULT_VERDICT_THRESHOLD).toBe(0.5);
    expect(isWrongAnswer(0.49)).toBe(true);
    expect(isWrongAnswer(0.5)).toBe(false);
    expect(isWrongAnswer(0.7, 0.8)).toBe(true);
    expect(isWrongAnswer(0, 0)).toBe(false);
  });
});

describe('fingerprintWrongAnswer', () => {
  const answer = {
    function: 'weather.answer',
    message: "expected unit 'celsius', got 'fahrenheit'",
    input: { city: 'Paris' },
    output: { temperature: 68, unit: 'fahrenheit' },
  };

  it('is a wrong_answer failure named by the label, grouped by the normalised message', () => {
    const fp = fingerprintWrongAnswer(answer);
    expect(fp.category).toBe('wrong_answer');
    expect(fp.normalizedMessage).toBe("expected unit 'celsius', got <value>");
    expect(fp.signature).toMatchObject({
      function: 'weather.answer',
      errorType: WRONG_ANSWER_TYPE,
      inputShape: { city: 'string' },
      outputShape: { temperature: 'number', unit: 'string' },
    });
    // Another wrong value of the same kind is the same pattern; another expected unit is not.
    expect(
      fingerprintWrongAnswer({ ...answer, message: "expected unit 'celsius', got 'kelvin'" }).patternId,
    ).toBe(fp.patternId);
    expect(
      fingerprintWrongAnswer({ ...answer, message: "expected unit 'kelvin', got 'celsius'" }).patternId,
    ).not.toBe(fp.patternId);
    expect(fingerprintWrongAnswer({ ...answer, label: 'wrong_unit' })).toMatchObject({
      category: 'wrong_answer',
      signature: { errorType: 'wrong_unit' },
    });
  });

  it('keeps the category whatever the message would say, and lets rules regroup it', () => {
    // A verifier's message can read like a timeout or a validation error; the verdict decides.
    expect(fingerprintWrongAnswer({ ...answer, message: 'answer timed out: stale data' }).category).toBe(
      'wrong_answer',
    );
    const rules = [
      { match: { function: 'weather.answer' }, category: 'timeout' as const, fingerprint: ['units'] },
    ];
    const fp = fingerprintWrongAnswer(answer, { rules });
    expect(fp.category).toBe('wrong_answer');
    expect(fp.signature.fingerprint).toEqual(['units']);
    expect(fp.patternId).toBe(
      fingerprintFailure({ function: 'x' }, { rules: [{ match: {}, fingerprint: ['units'] }] }).patternId,
    );
  });

  it('groups wrong answers without a message per function and label', () => {
    const bare = fingerprintWrongAnswer({ function: 'weather.answer' });
    expect(bare.normalizedMessage).toBe('');
    expect(fingerprintWrongAnswer({ function: 'weather.answer', output: 'x' }).patternId).toBe(
      bare.patternId,
    );
    expect(fingerprintWrongAnswer({ function: 'weather.answer', label: 'rude' }).patternId).not.toBe(
      bare.patternId,
    );
    expect(fingerprintWrongAnswer({ function: 'other' }).patternId).not.toBe(bare.patternId);
  });
});
