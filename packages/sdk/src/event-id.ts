// Event ids make retried batches idempotent on the server, so they must be unique per project:
// a random prefix per process (122 bits from a UUID) and a counter, cheaper than a UUID per event.
const PREFIX = globalThis.crypto.randomUUID();
let counter = 0;

export function nextEventId(): string {
  counter++;
  return `${PREFIX}-${counter.toString(36)}`;
}
