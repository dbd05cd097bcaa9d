#!/usr/bin/env bash
# The dashboard's browser tests drive Debian's Chromium (never a downloaded browser build).
# Installs it on first use; needs root, as CI has.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
