import { describe, expect, it } from 'vitest';
import { isSecretKeyName, normalizeKeyName } from './secret-key-names.js';

describe('isSecretKeyName', () => {
  it.each([
    'password',
    'Password',
    'db_password',
    'newPasswordConfirmation',
    'passwd',
    'pwd',
    'DB_PWD',
    'passphrase',
    'secret',
    'client_secret',
    'clientSecret',
    'webhook-secret',
    'secrets',
    'token',
    'access_token',
    'accessToken',
    'refresh_token',
    'id_token',
    'X-Auth-Token',
    'GITHUB_TOKEN',
    'authorization',
    'Proxy-Authorization',
    'auth',
    'basicAuth',
    'proxy_auth',
    'authHeader',
    'api_key',
    'apikey',
    'apiKey',
    'api-key',
    'x-api-key',
    'X-API-KEY',
    'OPENAI_API_KEY',
    'apiKeys',
    'cookie',
    'Set-Cookie',
    'cookies',
    'session',
    'user_session',
    'private_key',
    'privateKey',
    'secret_access_key',
    'aws_secret_access_key',
    'credential',
    'credentials',
    'awsCredentials',
    'ssn',
    'customer_ssn',
    'card_number',
    'cardNumber',
    'creditCard',
    'cc',
    'cc_number',
    'cvv',
    'card_cvc',
  ])('%s is secret', (key) => {
    expect(isSecretKeyName(key)).toBe(true);
  });

  it.each([
    'tokens',
    'max_tokens',
    'maxTokens',
    'max_completion_tokens',
    'prompt_tokens',
    'completion_tokens',
    'total_tokens',
    'token_count',
    'tokenCount',
    'tokenizer',
    'token_type',
    'author',
    'authorName',
    'authored_at',
    'authority',
    'oauth',
    'secretary',
    'secret_name',
    'sessionId',
    'session_id',
    'possession',
    'key',
    'keys',
    'primary_key',
    'idempotency_key',
    'cache_key',
    'keyboard',
    'monkey',
    'className',
    'cwd',
    'description',
    'passage',
    'card_last4',
    'success',
    'access',
    'bcc',
    'accessTokenExpiresAt',
    '',
    '---',
  ])('%s is not secret', (key) => {
    expect(isSecretKeyName(key)).toBe(false);
  });

  it('adds caller-given names, compared in normalized form against whole keys', () => {
    const extra = new Set([normalizeKeyName('X-Tenant-Signature')]);
    expect(isSecretKeyName('x_tenant_signature', extra)).toBe(true);
    expect(isSecretKeyName('xTenantSignature', extra)).toBe(true);
    expect(isSecretKeyName('x_tenant_signature_algorithm', extra)).toBe(false);
    expect(isSecretKeyName('x_tenant_signature')).toBe(false);
  });
});

describe('normalizeKeyName', () => {
  it('folds case and drops separators', () => {
    expect(normalizeKeyName('X-Api_Key.v2')).toBe('xapikeyv2');
  });
});
