/**
 * Sets `target[key] = value` as an own, enumerable data property. Plain assignment with the key
 * `"__proto__"` would call the prototype setter instead, silently dropping that entry from copies
 * of untrusted data (JSON.parse creates it as an ordinary own key).
 */
export function setOwnProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
