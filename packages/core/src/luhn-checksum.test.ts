import { describe, expect, it } from 'vitest';
import { passesLuhn } from './luhn-checksum.js';

describe('passesLuhn', () => {
  it('accepts published test card numbers', () => {
    for (const card of [
      '4111111111111111',
      '5555555555554444',
      '378282246310005',
      '6011111111111117',
      '79927398713',
    ]) {
      expect(passesLuhn(card)).toBe(true);
    }
  });

  it('rejects a number with one digit changed or two neighbours swapped', () => {
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(passesLuhn('79927398731')).toBe(false);
  });

  it('rejects empty input and anything that is not a digit', () => {
    expect(passesLuhn('')).toBe(false);
    expect(passesLuhn('4111 1111 1111 1111')).toBe(false);
    expect(passesLuhn('41111111111111a1')).toBe(false);
  });
});
