# Two entry points that work on a fresh clone: `make demo` and `make test`.
# Each installs what it needs on first use (npm packages, PostgreSQL for the storage tests).
SHELL := /bin/bash
.DEFAULT_GOAL := help
STAMP := node_modules/.arc-install-stamp

help:
	@echo "make demo   run the main job (arc demo --quick: a local LLM learning from its failures)"
	@echo "make test   install, build and run every test (SQLite and PostgreSQL, then the Python SDK's)"
	@echo "make test-python   the Python SDK's mypy and pytest (in .venv, against the build)"
	@echo "make bench-python  the Python SDK's per-call overhead vs a bare call and an OpenTelemetry span"

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	node scripts/check-native-modules.mjs
	@touch $(STAMP)

install: $(STAMP)

build: install
	npm run build

lint: install
	npm run lint

typecheck: install
	npm run typecheck

test: build
	scripts/ensure-chromium.sh
	. scripts/ensure-postgres.sh && npm test
	scripts/test-python.sh
	scripts/api-fuzz.sh

test-python: build
	scripts/test-python.sh

bench-python:
	scripts/bench-python.sh

demo: build
	node packages/server/dist/cli/main.js demo --quick

.PHONY: help install build lint typecheck test test-python bench-python demo
