/**
 * Keys as their issuers generate them (random characters in each kind's documented format), for
 * properties that must hold for every key rather than for the corpus's few. Built at run time
 * from random characters, so no token sits in the source.
 */
import fc from 'fast-check';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BASE62 = `${UPPER}${LOWER}${DIGITS}`;
const BASE64URL = `${BASE62}-_`;
const HEX = `${DIGITS}abcdef`;
const BASE32 = `${UPPER}234567`;

/** `length` characters of `alphabet`, drawn uniformly: fast-check's bias (all `A`, say) gives no real key. */
function random(alphabet: string, length: number): fc.Arbitrary<string> {
  return fc.noBias(fc.string({ unit: fc.constantFrom(...alphabet), minLength: length, maxLength: length }));
}

const base64url = (text: string): string => Buffer.from(text).toString('base64url');

/** A key of each kind core redacts by its prefix, in the format its issuer uses. */
export const GENERATED_SECRETS: Record<string, fc.Arbitrary<string>> = {
  'OpenAI legacy key': random(BASE62, 48).map((body) => `sk-${body}`),
  'OpenAI project key': random(BASE64URL, 156).map((body) => `sk-proj-${body}`),
  'OpenAI-compatible hex key': random(HEX, 32).map((body) => `sk-${body}`),
  'Anthropic key': random(BASE64URL, 93).map((body) => `sk-ant-api03-${body}AA`),
  'GitHub token': fc
    .tuple(fc.constantFrom('ghp', 'gho', 'ghu', 'ghs', 'ghr'), random(BASE62, 36))
    .map(([kind, body]) => `${kind}_${body}`),
  'GitHub fine-grained token': fc
    .tuple(random(BASE62, 22), random(BASE62, 59))
    .map(([id, body]) => `github_pat_${id}_${body}`),
  'AWS access key id': fc
    .tuple(fc.constantFrom('AKIA', 'ASIA'), random(BASE32, 16))
    .map(([kind, body]) => `${kind}${body}`),
  'Arc key': random(BASE64URL, 43).map((body) => `arc_${body}`),
  'Slack token': fc
    .tuple(fc.constantFrom(...'abprs'), random(DIGITS, 12), random(DIGITS, 13), random(BASE62, 24))
    .map(([kind, team, user, body]) => `xox${kind}-${team}-${user}-${body}`),
  'Stripe key': fc
    .tuple(fc.constantFrom('sk', 'rk'), fc.constantFrom('live', 'test'), random(BASE62, 24))
    .map(([kind, mode, body]) => `${kind}_${mode}_${body}`),
  'Stripe webhook secret': random(BASE62, 32).map((body) => `whsec_${body}`),
  'Google API key': random(BASE64URL, 35).map((body) => `AIza${body}`),
  JWT: fc
    .tuple(fc.constantFrom('HS256', 'RS256'), fc.nat(), random(BASE64URL, 43))
    .map(
      ([alg, sub, signature]) =>
        `${base64url(JSON.stringify({ alg, typ: 'JWT' }))}.${base64url(JSON.stringify({ sub: String(sub) }))}.${signature}`,
    ),
};

/** What joins the parts of an identifier: `req-…`, `token_…`, `keys/…`, `a.b`, `env:…`, `k=…`. */
export const IDENTIFIER_SEPARATORS = ['-', '_', '.', '/', ':', '='] as const;
