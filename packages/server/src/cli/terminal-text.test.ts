import { describe, expect, it } from 'vitest';
import { terminalText } from './terminal-text.js';

describe('terminalText', () => {
  it('shows control characters as escapes, so a terminal obeys none of them', () => {
    expect(terminalText('evil\u001b]0;PWNED\u0007\u001b[2J')).toBe('evil\\u001b]0;PWNED\\u0007\\u001b[2J');
    expect(terminalText('a\nb\tc\r\u007f\u009b')).toBe('a\\u000ab\\u0009c\\u000d\\u007f\\u009b');
  });

  it('keeps every other character as it is', () => {
    const text = 'parse_answer: Unexpected token } at position <int> – é 😀 "quoted" \\u0041';
    expect(terminalText(text)).toBe(text);
  });
});
