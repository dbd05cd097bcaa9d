#!/usr/bin/env bash
# The Python SDK's overhead bench (make bench-python): @arc.track against a bare call and an
# OpenTelemetry span, in the .venv that scripts/test-python.sh makes (made here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/python-venv.sh
.venv/bin/python python/bench/overhead.py
