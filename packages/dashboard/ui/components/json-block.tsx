// JSON as the API gave it (already redacted by the server), indented, long values cut.

const MAX_CHARS = 4_000;

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  const text = value === undefined ? 'undefined' : JSON.stringify(value, null, 2);
  const shown =
    text.length > MAX_CHARS
      ? `${text.slice(0, MAX_CHARS)}\n… (${text.length - MAX_CHARS} more characters)`
      : text;
  return (
    <div class="json">
      <p class="json-label">{label}</p>
      <pre>{shown}</pre>
    </div>
  );
}
