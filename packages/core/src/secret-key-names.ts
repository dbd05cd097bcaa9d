/**
 * Which object keys name secrets, so their values are hidden wholesale whatever they look like.
 * Keys are compared case- and separator-insensitively (`apiKey`, `api_key`, `API-KEY` are one
 * name). The rules are narrow on purpose: telemetry is full of harmless neighbours such as
 * `max_tokens`, `prompt_tokens`, `author`, `sessionId` or `possession` that must stay readable.
 */

/** Lower case, letters and digits only: the form every rule and every extra key is compared in. */
export function normalizeKeyName(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * On the normalized key: words that are secret wherever they appear, endings that are secret
 * (`token` but not `tokens` or `tokenCount`), and card-number shorthands that are secret only alone.
 */
const SECRET_NORMALIZED =
  /password|passwd|passphrase|passcode|credential|cookie|(?:secrets?|token|authorization|apikeys?|privatekey|secretkey|accesskey|authheader|cardnumber|creditcard)$|^(?:cc|ccnum|ccnumber)$/;

/** Short words that are secret only as the key's last whole word (`basicAuth`, not `author` or `oauth`). */
const SECRET_LAST_WORDS: ReadonlySet<string> = new Set([
  'auth',
  'pwd',
  'ssn',
  'cvv',
  'cvv2',
  'cvc',
  'session',
]);

function lastWord(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  for (let i = words.length - 1; i >= 0; i--) {
    if (words[i] !== '') return words[i]!;
  }
  return '';
}

/** `extraKeys` holds caller-given names, already normalized; they match whole keys only. */
export function isSecretKeyName(key: string, extraKeys?: ReadonlySet<string>): boolean {
  const normalized = normalizeKeyName(key);
  if (normalized === '') return false;
  return (
    SECRET_NORMALIZED.test(normalized) ||
    SECRET_LAST_WORDS.has(lastWord(key)) ||
    extraKeys?.has(normalized) === true
  );
}
