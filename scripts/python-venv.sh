#!/usr/bin/env bash
# The git-ignored virtual environment .venv for the Python SDK's tests and bench: the exact versions
# python/pyproject.toml pins in its [test] extra (installed again only when the pins change), and
# the package itself, built from python/ by the pinned hatchling on every run, so that the tests
# import what `pip install ./python` installs.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
stamp="$venv/.arc-python-deps"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ python/pyproject.toml -nt "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "./python[test]"
  touch "$stamp"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
  --force-reinstall ./python
