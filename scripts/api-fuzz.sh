#!/usr/bin/env bash
# Schemathesis, an external client, fuzzes a real `arc serve` from its own /openapi.json:
# every response must match the schema and no input may cause a 5xx. Part of `make test`.
# Two checks are left out on purpose: positive_data_acceptance (an opaque pagination cursor or an
# unknown id is schema-valid yet rightly refused with 400/404) and unsupported_method (Fastify
# answers 404, not 405, to a method a path does not have). Revoking a key (DELETE /v1/keys/{id})
# is left out because the fuzzer would revoke the very key it runs with. One worker: with two
# threads, hypothesis once failed in a clean-clone run with "SystemError: AST constructor recursion
# depth mismatch" from Python 3.11's ast module (CPython gh-106905, seen in threaded programs).
set -euo pipefail
cd "$(dirname "$0")/.."

schemathesis_version=4.32.5
if [ "$(schemathesis --version 2>/dev/null)" != "schemathesis, version $schemathesis_version" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    "schemathesis==$schemathesis_version"
fi

work=$(mktemp -d)
port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
admin_key="arc_fuzz$(node -e "console.log(require('node:crypto').randomBytes(24).toString('base64url'))")"
node packages/server/dist/cli/main.js serve --port "$port" --db "$work/arc.db" --admin-key "$admin_key" \
  >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT

node -e "
const url = 'http://127.0.0.1:$port/readyz';
const deadline = Date.now() + 20000;
(async () => {
  while (Date.now() < deadline) {
    try { if ((await fetch(url)).ok) return; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  console.error('arc serve did not become ready');
  process.exit(1);
})();
"

status=0
schemathesis run "http://127.0.0.1:$port/openapi.json" \
  --header "Authorization: Bearer $admin_key" \
  --checks all \
  --exclude-checks positive_data_acceptance,unsupported_method \
  --exclude-path '/v1/keys/{id}' \
  --max-examples "${ARC_FUZZ_EXAMPLES:-25}" \
  --workers 1 \
  --seed 1 \
  --warnings off "$@" || status=$?

if ! kill -0 "$server" 2>/dev/null; then
  echo "arc serve died during the fuzz run; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "schemathesis found failures (listed above); server log tail:" >&2
  tail -n 40 "$work/server.log" >&2
fi
exit "$status"
