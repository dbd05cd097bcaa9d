// API keys: `arc_` + 32 base64url characters (24 random bytes, 192 bits). Only the SHA-256 of a key
// is stored, so a leaked database does not leak usable keys; the full key is shown once, at creation.

import { createHash, randomBytes } from 'node:crypto';
import { clientText } from './client-text.js';
import type { ApiKeyRecord, Scope, Storage } from './storage/storage.js';

/** The keys generateApiKey makes. */
export const API_KEY_PATTERN = /^arc_[A-Za-z0-9_-]{32}$/;
/** Keys accepted: generated ones, and ones an operator chose (ARC_ADMIN_KEY) with at least 96 bits. */
const ACCEPTED_KEY_PATTERN = /^arc_[A-Za-z0-9_-]{16,128}$/;

/** Longest key name kept; the API refuses longer ones. */
export const MAX_KEY_NAME_LENGTH = 100;

/** Characters of a key that are safe to show in listings (`arc_` and four random ones). */
const PREFIX_LENGTH = 8;

export function generateApiKey(): string {
  return `arc_${randomBytes(24).toString('base64url')}`;
}

export function isApiKey(value: string): boolean {
  return ACCEPTED_KEY_PATTERN.test(value);
}

/** SHA-256 hex. A fast hash is enough: keys carry 192 random bits, so there is nothing to brute-force. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, PREFIX_LENGTH);
}

export interface IssuedApiKey {
  /** The full key; exists only in this return value, never in storage. */
  key: string;
  record: ApiKeyRecord;
}

export async function issueApiKey(
  storage: Storage,
  projectId: string,
  name: string,
  scopes: Scope[],
  key: string = generateApiKey(),
): Promise<IssuedApiKey> {
  if (!isApiKey(key))
    throw new Error('an API key is `arc_` followed by 16 to 128 characters of [A-Za-z0-9_-]');
  const record = await storage.createApiKey({
    projectId,
    name: clientText(name, MAX_KEY_NAME_LENGTH),
    scopes,
    prefix: apiKeyPrefix(key),
    keyHash: hashApiKey(key),
  });
  return { key, record };
}

/** `admin` implies every other scope. */
export function hasScope(granted: readonly Scope[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}
