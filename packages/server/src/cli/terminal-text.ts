// Text a client sent (function names, messages, error types), made harmless for a terminal: its
// control characters (C0, DEL, C1), which a terminal would obey (ESC sequences that clear the screen,
// retitle the window or write the clipboard; line breaks that forge rows), shown as \u escapes.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function terminalText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
