import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from './canonical-json.js';
import type { Fix } from './fix-types.js';

/**
 * `fix_` and the first 16 hex digits of the SHA-256 of the fix's canonical JSON: the same fix gets
 * the same id wherever and whenever it is generated, so candidates from different generators (or a
 * transfer of a fix the pattern already has) collapse into one candidate.
 */
export function fixId(fix: Fix): string {
  return `fix_${bytesToHex(sha256(utf8ToBytes(canonicalJson(fix)))).slice(0, 16)}`;
}
