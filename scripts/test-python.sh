#!/usr/bin/env bash
# The Python SDK's checks (make test-python, part of make test): mypy --strict, then pytest against
# a real `arc serve` from the repository's build (make build first), in .venv (scripts/python-venv.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/python-venv.sh
cd python
../.venv/bin/python -m mypy
../.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
